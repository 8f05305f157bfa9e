"""Reads the API needs beyond orgs.selectors: regions and standards that reach above a user."""

from django.db.models import Q, QuerySet

from orgs.models import Region, Standard


def _above(user) -> list[str]:
    """Codes of the regions above the user's region (no query)."""
    return Region(code=user.region_id).ancestor_codes


def region_list(*, user) -> QuerySet[Region]:
    """The user's subtree plus the regions above it, so a client can walk up to the root."""
    regions = Region.objects.visible_to(user)
    if not (user.is_authenticated and user.is_active) or user.is_superuser or not user.region_id:
        return regions
    return Region.objects.filter(Q(code__startswith=user.region_id) | Q(code__in=_above(user)))


def standard_list(*, user) -> QuerySet[Standard]:
    """Standards that apply everywhere, above the user's region, or within it."""
    if not (user and user.is_authenticated and user.is_active):
        return Standard.objects.none()
    if user.is_superuser:
        return Standard.objects.all()
    if not user.region_id:
        return Standard.objects.none()
    return Standard.objects.filter(
        Q(region__isnull=True)
        | Q(region_id__in=_above(user))
        | Q(region__code__startswith=user.region_id)
    )
