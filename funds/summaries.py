"""Summary tables of donations, kept exact by database triggers.

Donations per township, year and channel; per county, campaign and year (finer campaign rows
would be too many to read fast). The triggers live in funds migration 0006; docs/METRICS.md
defines the figures. Reversal entries are negative and are summed like any other entry.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from funds.choices import DonationChannel
from funds.models import Campaign
from orgs.db import RegionCodeField
from orgs.summaries import COUNTY_GRAIN, Summary

#: Columns the donation summaries share: net count, net money, net value of goods.
FIGURES_SQL = """
    sum(CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END)::int AS donations,
    sum(CASE WHEN kind = 'cash' THEN amount ELSE 0 END) AS amount,
    sum(CASE WHEN kind = 'in_kind' THEN amount ELSE 0 END) AS in_kind_value
"""


class DonationFigures(Summary):
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

    records_sql = f"""
        SELECT {{key}} AS region_code, extract(year FROM received_on)::int AS year, channel,
               {FIGURES_SQL}
          FROM funds_donation
         WHERE {{where}}
         GROUP BY 1, 2, 3
    """  # noqa: S608 (fixed SQL fragments)

    class Meta:
        verbose_name = _("Donation summary")
        verbose_name_plural = _("Donation summary")
        ordering = ["region_code", "year", "channel"]

    def __str__(self):
        return f"{self.region_code} {self.year} {self.channel}: {self.amount}"


class CountyDonationSummary(DonationFigures):
    """DonationSummary per county: the rows a country, province or city rollup groups.

    Keyed by year first: a rollup reads one year of a subtree (13,378 rows for the country)."""

    pk = models.CompositePrimaryKey("year", "region_code", "channel")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))
    channel = models.CharField(_("Channel"), max_length=10, choices=DonationChannel)

    grain = COUNTY_GRAIN
    records_sql = DonationSummary.records_sql

    class Meta:
        verbose_name = _("County donation summary")
        verbose_name_plural = _("County donation summary")
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

    grain = COUNTY_GRAIN
    records_sql = f"""
        SELECT {{key}} AS region_code, campaign_id, extract(year FROM received_on)::int AS year,
               {FIGURES_SQL}
          FROM funds_donation
         WHERE campaign_id IS NOT NULL AND {{where}}
         GROUP BY 1, 2, 3
    """  # noqa: S608 (fixed SQL fragments)

    class Meta:
        verbose_name = _("Campaign summary")
        verbose_name_plural = _("Campaign summary")
        ordering = ["region_code", "campaign", "year"]

    def __str__(self):
        return f"{self.region_code} {self.campaign_id} {self.year}: {self.amount}"


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

    records_sql = CampaignSummary.records_sql

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

    grain = COUNTY_GRAIN
    records_sql = f"""
        SELECT {{key}} AS region_code, extract(year FROM received_on)::int AS year,
               extract(month FROM received_on)::smallint AS month,
               {FIGURES_SQL}
          FROM funds_donation
         WHERE {{where}}
         GROUP BY 1, 2, 3
    """  # noqa: S608 (fixed SQL fragments)

    class Meta:
        verbose_name = _("Donation month summary")
        verbose_name_plural = _("Donation month summary")
        ordering = ["region_code", "year", "month"]

    def __str__(self):
        return f"{self.region_code} {self.year}-{self.month:02d}: {self.amount}"
