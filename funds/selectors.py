"""Read selectors of the funds app: the donors, campaigns and donations a user may see."""

from django.db.models import Case, QuerySet, Value, When

from core.access import visible_with_regions_above
from funds.choices import DonationStatus
from funds.models import Campaign, Donation, Donor


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
    campaigns = visible_with_regions_above(user, Campaign.objects.all())
    return campaigns.select_related("region", "parent")
