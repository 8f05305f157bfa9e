"""Summary tables of donations: each declared once.

Donations per township, year and channel and per county, year and channel; per county,
campaign and year and per township, campaign and year; per county, year and month; each
donor's net donations in every region that holds them, and the donors per region. One
trigger on the donations keeps them all, in this order of tables, each in key order; it, the
rebuild from the records and the rollups' reads are generated from these declarations
(core.summaries). docs/METRICS.md defines the figures. Reversal entries are negative and are
summed like any other entry, in the year they are booked in: a correction's original's, a
refund's own.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.summaries import (
    COUNTY_GRAIN,
    FLAG,
    MONEY,
    RATIO,
    TOWNSHIP_GRAIN,
    Computed,
    Derived,
    PerKey,
    PerRegion,
    Records,
    Summary,
    SummaryTable,
    Total,
    in_every_region,
    per_region_index,
    year_or_all_years,
)
from funds.choices import DonationChannel, SpendingCategory
from funds.models import Campaign, Donor
from orgs.db import RegionCodeField


def booked_on(table: str, date: str) -> str:
    """SQL of the date a ledger entry (row ``c`` of ``table``) is booked on: a correction's
    (冲正) is its original's, so the original's period loses it; any other entry's (a
    refund's, 退款, included) is its own ``date``. One look-up by key, for corrections only."""
    return (
        f"CASE WHEN c.reversal_kind = 'correction' THEN (SELECT o.{date} FROM {table} o"  # noqa: S608 (declared SQL)
        f" WHERE o.id = c.reverses_id) ELSE c.{date} END"
    )


#: Every donation entry, reversal entries included.
DONATIONS = Records("funds_donation")
#: The entries of donations to a campaign.
CAMPAIGN_DONATIONS = Records("funds_donation", where="campaign_id IS NOT NULL")
#: The date a donation entry is booked on (docs/METRICS.md "Donations").
DONATION_BOOKED_ON = booked_on("funds_donation", "received_on")
#: The year a donation entry is booked in: the year received, a correction's its original's.
YEAR_RECEIVED = f"extract(year FROM {DONATION_BOOKED_ON})::int"
#: The figures the donation summaries share: net count, net money, net value of goods.
DONATION_FIGURES = {
    "donations": "CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END",
    "amount": "CASE WHEN kind = 'cash' THEN amount ELSE 0 END",
    "in_kind_value": "CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END",
}
#: Donations per region, year and channel.
BY_CHANNEL = Summary(
    records=(DONATIONS,),
    keys={"year": YEAR_RECEIVED, "channel": "channel"},
    figures=DONATION_FIGURES,
)
#: Donations per region, campaign and year.
BY_CAMPAIGN = Summary(
    records=(CAMPAIGN_DONATIONS,),
    keys={"campaign_id": "campaign_id", "year": YEAR_RECEIVED},
    figures=DONATION_FIGURES,
)


class DonationFigures(SummaryTable):
    """The figures of a donation summary row (all net of reversal entries)."""

    donations = models.IntegerField(
        _("Donations"),
        default=0,
        help_text=_("Donations that are not reversal entries, less the reversal entries."),
    )
    amount = models.DecimalField(_("Money (yuan)"), max_digits=18, decimal_places=2, default=0)
    in_kind_value = models.DecimalField(
        _("Value of goods (yuan)"), max_digits=18, decimal_places=2, default=0
    )

    class Meta:
        abstract = True


class DonationSummary(DonationFigures):
    """Donations per township, year received and channel."""

    pk = models.CompositePrimaryKey("region_code", "year", "channel")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))
    channel = models.CharField(_("Channel"), max_length=10, choices=DonationChannel)

    summary = BY_CHANNEL.at(TOWNSHIP_GRAIN)

    class Meta:
        verbose_name = _("Donation summary")
        verbose_name_plural = _("Donation summary")
        ordering = ["region_code", "year", "channel"]

    def __str__(self):
        return f"{self.region_code} {self.year} {self.channel}: {self.amount}"


class CampaignSummary(DonationFigures):
    """Donations to a campaign per county and year received."""

    pk = models.CompositePrimaryKey("region_code", "campaign", "year")
    region_code = RegionCodeField()
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("Campaign"),
        on_delete=models.DO_NOTHING,
        db_index=False,
        related_name="+",
    )
    year = models.IntegerField(_("Year"))

    summary = BY_CAMPAIGN.at(COUNTY_GRAIN)

    class Meta:
        verbose_name = _("Campaign summary")
        verbose_name_plural = _("Campaign summary")
        ordering = ["region_code", "campaign", "year"]

    def __str__(self):
        return f"{self.region_code} {self.campaign_id} {self.year}: {self.amount}"


class CountyDonationSummary(DonationFigures):
    """DonationSummary per county: the rows a country, province or city rollup groups.

    Keyed by year first: a rollup reads one year of a subtree (13,378 rows for the country)."""

    pk = models.CompositePrimaryKey("year", "region_code", "channel")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))
    channel = models.CharField(_("Channel"), max_length=10, choices=DonationChannel)

    summary = BY_CHANNEL.at(COUNTY_GRAIN)

    class Meta:
        verbose_name = _("County donation summary")
        verbose_name_plural = _("County donation summary")
        ordering = ["region_code", "year", "channel"]

    def __str__(self):
        return f"{self.region_code} {self.year} {self.channel}: {self.amount}"


class TownshipCampaignSummary(DonationFigures):
    """Donations to a campaign per township and year received: a county's children by
    campaign (CampaignSummary's county rows are too coarse for them, its finer rows too many
    for a province's)."""

    pk = models.CompositePrimaryKey("region_code", "campaign", "year")
    region_code = RegionCodeField()
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("Campaign"),
        on_delete=models.DO_NOTHING,
        db_index=False,
        related_name="+",
    )
    year = models.IntegerField(_("Year"))

    summary = BY_CAMPAIGN.at(TOWNSHIP_GRAIN)

    class Meta:
        verbose_name = _("Township campaign summary")
        verbose_name_plural = _("Township campaign summary")
        ordering = ["region_code", "campaign", "year"]

    def __str__(self):
        return f"{self.region_code} {self.campaign_id} {self.year}: {self.amount}"


class DonationMonthSummary(DonationFigures):
    """Donations per county, year and month received: the dashboards' months and last year's
    totals. A township's months are read from its records (one township's year)."""

    pk = models.CompositePrimaryKey("year", "region_code", "month")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))
    month = models.SmallIntegerField(_("Month"))

    summary = Summary(
        grain=COUNTY_GRAIN,
        records=(DONATIONS,),
        keys={
            "year": YEAR_RECEIVED,
            "month": f"extract(month FROM {DONATION_BOOKED_ON})::smallint",
        },
        figures=DONATION_FIGURES,
    )

    class Meta:
        verbose_name = _("Donation month summary")
        verbose_name_plural = _("Donation month summary")
        ordering = ["region_code", "year", "month"]

    def __str__(self):
        return f"{self.region_code} {self.year}-{self.month:02d}: {self.amount}"


class DonorPresence(SummaryTable):
    """Each donor's donations in each region that holds them (the country, its province, city,
    county, township and the branch's own region) per year and among all years, net of
    reversals: a donor gave in the region and period when the net count is above zero."""

    pk = models.CompositePrimaryKey("region_code", "year", "donor")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"), help_text=_("0: all years."))
    donor = models.ForeignKey(
        Donor,
        verbose_name=_("Donor"),
        on_delete=models.DO_NOTHING,
        db_index=False,
        related_name="+",
    )
    donations = models.IntegerField(
        _("Donations"),
        default=0,
        help_text=_("Donations that are not reversal entries, less the reversal entries."),
    )

    summary = Summary(
        grain=12,
        records=(in_every_region(Records("funds_donation", where="donor_id IS NOT NULL")),),
        keys={"year": year_or_all_years(YEAR_RECEIVED), "donor_id": "donor_id"},
        figures={"donations": DONATION_FIGURES["donations"]},
    )

    class Meta:
        verbose_name = _("Donor presence")
        verbose_name_plural = _("Donor presence")
        ordering = ["region_code", "year", "donor"]

    def __str__(self):
        return f"{self.region_code} {self.year} {self.donor_id}: {self.donations}"


class DonorCount(SummaryTable):
    """The donors who gave in each region, per year and among all years (year 0): one row per
    region and year, read as it is (a donor under two children is one donor of the region)."""

    pk = models.CompositePrimaryKey("year", "region_code")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"), help_text=_("0: all years."))
    donors = models.IntegerField(_("Donors"), default=0)

    summary = Summary(
        grain=12,
        copy_of=DonorPresence,
        keys={"year": "year"},
        figures={"donors": "CASE WHEN donations > 0 THEN 1 ELSE 0 END"},
    )

    class Meta:
        verbose_name = _("Donor count")
        verbose_name_plural = _("Donor count")
        ordering = ["region_code", "year"]
        indexes = [per_region_index("funds_donorcount")]

    def __str__(self):
        return f"{self.region_code} {self.year}: {self.donors}"


#: The year a spending entry is booked in: the year paid, a correction's its original's.
YEAR_PAID = f"extract(year FROM {booked_on('funds_spending', 'spent_on')})::int"


class SpendingSummary(SummaryTable):
    """Money paid out per township, year booked and category, net of reversal entries (a
    reversal entry is negative; a correction is booked in its original's year, a refund in
    its own, like a donation's)."""

    pk = models.CompositePrimaryKey("region_code", "year", "category")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))
    category = models.CharField(_("Category"), max_length=15, choices=SpendingCategory)
    spendings = models.IntegerField(
        _("Spendings"),
        default=0,
        help_text=_("Spendings that are not reversal entries, less the reversal entries."),
    )
    amount = models.DecimalField(_("Spent (yuan)"), max_digits=18, decimal_places=2, default=0)

    summary = Summary(
        records=(Records("funds_spending"),),
        keys={"year": YEAR_PAID, "category": "category"},
        figures={
            "spendings": "CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END",
            "amount": "amount",
        },
    )

    class Meta:
        verbose_name = _("Spending summary")
        verbose_name_plural = _("Spending summary")
        ordering = ["region_code", "year", "category"]

    def __str__(self):
        return f"{self.region_code} {self.year} {self.category}: {self.amount}"


#: The spending summary a rollup reads.
SPENDINGS = (SpendingSummary,)


def administrative_share(figures: dict[str, Any]) -> Decimal | None:
    """Administrative costs over money spent, to 4 places; None when nothing was spent."""
    spent = figures["spending.amount"]
    administrative = figures["spending.by_category"][SpendingCategory.ADMINISTRATIVE]
    return (administrative / spent).quantize(Decimal("0.0001")) if spent else None


def over_cap(share: Decimal | None) -> bool:
    """Whether an administrative cost share is above the cap (``FUNDS_ADMIN_COST_CAP``)."""
    return share is not None and share > Decimal(str(settings.FUNDS_ADMIN_COST_CAP))


#: The donation summaries a rollup reads, the coarsest first.
DONATIONS_BY_CHANNEL = (CountyDonationSummary, DonationSummary)

#: The rollup figures of donations and spendings, in the order of docs/METRICS.md.
FIGURES = [
    Total(
        "donations.count",
        DONATIONS_BY_CHANNEL,
        "sum(donations)",
        label=pgettext_lazy("figure", "Donations"),
        help=_("Net of reversal entries."),
    ),
    Total(
        "donations.amount",
        DONATIONS_BY_CHANNEL,
        "sum(amount)",
        kind=MONEY,
        label=pgettext_lazy("figure", "Money raised"),
        headline=True,
    ),
    Total(
        "donations.in_kind_value",
        DONATIONS_BY_CHANNEL,
        "sum(in_kind_value)",
        kind=MONEY,
        label=pgettext_lazy("figure", "Value of goods"),
        headline=True,
    ),
    # Campaigns with donations left, with their names, most money first (reports.rollups).
    Computed("donations.by_campaign", (CampaignSummary, TownshipCampaignSummary)),
    PerKey(
        "donations.by_channel",
        DONATIONS_BY_CHANNEL,
        "channel",
        "sum(amount + in_kind_value)",
        kind=MONEY,
    ),
    PerRegion(
        "donors.count",
        (DonorCount,),
        "donors",
        label=pgettext_lazy("figure", "Donors"),
        headline=True,
        help=_(
            "Donors whose donations in the region and period, net of reversals, are above zero."
        ),
    ),
    Total(
        "spending.amount",
        SPENDINGS,
        "sum(amount)",
        kind=MONEY,
        label=pgettext_lazy("figure", "Money spent"),
        help=_("Net of reversal entries, in the year each is booked in."),
    ),
    PerKey("spending.by_category", SPENDINGS, "category", "sum(amount)", kind=MONEY),
    Derived(
        "spending.administrative_share",
        SPENDINGS,
        kind=RATIO,
        compute=administrative_share,
        label=pgettext_lazy("figure", "Administrative cost share"),
        help=_("Administrative costs over money spent; null when nothing was spent."),
    ),
    Derived(
        "spending.administrative_over_cap",
        SPENDINGS,
        kind=FLAG,
        compute=lambda figures: over_cap(figures["spending.administrative_share"]),
        label=pgettext_lazy("figure", "Administrative costs over the cap"),
        help=_("Whether the administrative cost share is above FUNDS_ADMIN_COST_CAP."),
    ),
    Total(
        "funds.raised_to_date",
        DONATIONS_BY_CHANNEL,
        "sum(amount)",
        kind=MONEY,
        cumulative=True,
        label=pgettext_lazy("figure", "Money raised up to the year"),
    ),
    Total(
        "funds.spent_to_date",
        SPENDINGS,
        "sum(amount)",
        kind=MONEY,
        cumulative=True,
        label=pgettext_lazy("figure", "Money spent up to the year"),
    ),
    Derived(
        "funds.balance",
        (*DONATIONS_BY_CHANNEL, *SPENDINGS),
        kind=MONEY,
        compute=lambda figures: figures["funds.raised_to_date"] - figures["funds.spent_to_date"],
        label=pgettext_lazy("figure", "Balance at the end of the period"),
        help=_("Money raised less money spent, every year up to the end of the year."),
    ),
]
