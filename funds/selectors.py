"""Read selectors of the funds app: the donors, campaigns and donations a user may see."""

from django.db.models import Case, QuerySet, Value, When
from django.db.models.query import EmptyQuerySet

from funds.choices import DonationStatus
from funds.models import Campaign, Donation, Donor
from orgs.models import Region


def donation_list(*, user) -> QuerySet[Donation]:
    """Donations in the user's region, with branch, donor and campaign, and their ``status``."""
    status = Case(
        When(reverses__isnull=False, then=Value(DonationStatus.REVERSAL)),
        When(is_reversed=True, then=Value(DonationStatus.REVERSED)),
        default=Value(DonationStatus.RECORDED),
    )
    return (
        Donation.objects.visible_to(user)
        .with_status()
        .annotate(status=status)
        .select_related("branch", "donor", "campaign")
    )


def donor_list(*, user) -> QuerySet[Donor]:
    """Donors registered in the user's region, with their region."""
    return Donor.objects.visible_to(user).select_related("region")


def campaign_list(*, user) -> QuerySet[Campaign]:
    """Campaigns in the user's region and those organized above it.

    A county staffer sees the city's and the province's 99 Giving Day campaigns too, so that
    the county's donations can be attached to them.
    """
    campaigns = Campaign.objects.visible_to(user)
    if not isinstance(campaigns, EmptyQuerySet) and not user.is_superuser:
        above = Region(code=user.region_id).ancestor_codes  # from the code: no query
        campaigns = campaigns | Campaign.objects.filter(region_id__in=above)
    return campaigns.select_related("region", "parent")
