"""Summary tables of members, volunteers and service hours, kept exact by database triggers.

Keyed like every summary (orgs.summaries): the record's region code cut to township level.
The triggers live in members migration 0005; docs/METRICS.md defines the figures.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.db import RegionCodeField
from orgs.summaries import COUNTY_GRAIN, Summary


class MemberSummary(Summary):
    """Active members and registered volunteers per township."""

    region_code = RegionCodeField(primary_key=True)
    members = models.IntegerField(_("Active members"), default=0)
    volunteers = models.IntegerField(_("Registered volunteers"), default=0)

    records_sql = """
        SELECT region_code, sum(members)::int AS members, sum(volunteers)::int AS volunteers
          FROM (
                SELECT {key} AS region_code, count(*) AS members, 0 AS volunteers
                  FROM members_member WHERE left_on IS NULL AND {where} GROUP BY 1
                 UNION ALL
                SELECT {key}, 0, count(*)
                  FROM members_volunteer WHERE status = 'active' AND {where} GROUP BY 1
          ) counts
         GROUP BY 1
    """

    class Meta:
        verbose_name = _("Member summary")
        verbose_name_plural = _("Member summary")
        ordering = ["region_code"]

    def __str__(self):
        return f"{self.region_code}: {self.members} / {self.volunteers}"


class ServiceHoursSummary(Summary):
    """Approved volunteer service hours per township and year of service."""

    pk = models.CompositePrimaryKey("region_code", "year")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))
    hours = models.DecimalField(_("Approved hours"), max_digits=14, decimal_places=1, default=0)

    records_sql = """
        SELECT {key} AS region_code, extract(year FROM served_on)::int AS year,
               sum(hours) AS hours
          FROM members_servicerecord
         WHERE status = 'approved' AND {where}
         GROUP BY 1, 2
    """

    class Meta:
        verbose_name = _("Service hours summary")
        verbose_name_plural = _("Service hours summary")
        ordering = ["region_code", "year"]

    def __str__(self):
        return f"{self.region_code} {self.year}: {self.hours}"


class CountyMemberSummary(Summary):
    """MemberSummary per county, for the rollups of a city and above (members migration
    0006 keeps it from MemberSummary's changes)."""

    region_code = RegionCodeField(primary_key=True)
    members = models.IntegerField(_("Active members"), default=0)
    volunteers = models.IntegerField(_("Registered volunteers"), default=0)

    grain = COUNTY_GRAIN
    records_sql = MemberSummary.records_sql

    class Meta:
        verbose_name = _("County member summary")
        verbose_name_plural = _("County member summary")
        ordering = ["region_code"]

    def __str__(self):
        return f"{self.region_code}: {self.members} / {self.volunteers}"


class CountyServiceHoursSummary(Summary):
    """ServiceHoursSummary per county, for the rollups of a city and above (members
    migration 0006 keeps it from ServiceHoursSummary's changes)."""

    pk = models.CompositePrimaryKey("year", "region_code")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))
    hours = models.DecimalField(_("Approved hours"), max_digits=14, decimal_places=1, default=0)

    grain = COUNTY_GRAIN
    records_sql = ServiceHoursSummary.records_sql

    class Meta:
        verbose_name = _("County service hours summary")
        verbose_name_plural = _("County service hours summary")
        ordering = ["region_code", "year"]

    def __str__(self):
        return f"{self.region_code} {self.year}: {self.hours}"
