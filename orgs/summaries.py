"""Summary tables of branches and coverage: each declared once, its SQL generated.

Each table declares (its ``summary``, core.summaries) the records it counts, its keys and its
figures; the triggers that keep it exact in the writing transaction, its rebuild from the
records (``manage.py verify_rollups``) and the rows the rollups read are generated from that.
Branch compliance follows each branch's latest assessment and coverage counts distinct units,
which deltas of one record row cannot do: their SQL is written here by hand, and wrapped in
the same statement triggers. docs/METRICS.md defines every figure.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.summaries import (
    COUNTY_GRAIN,
    Computed,
    Function,
    PerKey,
    Records,
    Summary,
    SummaryTable,
    Total,
)
from orgs.choices import CODE_LENGTH, BranchKind, BranchStatus, RegionLevel
from orgs.db import RegionCodeField
from orgs.models import Assessment, Branch

# Coverage is counted again from the records for each township row a statement touches, after
# locking it: the count is a new statement, so it sees every transaction that committed before
# the lock was granted.
REFRESH_TOWNSHIPS = Function(
    name="orgs_townshipsummary_refresh",
    arguments="codes text[]",
    returns="void",
    source="""
BEGIN
    IF cardinality(codes) = 0 THEN
        RETURN;
    END IF;
    -- One row for every township-level unit, whatever its kind; none for a code that left.
    INSERT INTO orgs_townshipsummary (region_code, counted, covered, villages, villages_covered)
    SELECT t.code, FALSE, FALSE, 0, 0
      FROM unnest(codes) AS k (code) JOIN orgs_region t ON t.code = k.code
     WHERE t.level = 'township'
     ORDER BY t.code
    ON CONFLICT (region_code) DO NOTHING;
    DELETE FROM orgs_townshipsummary s USING unnest(codes) AS k (code)
     WHERE s.region_code = k.code
       AND NOT EXISTS (
           SELECT 1 FROM orgs_region r WHERE r.code = s.region_code AND r.level = 'township');
    PERFORM 1 FROM unnest(codes) AS k (code)
       JOIN orgs_townshipsummary s ON s.region_code = k.code
      ORDER BY s.region_code FOR UPDATE OF s;
    -- Index probes per township (villages by their parent, branches by region and kind):
    -- the cost follows the number of townships written, not the size of the tree.
    UPDATE orgs_townshipsummary s
       SET counted = f.counted, covered = f.covered,
           villages = f.villages, villages_covered = f.villages_covered
      FROM (
        SELECT t.code,
               t.kind IN ('street', 'town', 'township') AND t.valid_to IS NULL AS counted,
               t.kind IN ('street', 'town', 'township') AND t.valid_to IS NULL AND EXISTS (
                   SELECT 1 FROM orgs_branch b
                    WHERE b.region_id = t.code AND b.kind = 'township' AND b.status = 'active'
               ) AS covered,
               (SELECT count(*) FROM orgs_region v
                 WHERE v.parent_id = t.code AND v.level = 'community'
                   AND v.kind IN ('community', 'village') AND v.valid_to IS NULL
               )::int AS villages,
               (SELECT count(*) FROM orgs_region v
                 WHERE v.parent_id = t.code AND v.level = 'community'
                   AND v.kind IN ('community', 'village') AND v.valid_to IS NULL
                   AND EXISTS (
                       SELECT 1 FROM orgs_branch b
                        WHERE b.region_id = v.code AND b.kind = 'community'
                          AND b.status = 'active')
               )::int AS villages_covered
          FROM unnest(codes) AS k (code) JOIN orgs_region t ON t.code = k.code
         WHERE t.level = 'township'
      ) f
     WHERE s.region_code = f.code
       AND (s.counted, s.covered, s.villages, s.villages_covered)
           IS DISTINCT FROM (f.counted, f.covered, f.villages, f.villages_covered);
END;
""",
)

# A region loaded, closed or re-kinded: its township's row is counted again.
REGION_CHANGES = """
    PERFORM orgs_townshipsummary_refresh(ARRAY(
        SELECT DISTINCT left(code, 9) FROM (
            SELECT code, level, kind, valid_to FROM {changes} c
             WHERE length(code) >= 9
             GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0
        ) changed));
"""

# A township or village branch that changed its activity or unit: its township's coverage is
# counted again.
BRANCH_CHANGES = """
    PERFORM orgs_townshipsummary_refresh(ARRAY(
        SELECT DISTINCT left(region_id, 9) FROM {changes} c
         WHERE kind IN ('township', 'community') AND status = 'active'
         GROUP BY region_id, kind HAVING sum(sign) <> 0));
"""

# The branches whose latest assessment may have changed are locked first, as a write to the
# branch itself locks it: a branch's compliance and its status, kind and region then change
# one transaction at a time. The counts move before the flags, which still hold the old state.
ASSESSMENT_CHANGES = """
    ids := ARRAY(
        SELECT DISTINCT branch_id FROM (
            SELECT id, branch_id, assessed_on, met_count, item_count FROM {changes} c
             GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0
        ) changed);
    IF cardinality(ids) > 0 THEN
        PERFORM 1 FROM orgs_branch WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
        INSERT INTO orgs_branchsummary AS s (region_code, kind, status, branches, compliant)
        SELECT left(b.region_id, 9), b.kind, b.status, 0,
               sum(coalesce(n.compliant, FALSE)::int - coalesce(l.compliant, FALSE)::int)
          FROM orgs_branch b
          LEFT JOIN orgs_latestassessment l ON l.branch_id = b.id
          LEFT JOIN LATERAL (
                SELECT a.item_count > 0 AND a.met_count = a.item_count AS compliant
                  FROM orgs_assessment a WHERE a.branch_id = b.id
                 ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1
          ) n ON TRUE
         WHERE b.id = ANY (ids)
         GROUP BY 1, 2, 3
        HAVING sum(coalesce(n.compliant, FALSE)::int - coalesce(l.compliant, FALSE)::int) <> 0
         ORDER BY 1, 2, 3
        ON CONFLICT (region_code, kind, status) DO UPDATE
           SET compliant = s.compliant + excluded.compliant;
        DELETE FROM orgs_latestassessment l
         WHERE l.branch_id = ANY (ids)
           AND NOT EXISTS (SELECT 1 FROM orgs_assessment a WHERE a.branch_id = l.branch_id);
        INSERT INTO orgs_latestassessment AS l (branch_id, assessment_id, compliant)
        SELECT DISTINCT ON (a.branch_id) a.branch_id, a.id,
               a.item_count > 0 AND a.met_count = a.item_count
          FROM orgs_assessment a WHERE a.branch_id = ANY (ids)
         ORDER BY a.branch_id, a.assessed_on DESC, a.id DESC
        ON CONFLICT (branch_id) DO UPDATE
           SET assessment_id = excluded.assessment_id, compliant = excluded.compliant
         WHERE (l.assessment_id, l.compliant)
               IS DISTINCT FROM (excluded.assessment_id, excluded.compliant);
    END IF;
"""


class BranchSummary(SummaryTable):
    """Branches per township, kind and status, and how many of them meet their standard."""

    pk = models.CompositePrimaryKey("region_code", "kind", "status")
    region_code = RegionCodeField()
    kind = models.CharField(_("Kind"), max_length=20, choices=BranchKind)
    status = models.CharField(_("Status"), max_length=20, choices=BranchStatus)
    branches = models.IntegerField(_("Branches"), default=0)
    compliant = models.IntegerField(
        _("Meeting their standard"),
        default=0,
        help_text=_("Branches whose latest assessment meets every item of its standard."),
    )

    # The triggers take a branch's compliance from its LatestAssessment row; the rebuild
    # reads the assessments themselves, so that a wrong LatestAssessment row shows.
    summary = Summary(
        records=(
            Records(
                "orgs_branch",
                code="region_id",
                join="LEFT JOIN orgs_latestassessment l ON l.branch_id = c.id",
            ),
        ),
        keys={"kind": "kind", "status": "status"},
        figures={"branches": "1", "compliant": "coalesce(l.compliant, FALSE)::int"},
        rebuild="""
        SELECT {key} AS region_code, kind, status, count(*)::int AS branches,
               (count(*) FILTER (WHERE a.item_count > 0 AND a.met_count = a.item_count))::int
                   AS compliant
          FROM orgs_branch b
          LEFT JOIN LATERAL (
                SELECT item_count, met_count FROM orgs_assessment
                 WHERE branch_id = b.id ORDER BY assessed_on DESC, id DESC LIMIT 1
          ) a ON TRUE
         WHERE {where}
         GROUP BY 1, 2, 3
    """,
    )

    class Meta:
        verbose_name = _("Branch summary")
        verbose_name_plural = _("Branch summary")
        ordering = ["region_code", "kind", "status"]

    def __str__(self):
        return f"{self.region_code} {self.kind} {self.status}: {self.branches}"


class LatestAssessment(SummaryTable):
    """Each assessed branch's latest assessment and whether it meets its standard.

    The assessment triggers need the previous state of a branch's compliance to move the
    ``compliant`` counts of BranchSummary; this row is that state.
    """

    branch = models.OneToOneField(
        Branch,
        verbose_name=_("Branch"),
        primary_key=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("Latest assessment"),
        on_delete=models.DO_NOTHING,
        db_index=False,
        related_name="+",
    )
    compliant = models.BooleanField(_("Meets its standard"))

    summary = Summary(
        rebuild="""
        SELECT DISTINCT ON (branch_id) branch_id, id AS assessment_id,
               item_count > 0 AND met_count = item_count AS compliant
          FROM orgs_assessment
         ORDER BY branch_id, assessed_on DESC, id DESC
    """,
        maintain={"orgs_assessment": ASSESSMENT_CHANGES},
        declare={"orgs_assessment": "    ids bigint[];"},
    )

    class Meta:
        verbose_name = _("Latest assessment")
        verbose_name_plural = _("Latest assessment")
        ordering = ["branch"]

    def __str__(self):
        return f"{self.branch_id}: {self.assessment_id}"


# Township coverage at the end of each year. A township branch covers its unit from the year
# it was founded (a branch without a founding date: from the year it was recorded here, or the
# year it was dissolved if that is earlier) to the year before it was dissolved; a branch that
# is active today covers it to this day. Branch statuses have no dates: a branch preparing or
# dormant today, and a dissolved branch without a dissolution date, cover it in no year. Only
# the units township coverage counts today (a street, town or township in force) have rows:
# +1 in each year the unit became covered, -1 in each year it stopped being covered.
#: The day a branch ``b`` exists from: its founding, else the day it was recorded here (or its
#: dissolution, if earlier). The yearly coverage and the figures of a past day
#: (orgs.as_of) both count a branch from it.
BRANCH_FROM = (
    "coalesce(b.founded_on, least("
    f"(b.created_at AT TIME ZONE '{settings.TIME_ZONE}')::date, b.dissolved_on))"
)
COVERED_FROM = f"extract(year FROM {BRANCH_FROM})::int"
COVERAGE_YEARS = f"""
        SELECT code AS region_code, year,
               covered::int - lag(covered::int, 1, 0) OVER (PARTITION BY code ORDER BY year)
                   AS covered_change
          FROM (
            SELECT b.region_id AS code, y.year,
                   sum(sum(y.n)) OVER (PARTITION BY b.region_id ORDER BY y.year) > 0 AS covered
              FROM orgs_branch b
              JOIN orgs_region t ON t.code = b.region_id
             CROSS JOIN LATERAL (
                   VALUES ({COVERED_FROM}, 1),
                          (extract(year FROM b.dissolved_on)::int, -1)
             ) y (year, n)
             WHERE b.kind = 'township'
               AND (b.status = 'active' OR b.status = 'dissolved' AND b.dissolved_on IS NOT NULL)
               AND y.year IS NOT NULL
               AND t.level = 'township' AND t.kind IN ('street', 'town', 'township')
               AND t.valid_to IS NULL
               AND {{units}}
             GROUP BY 1, 2
          ) running"""  # noqa: S608 (declared SQL)
#: The rows of the units ``codes`` (the argument of the refresh function).
COVERAGE_YEARS_OF_CODES = COVERAGE_YEARS.replace("{units}", "b.region_id = ANY (codes)")

# A township's yearly coverage is counted again from the records after its TownshipSummary
# row is locked (the lock TownshipSummary's refresh takes next, on a subset of these units).
REFRESH_COVERAGE_YEARS = Function(
    name="orgs_coverageyearsummary_refresh",
    arguments="codes text[]",
    returns="void",
    source=f"""
BEGIN
    IF cardinality(codes) = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM unnest(codes) AS k (code)
       JOIN orgs_townshipsummary s ON s.region_code = k.code
      ORDER BY s.region_code FOR UPDATE OF s;
    DELETE FROM orgs_coverageyearsummary s USING unnest(codes) AS k (code)
     WHERE s.region_code = k.code
       AND (s.region_code, s.year, s.covered_change) NOT IN (
           SELECT region_code, year, covered_change FROM ({COVERAGE_YEARS_OF_CODES}
           ) f WHERE covered_change <> 0);
    INSERT INTO orgs_coverageyearsummary AS s (region_code, year, covered_change)
    SELECT region_code, year, covered_change FROM ({COVERAGE_YEARS_OF_CODES}
    ) f
     WHERE covered_change <> 0
     ORDER BY 1, 2
    ON CONFLICT (region_code, year) DO NOTHING;
END;
""",  # noqa: S608 (declared SQL)
)

# A township-level unit loaded, closed or re-kinded, or a township or village branch changed
# (the units TownshipSummary's refresh locks, and more: any change of a township branch).
REGION_YEAR_CHANGES = """
    PERFORM orgs_coverageyearsummary_refresh(ARRAY(
        SELECT DISTINCT left(code, 9) FROM (
            SELECT code, level, kind, valid_to FROM {changes} c
             WHERE length(code) >= 9
             GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0
        ) changed));
"""
BRANCH_YEAR_CHANGES = """
    PERFORM orgs_coverageyearsummary_refresh(ARRAY(
        SELECT DISTINCT left(region_id, 9) FROM (
            SELECT region_id, kind, status, founded_on, dissolved_on, created_at
              FROM {changes} c
             WHERE kind IN ('township', 'community')
             GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(sign) <> 0
        ) changed));
"""


class CoverageYearSummary(SummaryTable):
    """The years a township-level unit counted for township coverage became covered (+1) or
    stopped being covered (-1): covered at the end of a year when the changes up to it add
    up to 1. Declared before TownshipSummary: its refresh locks the units first."""

    pk = models.CompositePrimaryKey("region_code", "year")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))
    covered_change = models.SmallIntegerField(
        _("Change of coverage"),
        help_text=_("+1: covered from this year; -1: no longer covered at its end."),
    )

    summary = Summary(
        maintain={"orgs_region": REGION_YEAR_CHANGES, "orgs_branch": BRANCH_YEAR_CHANGES},
        functions=(REFRESH_COVERAGE_YEARS,),
        rebuild=f"""
        SELECT {{key}} AS region_code, year, covered_change::smallint AS covered_change
          FROM ({COVERAGE_YEARS.replace("{units}", "TRUE")}
          ) f
         WHERE covered_change <> 0 AND {{where}}
    """,  # noqa: S608 (declared SQL)
    )

    class Meta:
        verbose_name = _("Coverage year summary")
        verbose_name_plural = _("Coverage year summary")
        ordering = ["region_code", "year"]

    def __str__(self):
        return f"{self.region_code} {self.year}: {self.covered_change:+d}"


class TownshipSummary(SummaryTable):
    """Coverage at one township-level unit: one row for every such unit, whatever its kind.

    ``counted`` and ``covered`` make the township-level coverage; ``villages`` and
    ``villages_covered`` the village-level coverage of the units below it.
    """

    region_code = RegionCodeField(primary_key=True)
    counted = models.BooleanField(
        _("Counts for township coverage"),
        default=False,
        help_text=_("A street, town or township in force."),
    )
    covered = models.BooleanField(
        _("Covered"),
        default=False,
        help_text=_("Counted, with an active township branch registered at it."),
    )
    villages = models.IntegerField(
        _("Villages and communities"),
        default=0,
        help_text=_("Communities and villages in force below the unit."),
    )
    villages_covered = models.IntegerField(
        _("Villages and communities covered"),
        default=0,
        help_text=_("Of them, those with an active village (community) branch registered at them."),
    )

    # Keyed by each township-level unit's own code, it answers for a township's villages too
    # (the grain of their codes): they have no row, their figures are in their township's.
    summary = Summary(
        grain=CODE_LENGTH[RegionLevel.COMMUNITY],
        maintain={"orgs_region": REGION_CHANGES, "orgs_branch": BRANCH_CHANGES},
        functions=(REFRESH_TOWNSHIPS,),
        rebuild="""
        WITH covered_units AS (
            SELECT DISTINCT region_id AS code FROM orgs_branch
             WHERE status = 'active' AND kind IN ('township', 'community')
        ), villages AS (
            SELECT left(r.code, 9) AS township, count(*)::int AS villages,
                   count(u.code)::int AS villages_covered
              FROM orgs_region r LEFT JOIN covered_units u ON u.code = r.code
             WHERE r.level = 'community' AND r.kind IN ('community', 'village')
               AND r.valid_to IS NULL
             GROUP BY 1
        )
        SELECT t.code AS region_code,
               t.kind IN ('street', 'town', 'township') AND t.valid_to IS NULL AS counted,
               t.kind IN ('street', 'town', 'township') AND t.valid_to IS NULL
                   AND t.code IN (SELECT code FROM covered_units) AS covered,
               coalesce(v.villages, 0) AS villages,
               coalesce(v.villages_covered, 0) AS villages_covered
          FROM orgs_region t LEFT JOIN villages v ON v.township = t.code
         WHERE t.level = 'township'
    """,
    )

    class Meta:
        verbose_name = _("Township coverage summary")
        verbose_name_plural = _("Township coverage summary")
        ordering = ["region_code"]

    def __str__(self):
        return f"{self.region_code}: {self.villages_covered}/{self.villages}"


class CountyBranchSummary(SummaryTable):
    """BranchSummary's figures per county: the rows a country, province or city rollup groups
    (2,978 counties against 41,352 townships). Kept from BranchSummary's changes by a trigger
    on that table."""

    pk = models.CompositePrimaryKey("region_code", "kind", "status")
    region_code = RegionCodeField()
    kind = models.CharField(_("Kind"), max_length=20, choices=BranchKind)
    status = models.CharField(_("Status"), max_length=20, choices=BranchStatus)
    branches = models.IntegerField(_("Branches"), default=0)
    compliant = models.IntegerField(_("Meeting their standard"), default=0)

    summary = Summary(
        grain=COUNTY_GRAIN,
        copy_of=BranchSummary,
        keys={"kind": "kind", "status": "status"},
        figures={"branches": "branches", "compliant": "compliant"},
    )

    class Meta:
        verbose_name = _("County branch summary")
        verbose_name_plural = _("County branch summary")
        ordering = ["region_code", "kind", "status"]

    def __str__(self):
        return f"{self.region_code} {self.kind} {self.status}: {self.branches}"


class CountyCoverageSummary(SummaryTable):
    """TownshipSummary's coverage per county: counted and covered township-level units,
    villages and covered villages below them. Kept from TownshipSummary's changes by a
    trigger on that table."""

    region_code = RegionCodeField(primary_key=True)
    townships = models.IntegerField(_("Townships counted"), default=0)
    townships_covered = models.IntegerField(_("Townships covered"), default=0)
    villages = models.IntegerField(_("Villages and communities"), default=0)
    villages_covered = models.IntegerField(_("Villages and communities covered"), default=0)

    summary = Summary(
        grain=COUNTY_GRAIN,
        copy_of=TownshipSummary,
        figures={
            "townships": "counted::int",
            "townships_covered": "covered::int",
            "villages": "villages",
            "villages_covered": "villages_covered",
        },
    )

    class Meta:
        verbose_name = _("County coverage summary")
        verbose_name_plural = _("County coverage summary")
        ordering = ["region_code"]

    def __str__(self):
        return f"{self.region_code}: {self.townships_covered}/{self.townships}"


class CountyCoverageYearSummary(SummaryTable):
    """CoverageYearSummary per county and year: the township-level units that became covered
    less those that stopped being covered. Kept from CoverageYearSummary's changes."""

    pk = models.CompositePrimaryKey("year", "region_code")
    region_code = RegionCodeField()
    year = models.IntegerField(_("Year"))
    covered_change = models.IntegerField(_("Change of coverage"), default=0)

    summary = Summary(
        grain=COUNTY_GRAIN,
        copy_of=CoverageYearSummary,
        keys={"year": "year"},
        figures={"covered_change": "covered_change"},
    )

    class Meta:
        verbose_name = _("County coverage year summary")
        verbose_name_plural = _("County coverage year summary")
        ordering = ["region_code", "year"]

    def __str__(self):
        return f"{self.region_code} {self.year}: {self.covered_change:+d}"


#: The branch summaries a rollup reads, the coarsest first.
BRANCHES = (CountyBranchSummary, BranchSummary)
ACTIVE_BRANCHES = "sum(branches) FILTER (WHERE status = 'active')"
COVERAGE = (CountyCoverageSummary, TownshipSummary)
COVERAGE_YEARS_TABLES = (CountyCoverageYearSummary, CoverageYearSummary)

#: Township coverage at the end of a year: the units covered then (the changes summed over
#: that year and every year before it), out of the units township coverage counts today
#: (the dashboards' trend; not a rollup figure, its rows are changes summed up to a year).
TOWNSHIPS_COVERED_AT_YEAR_END = Total(
    "coverage.township_year_end",
    COVERAGE_YEARS_TABLES,
    "sum(covered_change)",
    label=pgettext_lazy("figure", "Township coverage at year end"),
)
#: Today's township-level units counted for township coverage: its total.
TOWNSHIPS_COUNTED = Total("coverage.townships", COVERAGE, "sum(townships)")

#: The rollup figures of branches and coverage, in the order of docs/METRICS.md.
FIGURES = [
    Total(
        "branches.total",
        BRANCHES,
        "sum(branches) FILTER (WHERE status <> 'dissolved')",
        label=pgettext_lazy("figure", "Branches"),
        help=_("Branches not dissolved."),
    ),
    Total(
        "branches.active",
        BRANCHES,
        ACTIVE_BRANCHES,
        label=pgettext_lazy("figure", "Active branches"),
        headline=True,
        out_of="branches.total",
    ),
    PerKey(
        "branches.by_kind", BRANCHES, "kind", ACTIVE_BRANCHES, help=_("Active branches per kind.")
    ),
    Total(
        "branches.standard_compliant",
        BRANCHES,
        "sum(compliant) FILTER (WHERE status = 'active')",
        label=pgettext_lazy("figure", "Branches meeting the standard"),
        headline=True,
        out_of="branches.active",
        help=_("Active branches meeting every item of their latest assessment."),
    ),
    # Per level below the region: unit coverage from the regions, township and village
    # coverage from the coverage summaries (reports.rollups).
    Computed(
        "coverage",
        COVERAGE,
        flat=True,
        help=_("Per level below the region."),
    ),
]
