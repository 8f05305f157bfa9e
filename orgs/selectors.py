"""Reads of the orgs app: branches with their latest assessment, regions and standards a user sees."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from core.access import visible_to, visible_with_regions_above
from orgs.choices import BranchStatus, UnitChange
from orgs.models import Assessment, Branch, Region, Standard, Vintage, VintageChange


def _latest_assessment(column: str) -> Subquery:
    """``column`` of the branch's latest assessment, by the orgs_assess_latest_idx index."""
    latest = Assessment.objects.filter(branch=OuterRef("pk")).order_by("-assessed_on", "-id")
    return Subquery(latest.values(column)[:1])


def branch_list(*, user) -> QuerySet[Branch]:
    """Branches the user may see, with their region, parent and latest assessment (one query).

    Annotated with ``latest_assessed_on``, ``latest_met`` and ``latest_total`` (None for a
    branch never assessed).
    """
    return (
        Branch.objects.visible_to(user)
        .select_related("region", "parent")
        .annotate(
            latest_assessed_on=_latest_assessment("assessed_on"),
            latest_met=_latest_assessment("met_count"),
            latest_total=_latest_assessment("item_count"),
        )
    )


def branch_get(*, user, pk: int) -> Branch:
    """One branch of ``branch_list``; Http404 when it is outside the user's region."""
    return get_object_or_404(branch_list(user=user), pk=pk)


def region_children(*, region: Region) -> QuerySet[Region]:
    """The regions directly below ``region`` that are still in force, by code."""
    return Region.objects.filter(parent=region).current().order_by("code")


def region_search(*, user, query: str, limit: int = 20) -> QuerySet[Region]:
    """Current regions in the user's scope whose code starts with ``query`` (digits) or whose
    name contains it; higher levels first, then by code.
    """
    query = query.strip()
    regions = Region.objects.visible_to(user).current()
    if not query:
        return regions.none()
    if query.isdigit():
        regions = regions.filter(code__startswith=query)
    else:
        regions = regions.filter(name__icontains=query)
    return regions.order_by(Length("code"), "code")[:limit]


def region_exact(*, user, query: str) -> Region | None:
    """The current region in the user's scope whose code is ``query``, or the only one whose
    name is ``query`` exactly; None when there is none or several share the name (one query)."""
    query = query.strip()
    if not query:
        return None
    regions = Region.objects.visible_to(user).current()
    field = "code" if query.isdigit() else "name"
    found = list(regions.filter(**{field: query})[:2])
    return found[0] if len(found) == 1 else None


def region_paths(regions: Iterable[Region]) -> dict[str, list[tuple[str, str]]]:
    """Each region's ``(code, name)`` from its province down to itself, by code: the
    breadcrumbs of a page, and what tells same-named regions apart in a search. One query for
    all of them (none when every region is a province)."""
    regions = list(regions)
    above = {code for region in regions for code in region.ancestor_codes}
    names = dict(Region.objects.filter(code__in=above).values_list("code", "name"))
    return {
        region.code: [
            *((code, names[code]) for code in region.ancestor_codes if code in names),
            (region.code, region.name),
        ]
        for region in regions
    }


def region_list(*, user) -> QuerySet[Region]:
    """The user's subtree plus the regions above it, so a client can walk up to the root."""
    return visible_with_regions_above(user, Region.objects.all())


def standard_list(*, user) -> QuerySet[Standard]:
    """Standards that apply everywhere, above the user's region, or within it."""
    return visible_with_regions_above(user, Standard.objects.all(), national=Q(region__isnull=True))


def region_closure(region: Region) -> tuple[Region | None, str] | None:
    """Whether ``region`` is closed: None while in force; else (successor, vintage name),
    the unit the latest vintage that closed it names as successor (None when it found none).

    No query for a region in force (``valid_to`` is on the row), at most two when closed.
    """
    if region.valid_to is None:
        return None
    return closures([region.code]).get(region.code, (None, ""))


def closures(codes: Iterable[str]) -> dict[str, tuple[Region | None, str]]:
    """Per code, what the latest vintage that closed it says: (successor, vintage name), the
    successor None when it named none. Codes no vintage closed are left out. Two queries
    however many codes (one when no successor is named)."""
    latest: dict[str, VintageChange] = {}
    changes = (
        VintageChange.objects.filter(code__in=set(codes), change=UnitChange.CLOSED)
        .select_related("vintage")
        .order_by("code", "-vintage__effective_on", "-id")
    )
    for change in changes:
        latest.setdefault(change.code, change)
    successors = Region.objects.in_bulk(
        {change.successor_code for change in latest.values() if change.successor_code}
    )
    return {
        code: (successors.get(change.successor_code), change.vintage.name)
        for code, change in latest.items()
    }


def vintage_changes(*, user, vintage: Vintage) -> QuerySet[VintageChange]:
    """The vintage's report rows of the units in the user's subtree (the unit that changed)."""
    return visible_to(user, vintage.changes.all()).order_by("code", "change")


def change_counts(changes: Iterable[VintageChange]) -> list[tuple[str, int]]:
    """(label, count) per kind of change, in the choices' order, and the closed units that
    no rule gave a successor; kinds without a unit are left out."""
    counted = dict.fromkeys(UnitChange, 0)
    orphans = 0
    for change in changes:
        counted[change.change] += 1
        orphans += change.change == UnitChange.CLOSED and not change.successor_code
    rows = [(kind.label, count) for kind, count in counted.items() if count]
    if orphans:
        rows.append((str(_("Closed without a successor")), orphans))
    return rows


@dataclass(frozen=True)
class StrandedBranch:
    """A branch left at a closed unit, with the successor the latest vintage named (if any)."""

    branch: Branch
    vintage: str
    successor: Region | None


def stranded_branches(*, user) -> list[StrandedBranch]:
    """The user's branches (not dissolved) registered at a closed unit: each needs a decision
    (a move to the successor, or dissolving). Three queries, however many branches."""
    branches = list(
        visible_to(user, Branch.objects.all())
        .filter(region__valid_to__isnull=False)
        .exclude(status=BranchStatus.DISSOLVED)
        .select_related("region")
        .order_by("region_id", "name")
    )
    if not branches:
        return []
    closed = closures(branch.region_id for branch in branches)
    rows = []
    for branch in branches:
        successor, vintage = closed.get(branch.region_id, (None, ""))
        rows.append(StrandedBranch(branch=branch, vintage=vintage, successor=successor))
    return rows
