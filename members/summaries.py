"""Summary tables of members, volunteers and service hours: each declared once.

Keyed like every summary (core.summaries): the record's region code cut to township level,
or for the county copies to county level. The triggers, the rebuild from the records and the
rollups' reads are generated from these declarations; docs/METRICS.md defines the figures.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.summaries import COUNTY_GRAIN, HOURS, Records, Summary, SummaryTable, Total
from orgs.db import RegionCodeField


class MemberSummary(SummaryTable):
    """Active members and registered volunteers per township."""

    region_code = RegionCodeField(primary_key=True)
    members = models.IntegerField(_("Active members"), default=0)
    volunteers = models.IntegerField(_("Registered volunteers"), default=0)

    summary = Summary(
        records=(
            Records("members_member", where="left_on IS NULL", figures=("members",)),
            Records("members_volunteer", where="status = 'active'", figures=("volunteers",)),
        ),
        figures={"members": "1", "volunteers": "1"},
    )

    class Meta:
        verbose_name = _("Member summary")
        verbose_name_plural = _("Member summary")
        ordering = ["region_code"]

    def __str__(self):
        return f"{self.region_code}: {self.members} / {self.volunteers}"


class ServiceHoursSummary(SummaryTable):
    """Approved volunteer service hours per township and year of service."""

    pk = models.CompositePrimaryKey("region_code", "year")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))
    hours = models.DecimalField(_("Approved hours"), max_digits=14, decimal_places=1, default=0)

    summary = Summary(
        records=(Records("members_servicerecord", where="status = 'approved'"),),
        keys={"year": "extract(year FROM served_on)::int"},
        figures={"hours": "hours"},
    )

    class Meta:
        verbose_name = _("Service hours summary")
        verbose_name_plural = _("Service hours summary")
        ordering = ["region_code", "year"]

    def __str__(self):
        return f"{self.region_code} {self.year}: {self.hours}"


#: Each member twice: once in the year they joined, once in the year they left (if they did).
MEMBER_EVENTS = Records(
    "members_member",
    where="e.on_joining OR left_on IS NOT NULL",
    join="CROSS JOIN (VALUES (true), (false)) e(on_joining)",
)


class MemberYearSummary(SummaryTable):
    """Members who joined and members who left per township and year: the members at the end
    of a year are those who joined in it or before, less those who left in it or before."""

    pk = models.CompositePrimaryKey("region_code", "year")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))
    joined = models.IntegerField(_("Members joined"), default=0)
    departed = models.IntegerField(_("Members left"), default=0)

    summary = Summary(
        records=(MEMBER_EVENTS,),
        keys={
            "year": "extract(year FROM CASE WHEN e.on_joining THEN joined_on ELSE left_on END)::int"
        },
        figures={"joined": "e.on_joining::int", "departed": "(NOT e.on_joining)::int"},
    )

    class Meta:
        verbose_name = _("Member year summary")
        verbose_name_plural = _("Member year summary")
        ordering = ["region_code", "year"]

    def __str__(self):
        return f"{self.region_code} {self.year}: +{self.joined} −{self.departed}"


class CountyMemberSummary(SummaryTable):
    """MemberSummary per county, for the rollups of a city and above, kept from
    MemberSummary's changes."""

    region_code = RegionCodeField(primary_key=True)
    members = models.IntegerField(_("Active members"), default=0)
    volunteers = models.IntegerField(_("Registered volunteers"), default=0)

    summary = Summary(
        grain=COUNTY_GRAIN,
        copy_of=MemberSummary,
        figures={"members": "members", "volunteers": "volunteers"},
    )

    class Meta:
        verbose_name = _("County member summary")
        verbose_name_plural = _("County member summary")
        ordering = ["region_code"]

    def __str__(self):
        return f"{self.region_code}: {self.members} / {self.volunteers}"


class CountyServiceHoursSummary(SummaryTable):
    """ServiceHoursSummary per county, for the rollups of a city and above, kept from
    ServiceHoursSummary's changes."""

    pk = models.CompositePrimaryKey("year", "region_code")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))
    hours = models.DecimalField(_("Approved hours"), max_digits=14, decimal_places=1, default=0)

    summary = Summary(
        grain=COUNTY_GRAIN,
        copy_of=ServiceHoursSummary,
        keys={"year": "year"},
        figures={"hours": "hours"},
    )

    class Meta:
        verbose_name = _("County service hours summary")
        verbose_name_plural = _("County service hours summary")
        ordering = ["region_code", "year"]

    def __str__(self):
        return f"{self.region_code} {self.year}: {self.hours}"


class CountyMemberYearSummary(SummaryTable):
    """MemberYearSummary per county, for the trends of a city and above, kept from
    MemberYearSummary's changes."""

    pk = models.CompositePrimaryKey("year", "region_code")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))
    joined = models.IntegerField(_("Members joined"), default=0)
    departed = models.IntegerField(_("Members left"), default=0)

    summary = Summary(
        grain=COUNTY_GRAIN,
        copy_of=MemberYearSummary,
        keys={"year": "year"},
        figures={"joined": "joined", "departed": "departed"},
    )

    class Meta:
        verbose_name = _("County member year summary")
        verbose_name_plural = _("County member year summary")
        ordering = ["region_code", "year"]

    def __str__(self):
        return f"{self.region_code} {self.year}: +{self.joined} −{self.departed}"


#: The member and service hours summaries a rollup reads, the coarsest first.
MEMBERS = (CountyMemberSummary, MemberSummary)
SERVICE_HOURS = (CountyServiceHoursSummary, ServiceHoursSummary)
MEMBER_YEARS = (CountyMemberYearSummary, MemberYearSummary)

#: Members at the end of a year: the sum of the joined less the left over that year and every
#: year before it (the dashboards' trend; a rollup's members are those of today). Not a
#: rollup figure: its rows are flows, summed up to a year, not the figures of one year.
MEMBERS_AT_YEAR_END = Total(
    "members.year_end",
    MEMBER_YEARS,
    "sum(joined - departed)",
    label=pgettext_lazy("figure", "Members at year end"),
)

#: The rollup figures of members and volunteers, in the order of docs/METRICS.md.
FIGURES = [
    Total(
        "members.active",
        MEMBERS,
        "sum(members)",
        label=pgettext_lazy("figure", "Members"),
        headline=True,
    ),
    Total(
        "volunteers.active",
        MEMBERS,
        "sum(volunteers)",
        label=pgettext_lazy("figure", "Registered volunteers"),
        headline=True,
    ),
    Total(
        "volunteers.service_hours",
        SERVICE_HOURS,
        "sum(hours)",
        kind=HOURS,
        label=pgettext_lazy("figure", "Service hours"),
        headline=True,
    ),
]
