"""Read selectors of the funds app: the donors, campaigns and donations a user may see."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DecimalField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Left
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.access import in_scope, scope_of, visible_with_regions_above
from core.regions import child_code_length
from funds.choices import DonationStatus, SpendingCategory, SpendingStatus
from funds.models import Campaign, Donation, Donor, Fund, FundBalance, Spending
from funds.summaries import SpendingSummary, TownshipCampaignSummary
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


# A campaign's page ------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignShare:
    """A campaign's money at a region: the gifts to it (net of reversals) and its designated
    funds there (received, spent, balance)."""

    code: str
    name: str
    gifts: int
    raised: Decimal
    goods: Decimal
    received: Decimal
    spent: Decimal
    balance: Decimal


@dataclass(frozen=True)
class CampaignFigures:
    """What a campaign's page shows the user: the region its figures cover (the campaign's
    region, or the user's below it), the whole, each child region, and the money spent out
    of the campaign's funds per project and category."""

    campaign: Campaign
    code: str
    whole: CampaignShare
    children: list[CampaignShare]
    #: (project, category label, money spent), most money first.
    projects: list[tuple[str, str, Decimal]]

    @property
    def progress(self) -> Decimal | None:
        """The share of the target raised, when the figures cover the whole campaign."""
        target = self.campaign.target_amount
        if not target or self.code != self.campaign.region_id:
            return None
        return (self.whole.raised / target).quantize(Decimal("0.0001"))


def campaign_get(*, user, pk: int) -> Campaign:
    """A campaign the user may read (organized in their region or above it), else 404."""
    return get_object_or_404(campaign_list(user=user), pk=pk)


def campaign_figures(*, user, campaign: Campaign) -> CampaignFigures:
    """The campaign's money in the part of its region the user sees, per child region
    (docs/METRICS.md "A campaign's page"); three queries: the gifts from the township
    campaign summary, the funds' balance rows, the spendings per project and category.

    A county staffer opening the province's Giving Day sees their county's part only."""
    scope = scope_of(user)
    code = scope if scope and scope.startswith(campaign.region_id) else campaign.region_id
    if not in_scope(user, code):
        code = "-"  # no region code starts with it: every figure is zero
    length = child_code_length(code)
    gifts = (
        TownshipCampaignSummary.objects.filter(campaign=campaign, region_code__startswith=code)
        .annotate(child=Left("region_code", length))
        .values("child")
        .annotate(gifts=Sum("donations"), raised=Sum("amount"), goods=Sum("in_kind_value"))
    )
    funds = (
        FundBalance.objects.filter(fund__campaign=campaign, fund__region_code__startswith=code)
        .annotate(child=Left("fund__region_code", length))
        .values("child")
        .annotate(received=Sum("received"), spent=Sum("spent"), balance=Sum("balance"))
    )
    rows: dict[str, dict] = {}
    for row in [*gifts, *funds]:
        rows.setdefault(row.pop("child"), {}).update(row)
    names = dict(Region.objects.filter(code__in=[code, *rows]).values_list("code", "name"))
    children = [_share(child, names.get(child, child), rows[child]) for child in sorted(rows)]
    whole = _share(code, names.get(code, _("Whole country")), _summed(rows.values()))
    projects = (
        Spending.objects.filter(fund__campaign=campaign, region_code__startswith=code)
        .values_list("project", "category")
        .annotate(spent=Sum("amount"))
        .filter(spent__gt=0)
        .order_by("-spent", "project", "category")
    )
    projects = [
        (project, SpendingCategory(category).label, spent) for project, category, spent in projects
    ]
    return CampaignFigures(campaign, code, whole, children, projects)


_SHARE_FIGURES = ("gifts", "raised", "goods", "received", "spent", "balance")


def _summed(rows) -> dict:
    rows = list(rows)
    return {name: sum((row.get(name) or 0 for row in rows), start=0) for name in _SHARE_FIGURES}


def _share(code: str, name: str, row: dict) -> CampaignShare:
    return CampaignShare(
        code,
        name,
        int(row.get("gifts") or 0),
        *(Decimal(row.get(name) or 0).quantize(Decimal("0.01")) for name in _SHARE_FIGURES[1:]),
    )
