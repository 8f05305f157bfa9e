"""Figures of a region and of each of its direct children, read from the summary tables.

docs/METRICS.md defines every figure, and this module follows it. The figures are declared
with the summary tables they are read from (``FIGURES`` of each app's summaries.py, in the
order of docs/METRICS.md); the SELECTs are generated from those declarations
(core.summaries). The database groups the summaries by ``left(code, n)``, n being the
children's code length: the county-grain ones (2,978 counties) for the children of the
country, a province or a city, the township-grain ones (41,352 townships) for a county's and
a township's; where the children are finer than every table's grain (a township's villages)
the same rows are computed from the records of that subtree. Sums are read per child and
added up in Python for the region (which also holds the records registered at the region
itself, which no child holds); distinct counts are counted for the region in SQL. A rollup
runs ten queries, whatever the number of children:

1. the children and the time the figures are true for;
2. branches per kind and status (the figures of ``orgs_branch``);
3. township and village coverage;
4. province, city and county coverage;
5. active members and registered volunteers;
6. approved service hours;
7. donations per channel (the figures of ``funds_donation``), and raised up to the year;
8. spendings per category, and spent up to the year (the figures of ``funds_spending``);
9. activities held and held on time (the figures of ``life_activity``);
10. money per campaign.

The declared figures of one table of records are read in one statement; derived figures
(a share, a balance) are computed from the others. Outside a caller's transaction the ten
share one REPEATABLE READ snapshot, taken when the first runs:
``as_of``. The queries run on the alias the router reads from (``summary_alias()``: a
replica for the dashboards and the rollup API when one is configured).
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connections, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from core.regions import ancestor_codes, child_code_length
from core.routers import read_alias
from core.summaries import (
    MONEY,
    TOWNSHIP_GRAIN,
    ZEROS,
    Computed,
    Derived,
    Figure,
    collect,
    figures_sql,
    read_sql,
    read_together,
)
from funds import summaries as funds_summaries
from funds.summaries import CampaignSummary, TownshipCampaignSummary
from life import summaries as life_summaries
from members import summaries as members_summaries
from orgs import summaries as orgs_summaries
from orgs.as_of import BRANCH_ROWS_ON, IN_FORCE, TREE_CHANGED_SINCE, UNITS_ON
from orgs.choices import CODE_LENGTH, TERRITORIAL_KINDS, BranchStatus, RegionKind, RegionLevel
from orgs.models import Branch, Region
from orgs.summaries import CountyCoverageSummary, TownshipSummary
from reports.models import RegionChange

#: The ``level`` of the whole country's rollup (``region=None``).
COUNTRY = "country"
#: Every figure of a rollup, in the order the API, the dashboards and the exports show them.
FIGURES: list[Figure] = [
    *orgs_summaries.FIGURES,
    *members_summaries.FIGURES,
    *funds_summaries.FIGURES,
    *life_summaries.FIGURES,
]
#: Coverage counts only these kinds at these levels; every unit at the levels above.
COVERAGE_KINDS = {
    RegionLevel.TOWNSHIP: [RegionKind.STREET, RegionKind.TOWN, RegionKind.TOWNSHIP],
    RegionLevel.COMMUNITY: [RegionKind.COMMUNITY, RegionKind.VILLAGE],
}
#: The territorial branch kind that covers a unit of each level (they share their names).
KIND_AT_LEVEL = {level: kind for kind, level in TERRITORIAL_KINDS.items()}
#: The condition on a unit ``r`` that coverage counts it (its kind, at the levels that have one).
COUNTED = (
    "("
    + " OR ".join(
        [f"r.level NOT IN ({', '.join(repr(str(level)) for level in COVERAGE_KINDS)})"]
        + [
            f"r.level = '{level}' AND r.kind IN ({', '.join(repr(str(kind)) for kind in kinds)})"
            for level, kinds in COVERAGE_KINDS.items()
        ]
    )
    + ")"
)

# 1. The children, and the snapshot's time. The outer join yields a row without children.
# On a hot standby the figures are as of the last transaction replayed.
CHILDREN_SQL = f"""
    SELECT CASE WHEN pg_is_in_recovery()
                THEN coalesce(pg_last_xact_replay_timestamp(), statement_timestamp())
                ELSE statement_timestamp() END AS as_of,
           r.code, r.name, r.level
      FROM (VALUES (1)) AS one
      LEFT JOIN orgs_region r
        ON %(has_children)s AND r.code LIKE %(prefix)s AND length(r.code) = %(n)s
       AND (%(on)s::date IS NULL OR {IN_FORCE})
     ORDER BY r.code
"""  # noqa: S608 (fixed SQL)

# 3. Township and village coverage: the county rows, or one row per township-level unit (with
# the county rows' columns).
TOWNSHIP_COLUMNS = {
    "township_total": "sum(townships)::bigint",
    "township_covered": "sum(townships_covered)::bigint",
    "community_total": "sum(villages)::bigint",
    "community_covered": "sum(villages_covered)::bigint",
}

# 4. Province, city and county coverage: the units in force, and whether an active branch of
# the unit's own level (a territorial kind named like the level) is registered at its code.
# A territorial branch sits at a region of its level (orgs_branch_territorial_kind_at_level),
# so the county branch summary's row of that kind at the unit's code counts only its own
# (one primary-key probe per unit: 3,351 for the country).
UNITS_SQL = """
    SELECT child, GROUPING(child) = 1 AS whole, level,
           count(*) AS total, count(*) FILTER (WHERE covered) AS covered
      FROM (SELECT left(r.code, %(n)s) AS child, r.level,
                   coalesce((SELECT s.branches > 0 FROM orgs_countybranchsummary s
                              WHERE s.region_code = r.code AND s.kind = r.level
                                AND s.status = 'active'), FALSE) AS covered
              FROM orgs_region r
             WHERE r.code LIKE %(prefix)s AND length(r.code) <= 6
               AND r.level IN ('province', 'city', 'county') AND r.valid_to IS NULL) units
     GROUP BY GROUPING SETS ((child, level), (level))
"""

# 8. Money per child and campaign; Python sums the region's, keeps the campaigns with
# donations left after reversals and orders them, most money first.
CAMPAIGNS_SQL = """
    SELECT s.child, c.id, c.name, s.donations, s.amount, s.in_kind_value
      FROM ({campaigns}) s
      JOIN funds_campaign c ON c.id = s.campaign_id
"""
CAMPAIGN_COLUMNS = {
    "donations": "sum(donations)::bigint",
    "amount": "sum(amount)",
    "in_kind_value": "sum(in_kind_value)",
}


@dataclass(frozen=True)
class Coverage:
    """Units of a level in a region (``total``), those covered, and their ratio."""

    covered: int
    total: int
    ratio: float | None

    @classmethod
    def of(cls, covered: int, total: int) -> "Coverage":
        """The ratio ``covered / total`` rounded to 4 places; None when there is no unit."""
        return cls(covered, total, round(covered / total, 4) if total else None)


@dataclass(frozen=True)
class CampaignAmount:
    """A campaign's money in a region and period."""

    id: int
    name: str
    amount: Decimal


@dataclass(frozen=True)
class RegionFigures:
    """The figures of one region: every figure of ``FIGURES`` by its name
    (``figures["donations.amount"]``), true for ``as_of``."""

    code: str | None
    name: str
    level: str
    as_of: datetime
    figures: dict[str, Any]

    def as_dict(self) -> dict:
        """The figures as the API shows them: grouped (``{"donations": {"amount": …}}``)."""
        shaped = {"code": self.code, "name": self.name, "level": self.level, "as_of": self.as_of}
        for figure in FIGURES:
            group, _dot, name = figure.name.partition(".")
            value = _plain(self.figures[figure.name])
            if name:
                shaped.setdefault(group, {})[name] = value
            else:
                shaped[group] = value
        return shaped

    def as_row(self) -> dict:
        """The region and its figures as one flat row, for tables and exports."""
        return {"code": self.code, "name": self.name, "level": self.level} | figures_row(
            self.figures
        )


@dataclass(frozen=True)
class RegionRollup(RegionFigures):
    """The figures of a region and of each of its direct children (by code)."""

    children: list[RegionFigures] = field(default_factory=list)

    def as_dict(self) -> dict:
        return super().as_dict() | {"children": [child.as_dict() for child in self.children]}


def figures_row(figures: dict[str, Any]) -> dict:
    """Figures by name (a rollup's, or the API's read back) as the columns of a flat row:
    every count, sum and coverage ratio; no breakdown (kinds, campaigns, channels)."""
    row = {}
    for figure in FIGURES:
        row |= figure.row(figures[figure.name])
    return row


def read_figures(data: dict) -> dict[str, Any]:
    """The figures of one region of the API's answer (``as_dict``), by name, as written."""
    figures = {}
    for figure in FIGURES:
        group, _dot, name = figure.name.partition(".")
        figures[figure.name] = data[group][name] if name else data[group]
    return figures


def _plain(value: Any) -> Any:
    """A figure's value with its records (coverage, campaigns) as dicts."""
    if is_dataclass(value):
        return asdict(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def summary_alias() -> str:
    """The database alias the summaries are read from: the replica for a request the
    router sends there (core.routers), else the primary. Raw SQL passes no router."""
    return read_alias(Region)


@contextmanager
def one_snapshot(*, read_only: bool = True, using: str = "default") -> Iterator[None]:
    """Run the enclosed queries in one REPEATABLE READ transaction: they read one snapshot.

    Inside a caller's transaction the caller's isolation level stands (PostgreSQL sets it
    only before a transaction's first query), and no statement is added. A hot standby
    allows a REPEATABLE READ, READ ONLY transaction.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        yield
        return
    mode = "READ ONLY" if read_only else "READ WRITE"
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute(f"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ {mode}")
        yield


@dataclass(frozen=True)
class _Scope:
    """The subtree a rollup reads: the region's code (empty for the country), the year, and
    the past day its structural figures are of (None: today)."""

    code: str
    year: int | None
    using: str = "default"
    on: date | None = None

    @property
    def child_length(self) -> int:
        """Length of the children's codes; the region's own when it has none (a village)."""
        return child_code_length(self.code)

    @property
    def params(self) -> dict:
        return {
            "code": self.code,
            "prefix": f"{self.code}%",
            "n": self.child_length,
            "year": self.year,
            "has_children": self.child_length > len(self.code),
            "on": self.on,
        }

    def fetch(self, sql: str) -> list[dict]:
        """Run one query over the subtree; rows as dicts."""
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, self.params)
            names = [column.name for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


#: A computed figure's value for a key (a child's code, None for the region) and a code.
Lookup = Callable[[str | None, str], Any]


def _declared(scope: _Scope) -> Lookup:
    """The declared figures, one statement per table of records (branches, members and
    volunteers, service hours, donations)."""
    # On a past day the branch figures are counted from the branches as they were then.
    rows = {orgs_summaries.BRANCHES: BRANCH_ROWS_ON} if scope.on else None
    read = [
        collect(figures, scope.fetch(figures_sql(figures, scope.child_length, rows)))
        for figures in read_together(FIGURES)
    ]

    def figures_of(key: str | None, code: str) -> dict:
        return {name: value for values in read for name, value in values[key].items()}

    return figures_of


def _coverage(scope: _Scope) -> Lookup:
    """Coverage per level below the code, for the region and each child: from the summaries,
    or on a past day from the tree and the branches as they were then (orgs.as_of)."""
    counts = defaultdict(dict)
    for row in scope.fetch(UNITS_ON.format(counted=COUNTED) if scope.on else UNITS_SQL):
        key = None if row["whole"] else row["child"]
        counts[key][row["level"]] = (row["covered"], row["total"])
    if scope.on:
        return _coverage_lookup(counts)
    townships = read_sql(
        (CountyCoverageSummary, TownshipSummary),
        length=scope.child_length,
        columns=TOWNSHIP_COLUMNS,
    )
    for row in scope.fetch(townships):
        for key in (row["child"], None):
            for level in (RegionLevel.TOWNSHIP.value, RegionLevel.COMMUNITY.value):
                covered, total = counts[key].get(level, (0, 0))
                counts[key][level] = (
                    covered + row[f"{level}_covered"],
                    total + row[f"{level}_total"],
                )
    return _coverage_lookup(counts)


def _coverage_lookup(counts: dict) -> Lookup:
    """Coverage per level below a code from ``{key: {level: (covered, total)}}``."""

    def coverage_of(key: str | None, code: str) -> dict[str, Coverage]:
        return {
            level: Coverage.of(*counts[key].get(level, (0, 0))) for level in _levels_below(code)
        }

    return coverage_of


def _campaigns(scope: _Scope) -> Lookup:
    """Money per campaign with donations left, most money first, for the region and each
    child."""
    sums = defaultdict(dict)
    campaigns = read_sql(
        (CampaignSummary, TownshipCampaignSummary),
        length=scope.child_length,
        columns=CAMPAIGN_COLUMNS,
        by=["campaign_id"],
    )
    for row in scope.fetch(CAMPAIGNS_SQL.format(campaigns=campaigns)):
        for key in (row["child"], None):
            total = sums[key].setdefault(row["id"], [row["name"], 0, ZEROS[MONEY], ZEROS[MONEY]])
            total[1] += row["donations"]
            total[2] += row["amount"]
            total[3] += row["in_kind_value"]

    def campaigns_of(key: str | None, code: str) -> list[CampaignAmount]:
        left = [
            CampaignAmount(id=campaign_id, name=name, amount=amount)
            for campaign_id, (name, count, amount, in_kind) in sums[key].items()
            if (count, amount, in_kind) != (0, 0, 0)
        ]
        return sorted(left, key=lambda campaign: (-campaign.amount, campaign.id))

    return campaigns_of


#: How the rollup computes each computed figure: from the scope, its value per key and code.
COMPUTED: dict[str, Callable[[_Scope], Lookup]] = {
    "coverage": _coverage,
    "donations.by_campaign": _campaigns,
}


def _levels_below(code: str) -> list[str]:
    return [level.value for level, length in CODE_LENGTH.items() if length > len(code)]


def region_rollup(
    *, region: Region | None = None, year: int | None = None, on: date | None = None
) -> RegionRollup:
    """The figures of ``region`` (None: the whole country) and of each of its direct children.

    Runs ten queries whatever the number of children. Outside a transaction they run in
    their own REPEATABLE READ one (BEGIN, SET TRANSACTION, COMMIT around them), so that every
    figure is true for ``as_of``. ``year`` limits service hours and donations to that
    calendar year; the other figures are current. ``on``, a past day, makes the structural
    figures (branches, coverage) and the children those of that day (orgs.as_of); money,
    hours and people stay with the region their branch has now.
    """
    scope = _Scope(code=region.code if region else "", year=year, using=summary_alias(), on=on)
    with one_snapshot(using=scope.using):
        children = scope.fetch(CHILDREN_SQL)
        declared = _declared(scope)
        computed = {name: compute(scope) for name, compute in COMPUTED.items()}
    as_of = children[0]["as_of"]

    def figures(key: str | None, code: str) -> dict[str, Any]:
        values = declared(key, code)
        shown = {}
        for figure in FIGURES:
            if isinstance(figure, Computed):
                shown[figure.name] = computed[figure.name](key, code)
            elif isinstance(figure, Derived):
                shown[figure.name] = figure.compute(shown)
            else:
                shown[figure.name] = values[figure.name]
        return shown

    own = _identity(region)
    return RegionRollup(
        **own,
        as_of=as_of,
        figures=figures(None, scope.code),
        children=[
            RegionFigures(
                code=child["code"],
                name=child["name"],
                level=child["level"],
                as_of=as_of,
                figures=figures(child["code"], child["code"]),
            )
            for child in children
            if child["code"] is not None
        ],
    )


def tree_changed_since(*, region: Region | None, on: date) -> bool:
    """Whether a unit below ``region`` (None: the country) opened or closed after ``on``:
    the tree of that day differs from today's (one query)."""
    scope = _Scope(code=region.code if region else "", year=None, using=summary_alias(), on=on)
    return scope.fetch(TREE_CHANGED_SINCE)[0]["exists"]


def _identity(region: Region | None) -> dict:
    if region is None:
        return {"code": None, "name": _("Whole country"), "level": COUNTRY}
    return {"code": region.code, "name": region.name, "level": region.level}


def coverage_gaps(*, region: Region | None, level: str) -> QuerySet[Region]:
    """Units of ``level`` below ``region`` (None: the country) that coverage counts and no
    active territorial branch of that level covers; by code, with their parent.

    Empty when ``level`` is not below the region. Reads the records (one query when
    evaluated), so a list is always exact.
    """
    units, covering = _counted_units(region=region, level=level)
    return units.filter(~Exists(covering)).select_related("parent").order_by("code")


def units_covered(*, region: Region | None, level: str) -> dict[str, bool]:
    """Every unit of ``level`` below ``region`` (None: the country) that coverage counts, by
    code: whether an active territorial branch of that level covers it.

    The per-unit side of the coverage figures, for children finer than every coverage
    summary (a township's villages). Reads the records (one query); empty when ``level`` is
    not below the region.
    """
    units, covering = _counted_units(region=region, level=level)
    return dict(units.annotate(covered=Exists(covering)).values_list("code", "covered"))


def _counted_units(*, region: Region | None, level: str) -> tuple[QuerySet[Region], QuerySet]:
    """The units of ``level`` below ``region`` that coverage counts, and the active branches
    that would cover one of them (``OuterRef("pk")``)."""
    level = RegionLevel(level)
    if region is not None and CODE_LENGTH[level] <= len(region.code):
        return Region.objects.none(), Branch.objects.none()
    units = Region.objects.filter(level=level).current()
    if region is not None:
        units = units.within(region.code)
    if level in COVERAGE_KINDS:
        units = units.filter(kind__in=COVERAGE_KINDS[level])
    covering = Branch.objects.filter(
        region=OuterRef("pk"), kind=KIND_AT_LEVEL[level], status=BranchStatus.ACTIVE
    )
    return units, covering


def rollup_rows(
    *, region: Region | None = None, year: int | None = None, on: date | None = None
) -> list[dict]:
    """The children of ``region_rollup`` as flat rows for tables and CSV (same queries)."""
    return [child.as_row() for child in region_rollup(region=region, year=year, on=on).children]


def subtree_changes(code: str) -> tuple[int, datetime | None]:
    """How many rows were ever written in the subtree of ``code`` (``''``: the country) or at
    a region above it, and when last (reports.RegionChange): one query, no figure computed.

    The count only grows, so an unchanged count means unchanged figures. A village's rows
    are counted at its township: its siblings' writes count for it too.
    """
    code = code[:TOWNSHIP_GRAIN]
    above = ["", *ancestor_codes(code)] if code else []
    with connections[summary_alias()].cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(sum(changes), 0), max(changed_at) FROM {RegionChange._meta.db_table}"  # noqa: S608
            " WHERE region_code LIKE %s OR region_code = ANY(%s)",
            [f"{code}%", above],
        )
        return cursor.fetchone()
