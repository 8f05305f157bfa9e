"""Summary tables of branches and coverage, kept exact by database triggers.

Each summary holds figures at township grain: the record's region code cut to 9 digits (a
record registered at a county or above keeps its own code). Statement-level triggers on the
record tables (orgs migration 0004) add each statement's changes to these rows in the writing
transaction, so bulk writes, QuerySet.update, raw SQL and COPY keep them exact too. Rollups
group them by ``left(region_code, n)`` at read time (portal/rollups.py); docs/METRICS.md
defines every figure; ``manage.py verify_rollups`` recomputes every row from the records with
``from_records()`` and compares.
"""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.choices import BranchKind, BranchStatus
from orgs.db import RegionCodeField
from orgs.models import Assessment, Branch

#: Length of the summaries' region key: a township-level code.
TOWNSHIP_GRAIN = 9
#: Length of the key of summaries kept per county (campaign totals).
COUNTY_GRAIN = 6


class Summary(models.Model):
    """A table of figures written only by triggers; ``records_sql`` computes it from the records.

    ``records_sql`` has two slots: ``{key}``, the region key of each row, and ``{where}``, an
    optional filter to one subtree (``%(prefix)s``).
    """

    records_sql: ClassVar[str] = ""
    #: The records' region-code column that ``{key}`` cuts and ``{where}`` filters.
    code_column: ClassVar[str] = "region_code"
    #: Length of the region key: figures for codes longer than this are summed together.
    grain: ClassVar[int] = TOWNSHIP_GRAIN

    class Meta:
        abstract = True

    @classmethod
    def from_records(cls, *, cut: bool = True, scoped: bool = False) -> str:
        """SQL computing this summary's rows from the records.

        ``cut`` keys the rows like the table does (the code cut to the grain); without it
        every record keeps its full code, for reads finer than the grain. ``scoped`` keeps
        only the subtree ``%(prefix)s`` (a ``LIKE`` pattern, e.g. ``'360803%'``).
        """
        column = cls.code_column
        key = f"left({column}, {cls.grain})" if cut else column
        where = f"{column} LIKE %(prefix)s" if scoped else "TRUE"
        return cls.records_sql.format(key=key, where=where)


class BranchSummary(Summary):
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

    code_column = "b.region_id"
    records_sql = """
        SELECT {key} AS region_code, b.kind, b.status, count(*)::int AS branches,
               (count(*) FILTER (WHERE a.item_count > 0 AND a.met_count = a.item_count))::int
                   AS compliant
          FROM orgs_branch b
          LEFT JOIN LATERAL (
                SELECT item_count, met_count FROM orgs_assessment
                 WHERE branch_id = b.id ORDER BY assessed_on DESC, id DESC LIMIT 1
          ) a ON TRUE
         WHERE {where}
         GROUP BY 1, 2, 3
    """

    class Meta:
        verbose_name = _("Branch summary")
        verbose_name_plural = _("Branch summary")
        ordering = ["region_code", "kind", "status"]

    def __str__(self):
        return f"{self.region_code} {self.kind} {self.status}: {self.branches}"


class LatestAssessment(Summary):
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

    records_sql = """
        SELECT DISTINCT ON (branch_id) branch_id, id AS assessment_id,
               item_count > 0 AND met_count = item_count AS compliant
          FROM orgs_assessment
         ORDER BY branch_id, assessed_on DESC, id DESC
    """

    class Meta:
        verbose_name = _("Latest assessment")
        verbose_name_plural = _("Latest assessment")
        ordering = ["branch"]

    def __str__(self):
        return f"{self.branch_id}: {self.assessment_id}"


class TownshipSummary(Summary):
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

    records_sql = """
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
    """

    class Meta:
        verbose_name = _("Township coverage summary")
        verbose_name_plural = _("Township coverage summary")
        ordering = ["region_code"]

    def __str__(self):
        return f"{self.region_code}: {self.villages_covered}/{self.villages}"


class CountyBranchSummary(Summary):
    """BranchSummary's figures per county: the rows a country, province or city rollup groups
    (2,978 counties against 41,352 townships). Kept from BranchSummary's changes by a trigger
    on that table (orgs migration 0006)."""

    pk = models.CompositePrimaryKey("region_code", "kind", "status")
    region_code = RegionCodeField()
    kind = models.CharField(_("Kind"), max_length=20, choices=BranchKind)
    status = models.CharField(_("Status"), max_length=20, choices=BranchStatus)
    branches = models.IntegerField(_("Branches"), default=0)
    compliant = models.IntegerField(_("Meeting their standard"), default=0)

    grain = COUNTY_GRAIN
    code_column = BranchSummary.code_column
    records_sql = BranchSummary.records_sql

    class Meta:
        verbose_name = _("County branch summary")
        verbose_name_plural = _("County branch summary")
        ordering = ["region_code", "kind", "status"]

    def __str__(self):
        return f"{self.region_code} {self.kind} {self.status}: {self.branches}"


class CountyCoverageSummary(Summary):
    """TownshipSummary's coverage per county: counted and covered township-level units,
    villages and covered villages below them. Kept from TownshipSummary's changes by a
    trigger on that table (orgs migration 0006)."""

    region_code = RegionCodeField(primary_key=True)
    townships = models.IntegerField(_("Townships counted"), default=0)
    townships_covered = models.IntegerField(_("Townships covered"), default=0)
    villages = models.IntegerField(_("Villages and communities"), default=0)
    villages_covered = models.IntegerField(_("Villages and communities covered"), default=0)

    grain = COUNTY_GRAIN
    records_sql = f"""
        SELECT left(region_code, 6) AS region_code,
               (count(*) FILTER (WHERE counted))::int AS townships,
               (count(*) FILTER (WHERE covered))::int AS townships_covered,
               sum(villages)::int AS villages, sum(villages_covered)::int AS villages_covered
          FROM ({TownshipSummary.records_sql}) township
         GROUP BY 1
    """  # noqa: S608 (fixed SQL fragments)

    class Meta:
        verbose_name = _("County coverage summary")
        verbose_name_plural = _("County coverage summary")
        ordering = ["region_code"]

    def __str__(self):
        return f"{self.region_code}: {self.townships_covered}/{self.townships}"


def rollup_trigger_sql(
    *, name: str, source: str, target: str, keys: list[str], figures: dict[str, str]
) -> str:
    """SQL of statement triggers on the summary table ``source`` that add each statement's
    changes of its rows to ``target``, keyed by the county (``left(region_code, 6)``) and
    ``keys``; ``figures`` maps each target column to its expression over a source row."""
    columns = ", ".join(["region_code", *keys, *figures])
    key_list = ", ".join(["region_code", *keys])
    positions = ", ".join(str(n) for n in range(1, len(keys) + 2))
    sums = [f"sum(sign * ({expression}))" for expression in figures.values()]
    zeros = ", ".join("0" for _ in figures)
    body = f"""
    INSERT INTO {target} AS s ({columns})
    SELECT left(region_code, 6), {", ".join([*keys, *sums])}
      FROM {{changes}} c
     GROUP BY {positions}
    HAVING ROW({", ".join(sums)}) <> ROW({zeros})
     ORDER BY {positions}
    ON CONFLICT ({key_list}) DO UPDATE
       SET {", ".join(f"{column} = s.{column} + excluded.{column}" for column in figures)};
"""  # noqa: S608 (fixed SQL fragments)
    return statement_triggers_sql(name=name, table=source, body=body)


def statement_triggers_sql(*, name: str, table: str, body: str, declare: str = "") -> str:
    """SQL creating a trigger function run once per INSERT, UPDATE and DELETE statement on
    ``table``, and its three triggers (named ``<name>_insert`` and so on).

    ``body`` is PL/pgSQL that reads the statement's changes from ``{changes}``: every row
    written with ``sign`` +1 and every row replaced or removed with ``sign`` -1. One upsert per
    summary row then serves a whole bulk_create, UPDATE or COPY, and an UPDATE that leaves
    the summarized columns alone nets to nothing. Applied migrations call it: keep its output
    stable, and change triggers with a new migration.
    """
    changes = {
        "INSERT": "(SELECT n.*, 1 AS sign FROM new_rows n)",
        "UPDATE": "(SELECT n.*, 1 AS sign FROM new_rows n "
        "UNION ALL SELECT o.*, -1 AS sign FROM old_rows o)",
        "DELETE": "(SELECT o.*, -1 AS sign FROM old_rows o)",
    }
    branches = "\n    ELSIF ".join(
        f"TG_OP = '{op}' THEN\n" + body.replace("{changes}", rows) for op, rows in changes.items()
    )
    referencing = {
        "insert": "AFTER INSERT ON {t} REFERENCING NEW TABLE AS new_rows",
        "update": "AFTER UPDATE ON {t} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "AFTER DELETE ON {t} REFERENCING OLD TABLE AS old_rows",
    }
    triggers = "\n".join(
        f"CREATE TRIGGER {name}_{op} {when.format(t=table)} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
        for op, when in referencing.items()
    )
    declarations = f"DECLARE\n{declare}\n" if declare else ""
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"{declarations}BEGIN\n    IF {branches}\n    END IF;\n    RETURN NULL;\nEND;\n$$;\n"
        f"{triggers}\n"
    )


def drop_statement_triggers_sql(*, name: str, table: str) -> str:
    """SQL dropping what ``statement_triggers_sql`` created."""
    drops = "".join(
        f"DROP TRIGGER IF EXISTS {name}_{op} ON {table};\n" for op in ("insert", "update", "delete")
    )
    return f"{drops}DROP FUNCTION IF EXISTS {name}();\n"
