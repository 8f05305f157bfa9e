"""Summary tables of activities: each declared once (core.summaries).

Activities held per township and year, and per county and year (the rows a country,
province or city rollup groups); with those held on time, i.e. not recorded late. One
trigger on the activities keeps both. docs/METRICS.md defines the figures.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.summaries import COUNTY_GRAIN, TOWNSHIP_GRAIN, Records, Summary, SummaryTable, Total
from orgs.db import RegionCodeField

#: Activities per region and year held: all of them, and those not recorded late.
BY_YEAR = Summary(
    records=(Records("life_activity"),),
    keys={"year": "extract(year FROM held_on)::int"},
    figures={"activities": "1", "on_time": "CASE WHEN late THEN 0 ELSE 1 END"},
)


class ActivityFigures(SummaryTable):
    """The figures of an activity summary row."""

    activities = models.IntegerField(_("Activities held"), default=0)
    on_time = models.IntegerField(_("Activities recorded on time"), default=0)

    class Meta:
        abstract = True


class ActivitySummary(ActivityFigures):
    """Activities per township-level unit and year held."""

    pk = models.CompositePrimaryKey("region_code", "year")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))

    summary = BY_YEAR.at(TOWNSHIP_GRAIN)

    class Meta:
        verbose_name = _("Activity summary")
        verbose_name_plural = _("Activity summary")
        ordering = ["region_code", "year"]

    def __str__(self):
        return f"{self.region_code} {self.year}: {self.activities}"


class CountyActivitySummary(ActivityFigures):
    """ActivitySummary per county: keyed by year first, as a rollup reads one year."""

    pk = models.CompositePrimaryKey("year", "region_code")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))

    summary = BY_YEAR.at(COUNTY_GRAIN)

    class Meta:
        verbose_name = _("County activity summary")
        verbose_name_plural = _("County activity summary")
        ordering = ["region_code", "year"]

    def __str__(self):
        return f"{self.region_code} {self.year}: {self.activities}"


#: The activity summaries a rollup reads, the coarsest first.
ACTIVITIES_BY_YEAR = (CountyActivitySummary, ActivitySummary)

#: The rollup figures of branch life, in the order of docs/METRICS.md.
FIGURES = [
    Total(
        "activities.held",
        ACTIVITIES_BY_YEAR,
        "sum(activities)",
        label=pgettext_lazy("figure", "Activities held"),
        help=_("Activities the branches recorded, by the date they were held."),
    ),
    Total(
        "activities.on_time",
        ACTIVITIES_BY_YEAR,
        "sum(on_time)",
        label=pgettext_lazy("figure", "Activities recorded on time"),
        help=_("Activities entered within the days their standard allows."),
    ),
]
