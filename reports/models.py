"""What changed where: the counter behind the rollups' ETags.

Every write to a table whose rows a rollup reads (regions, branches, assessments, members,
volunteers, service records, campaigns, donations, spendings, activities) adds, in the writing transaction, the
number of rows it wrote, removed or replaced to a row per township-level unit (the code of
each row cut to 9 digits; a row registered higher up keeps its own code). The counters only
grow, so the sum over a subtree changes exactly when something in it changed: a rollup
answers 304 on an unchanged ETag without computing anything (reports.api.views). The rows are
kept by the summary triggers (core.summaries), in their lock order, after the figures.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.summaries import TOWNSHIP_GRAIN, Summary, SummaryTable
from orgs.db import RegionCodeField

#: The tables whose writes change what a rollup answers, with the SQL of a written row's
#: region code (``c``: the row; ``join``: another table the code comes from).
TRACKED = {
    "orgs_region": ("c.code", ""),
    "orgs_branch": ("c.region_id", ""),
    "orgs_assessment": ("b.region_id", " JOIN orgs_branch b ON b.id = c.branch_id"),
    "members_member": ("c.region_code", ""),
    "members_volunteer": ("c.region_code", ""),
    "members_servicerecord": ("c.region_code", ""),
    "funds_campaign": ("c.region_id", ""),
    "funds_donation": ("c.region_code", ""),
    "funds_spending": ("c.region_code", ""),
    "life_activity": ("c.region_code", ""),
}


def count_changes(code: str, join: str) -> str:
    """PL/pgSQL adding the rows of a statement's changes ``{changes}`` to their units."""
    return f"""
    INSERT INTO reports_regionchange AS s (region_code, changes, changed_at)
    SELECT left({code}, {TOWNSHIP_GRAIN}), count(*), statement_timestamp()
      FROM {{changes}} c{join}
     GROUP BY 1
     ORDER BY 1
    ON CONFLICT (region_code) DO UPDATE
       SET changes = s.changes + excluded.changes,
           changed_at = greatest(s.changed_at, excluded.changed_at);
"""  # noqa: S608 (declared SQL)


class RegionChange(SummaryTable):
    """Rows written, removed or replaced at a township-level unit (or at a region above)."""

    region_code = RegionCodeField(primary_key=True)
    changes = models.BigIntegerField(_("Rows written"), default=0)
    changed_at = models.DateTimeField(_("Last written"))

    summary = Summary(
        grain=TOWNSHIP_GRAIN,
        maintain={table: count_changes(code, join) for table, (code, join) in TRACKED.items()},
        verified=False,
    )

    class Meta:
        verbose_name = _("Region change")
        verbose_name_plural = _("Region changes")
        ordering = ["region_code"]

    def __str__(self):
        return f"{self.region_code}: {self.changes}"
