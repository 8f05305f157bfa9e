"""Summary tables of members, volunteers and service hours: each declared once.

Keyed like every summary (core.summaries): the record's region code cut to township level,
or for the county copies to county level. The triggers, the rebuild from the records and the
rollups' reads are generated from these declarations; docs/METRICS.md defines the figures.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

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


#: The member and service hours summaries a rollup reads, the coarsest first.
MEMBERS = (CountyMemberSummary, MemberSummary)
SERVICE_HOURS = (CountyServiceHoursSummary, ServiceHoursSummary)

#: The rollup figures of members and volunteers, in the order of docs/METRICS.md.
FIGURES = [
    Total("members.active", MEMBERS, "sum(members)", label=_("Active members"), title=_("Members")),
    Total(
        "volunteers.active",
        MEMBERS,
        "sum(volunteers)",
        label=_("Registered volunteers"),
        title=_("Volunteers"),
    ),
    Total(
        "volunteers.service_hours",
        SERVICE_HOURS,
        "sum(hours)",
        kind=HOURS,
        label=_("Approved service hours"),
        title=_("Service hours"),
    ),
]
