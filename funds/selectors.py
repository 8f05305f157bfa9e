"""Read selectors of the funds app: the donors, campaigns and donations a user may see."""

from decimal import Decimal

from django.db.models import Case, DecimalField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from core.access import in_scope, visible_with_regions_above
from funds.choices import DonationStatus, SpendingCategory, SpendingStatus
from funds.models import Campaign, Donation, Donor, Fund, FundBalance, Spending
from funds.summaries import SpendingSummary


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


def fund_list(*, user) -> QuerySet[Fund]:
    """Funds of the branches in the user's region, with branch, campaign and balance."""
    return Fund.objects.visible_to(user).with_balance().select_related("branch", "campaign")


def spending_list(*, user) -> QuerySet[Spending]:
    """Spendings in the user's region, with fund and branch, and their ``status``."""
    status = Case(
        When(reverses__isnull=False, then=Value(SpendingStatus.REVERSAL)),
        When(is_reversed=True, then=Value(SpendingStatus.REVERSED)),
        default=Value(SpendingStatus.RECORDED),
    )
    return (
        Spending.objects.visible_to(user)
        .with_status()
        .annotate(status=status)
        .select_related("fund", "branch")
    )


ZERO = Decimal("0.00")


def _money(expression) -> Coalesce:
    return Coalesce(
        expression, Value(ZERO), output_field=DecimalField(max_digits=18, decimal_places=2)
    )


def region_spending(*, code: str, year: int | None, user) -> dict:
    """The spending figures of region ``code`` (docs/METRICS.md "Fund use"): money spent per
    category and in all, the administrative cost share, and the balance of its funds.

    Two queries: the spending summary's rows of the subtree (one year, or all), and the sum
    of the balances of the subtree's funds. A region outside the user's subtree has none.
    """
    if not in_scope(user, code):
        code = "-"  # no region code starts with it: every figure is zero
    rows = SpendingSummary.objects.filter(region_code__startswith=code)
    if year is not None:
        rows = rows.filter(year=year)
    sums = rows.aggregate(
        spent=_money(Sum("amount")),
        **{
            category: _money(Sum("amount", filter=Q(category=category)))
            for category in SpendingCategory.values
        },
    )
    spent = sums.pop("spent")
    administrative = sums[SpendingCategory.ADMINISTRATIVE]
    share = (administrative / spent).quantize(Decimal("0.0001")) if spent else None
    balance = FundBalance.objects.filter(fund__region_code__startswith=code).aggregate(
        balance=_money(Sum("balance"))
    )["balance"]
    return {"spent": spent, "by_category": sums, "administrative_share": share, "balance": balance}
