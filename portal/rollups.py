"""Figures of a region and of each of its direct children, read from the summary tables.

docs/METRICS.md defines every figure, and this module follows it. The database groups the
summaries by ``left(code, n)``, n being the children's code length: the county-grain ones
(2,978 counties) for the children of the country, a province or a city, the township-grain
ones (41,352 townships) for a county's and a township's. Each query gives each child's
figures and the region's own (which include records registered at the region itself, which
no child holds): by ``ROLLUP`` or ``GROUPING SETS`` where they are few, or summed in Python
from the child rows where the database would aggregate every row several times (branches,
donations, campaigns). A rollup runs eight queries, whatever the number of children:

1. the children and the time the figures are true for;
2. branches per kind and status;
3. township and village coverage;
4. province, city and county coverage;
5. active members and registered volunteers;
6. approved service hours;
7. donations per channel;
8. money per campaign.

Outside a caller's transaction the eight share one REPEATABLE READ snapshot, taken when the
first runs: ``as_of``. Money per campaign is read per county (CampaignSummary) down to a
city's children, per township (TownshipCampaignSummary) for a county's. Where the children
are finer than every summary's grain (a township's villages) the same rows are computed from
the records of that subtree instead, by the summary's declared rebuild
(``core.summaries.rows_sql`` decides, for the dashboards' months too). The queries run
on the alias the router reads from (``summary_alias()``: a replica for the dashboards and
the rollup API when one is configured).
"""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from core.summaries import SummaryTable, rows_sql
from funds.choices import DonationChannel
from funds.summaries import (
    CampaignSummary,
    CountyDonationSummary,
    DonationSummary,
    TownshipCampaignSummary,
)
from members.summaries import (
    CountyMemberSummary,
    CountyServiceHoursSummary,
    MemberSummary,
    ServiceHoursSummary,
)
from orgs.choices import (
    CODE_LENGTH,
    TERRITORIAL_KINDS,
    BranchKind,
    BranchStatus,
    RegionKind,
    RegionLevel,
)
from orgs.models import Branch, Region
from orgs.summaries import (
    BranchSummary,
    CountyBranchSummary,
    CountyCoverageSummary,
    TownshipSummary,
)
from portal.routers import read_alias

#: The ``level`` of the whole country's rollup (``region=None``).
COUNTRY = "country"
ZERO_MONEY = Decimal("0.00")
ZERO_HOURS = Decimal("0.0")
#: Coverage counts only these kinds at these levels; every unit at the levels above.
COVERAGE_KINDS = {
    RegionLevel.TOWNSHIP: [RegionKind.STREET, RegionKind.TOWN, RegionKind.TOWNSHIP],
    RegionLevel.COMMUNITY: [RegionKind.COMMUNITY, RegionKind.VILLAGE],
}
#: The territorial branch kind that covers a unit of each level (they share their names).
KIND_AT_LEVEL = {level: kind for kind, level in TERRITORIAL_KINDS.items()}

# 1. The children, and the snapshot's time. The outer join yields a row without children.
# On a hot standby the figures are as of the last transaction replayed.
CHILDREN_SQL = """
    SELECT CASE WHEN pg_is_in_recovery()
                THEN coalesce(pg_last_xact_replay_timestamp(), statement_timestamp())
                ELSE statement_timestamp() END AS as_of,
           r.code, r.name, r.level
      FROM (VALUES (1)) AS one
      LEFT JOIN orgs_region r
        ON %(has_children)s AND r.code LIKE %(prefix)s AND length(r.code) = %(n)s
     ORDER BY r.code
"""

# 2. Branches per child, kind and status; the region's figures and the kinds are summed from
# these rows in Python (grouping sets would aggregate every row four times).
BRANCHES_SQL = """
    SELECT left(region_code, %(n)s) AS child, kind, status,
           sum(branches)::bigint AS branches, sum(compliant)::bigint AS compliant
      FROM {source} s
     WHERE region_code LIKE %(prefix)s
     GROUP BY 1, 2, 3
"""

# 3. Township and village coverage: the county rows, or one row per township-level unit (with
# the county rows' columns).
TOWNSHIPS_SQL = """
    SELECT child, GROUPING(child) = 1 AS whole,
           coalesce(sum(townships), 0)::bigint AS township_total,
           coalesce(sum(townships_covered), 0)::bigint AS township_covered,
           coalesce(sum(villages), 0)::bigint AS community_total,
           coalesce(sum(villages_covered), 0)::bigint AS community_covered
      FROM (SELECT left(region_code, %(n)s) AS child, townships, townships_covered, villages,
                   villages_covered
              FROM {source} s WHERE region_code LIKE %(prefix)s) summary
     GROUP BY ROLLUP (child)
"""

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

# 5. Active members and registered volunteers.
MEMBERS_SQL = """
    SELECT child, GROUPING(child) = 1 AS whole,
           coalesce(sum(members), 0)::bigint AS members,
           coalesce(sum(volunteers), 0)::bigint AS volunteers
      FROM (SELECT left(region_code, %(n)s) AS child, members, volunteers
              FROM {source} s WHERE region_code LIKE %(prefix)s) summary
     GROUP BY ROLLUP (child)
"""

# 6. Approved service hours, of the year when one is given.
HOURS_SQL = """
    SELECT child, GROUPING(child) = 1 AS whole, coalesce(sum(hours), 0.0) AS hours
      FROM (SELECT left(region_code, %(n)s) AS child, hours
              FROM {source} s
             WHERE region_code LIKE %(prefix)s
               AND (%(year)s::int IS NULL OR year = %(year)s::int)) summary
     GROUP BY ROLLUP (child)
"""

# 7. Donations per child and channel, net of reversal entries; the region's figures and the
# channels are summed from these rows in Python.
DONATIONS_SQL = """
    SELECT left(region_code, %(n)s) AS child, channel,
           sum(donations)::bigint AS donations, sum(amount) AS amount,
           sum(in_kind_value) AS in_kind_value
      FROM {source} s
     WHERE region_code LIKE %(prefix)s
       AND (%(year)s::int IS NULL OR year = %(year)s::int)
     GROUP BY 1, 2
"""

# 8. Money per child and campaign; Python sums the region's, keeps the campaigns with
# donations left after reversals and orders them, most money first.
CAMPAIGNS_SQL = """
    SELECT s.child, c.id, c.name, s.donations, s.amount, s.in_kind_value
      FROM (SELECT left(region_code, %(n)s) AS child, campaign_id,
                   sum(donations)::bigint AS donations, sum(amount) AS amount,
                   sum(in_kind_value) AS in_kind_value
              FROM {source} s
             WHERE region_code LIKE %(prefix)s
               AND (%(year)s::int IS NULL OR year = %(year)s::int)
             GROUP BY 1, 2) s
      JOIN funds_campaign c ON c.id = s.campaign_id
"""


def summary_alias() -> str:
    """The database alias the summaries are read from: the replica for a request the
    router sends there (portal.routers), else the primary. Raw SQL passes no router."""
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
    """The subtree a rollup reads: the region's code (empty for the country) and the year."""

    code: str
    year: int | None
    using: str = "default"

    @property
    def child_length(self) -> int:
        """Length of the children's codes; the region's own when it has none (a village)."""
        longer = [length for length in CODE_LENGTH.values() if length > len(self.code)]
        return min(longer, default=len(self.code))

    @property
    def params(self) -> dict:
        return {
            "prefix": f"{self.code}%",
            "n": self.child_length,
            "year": self.year,
            "has_children": self.child_length > len(self.code),
        }

    def fetch(self, sql: str, *summaries: type[SummaryTable]) -> list[dict]:
        """Run one query over the subtree; rows as dicts. ``{source}`` is the rows of the
        coarsest of ``summaries`` (coarse to fine) that answers the children."""
        if summaries:
            sql = sql.format(source=rows_sql(summaries, self.child_length))
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, self.params)
            names = [column.name for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _keyed(rows: list[dict]) -> Iterator[tuple[str | None, dict]]:
    """Each row with its child's code, or None for the region's own figures."""
    for row in rows:
        yield (None if row["whole"] else row["child"]), row


def _branches(scope: _Scope) -> dict:
    """Every status but dissolved in the total; active ones per kind and meeting the
    standard; for the region (key None) and each child."""
    figures = defaultdict(
        lambda: {
            "total": 0,
            "active": 0,
            "by_kind": dict.fromkeys(BranchKind.values, 0),
            "standard_compliant": 0,
        }
    )
    for row in scope.fetch(BRANCHES_SQL, CountyBranchSummary, BranchSummary):
        for key in (row["child"], None):
            counts = figures[key]
            if row["status"] != BranchStatus.DISSOLVED:
                counts["total"] += row["branches"]
            if row["status"] == BranchStatus.ACTIVE:
                counts["active"] += row["branches"]
                counts["by_kind"][row["kind"]] += row["branches"]
                counts["standard_compliant"] += row["compliant"]
    return figures


def _coverage(scope: _Scope) -> dict:
    """(covered, total) per level, for the region and each child."""
    figures = defaultdict(dict)
    for key, row in _keyed(scope.fetch(UNITS_SQL)):
        figures[key][row["level"]] = (row["covered"], row["total"])
    for key, row in _keyed(scope.fetch(TOWNSHIPS_SQL, CountyCoverageSummary, TownshipSummary)):
        figures[key][RegionLevel.TOWNSHIP.value] = (row["township_covered"], row["township_total"])
        figures[key][RegionLevel.COMMUNITY.value] = (
            row["community_covered"],
            row["community_total"],
        )
    return figures


def _people(scope: _Scope) -> tuple[dict, dict]:
    """The members and the volunteers figures, for the region and each child."""
    members = defaultdict(lambda: {"active": 0})
    volunteers = defaultdict(lambda: {"active": 0, "service_hours": ZERO_HOURS})
    for key, row in _keyed(scope.fetch(MEMBERS_SQL, CountyMemberSummary, MemberSummary)):
        members[key]["active"] = row["members"]
        volunteers[key]["active"] = row["volunteers"]
    for key, row in _keyed(scope.fetch(HOURS_SQL, CountyServiceHoursSummary, ServiceHoursSummary)):
        volunteers[key]["service_hours"] = row["hours"]
    return members, volunteers


def _donations(scope: _Scope) -> dict:
    figures = defaultdict(
        lambda: {
            "count": 0,
            "amount": ZERO_MONEY,
            "in_kind_value": ZERO_MONEY,
            "by_campaign": [],
            "by_channel": dict.fromkeys(DonationChannel.values, ZERO_MONEY),
        }
    )
    for row in scope.fetch(DONATIONS_SQL, CountyDonationSummary, DonationSummary):
        for key in (row["child"], None):
            money = figures[key]
            money["count"] += row["donations"]
            money["amount"] += row["amount"]
            money["in_kind_value"] += row["in_kind_value"]
            money["by_channel"][row["channel"]] += row["amount"] + row["in_kind_value"]
    campaigns = defaultdict(dict)
    for row in scope.fetch(CAMPAIGNS_SQL, CampaignSummary, TownshipCampaignSummary):
        for key in (row["child"], None):
            sums = campaigns[key].setdefault(row["id"], [row["name"], 0, ZERO_MONEY, ZERO_MONEY])
            sums[1] += row["donations"]
            sums[2] += row["amount"]
            sums[3] += row["in_kind_value"]
    for key, by_id in campaigns.items():
        left = [
            (campaign_id, name, amount)
            for campaign_id, (name, count, amount, in_kind) in by_id.items()
            if (count, amount, in_kind) != (0, 0, 0)
        ]
        left.sort(key=lambda campaign: (-campaign[2], campaign[0]))
        figures[key]["by_campaign"] = [
            {"id": campaign_id, "name": name, "amount": amount}
            for campaign_id, name, amount in left
        ]
    return figures


def _ratio(covered: int, total: int) -> dict:
    return {
        "covered": covered,
        "total": total,
        "ratio": round(covered / total, 4) if total else None,
    }


def _levels_below(code: str) -> list[str]:
    return [level.value for level, length in CODE_LENGTH.items() if length > len(code)]


def region_rollup(*, region: Region | None = None, year: int | None = None) -> dict:
    """The figures of ``region`` (None: the whole country) and of each of its direct children.

    Runs eight queries whatever the number of children. Outside a transaction they run in
    their own REPEATABLE READ one (BEGIN, SET TRANSACTION, COMMIT around them), so that every
    figure is true for ``as_of``. ``year`` limits service hours and donations to that
    calendar year; the other figures are current.
    """
    scope = _Scope(code=region.code if region else "", year=year, using=summary_alias())
    with one_snapshot(using=scope.using):
        children = scope.fetch(CHILDREN_SQL)
        branches = _branches(scope)
        coverage = _coverage(scope)
        members, volunteers = _people(scope)
        donations = _donations(scope)
    as_of = children[0]["as_of"]

    def figures(key: str | None, code: str) -> dict:
        return {
            "as_of": as_of,
            "branches": branches[key],
            "coverage": {
                level: _ratio(*coverage[key].get(level, (0, 0))) for level in _levels_below(code)
            },
            "members": members[key],
            "volunteers": volunteers[key],
            "donations": donations[key],
        }

    own = _identity(region)
    rollup = {**own, **figures(None, scope.code)}
    rollup["children"] = [
        {"code": child["code"], "name": child["name"], "level": child["level"]}
        | figures(child["code"], child["code"])
        for child in children
        if child["code"] is not None
    ]
    return rollup


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
    level = RegionLevel(level)
    if region is not None and CODE_LENGTH[level] <= len(region.code):
        return Region.objects.none()
    units = Region.objects.filter(level=level).current()
    if region is not None:
        units = units.within(region.code)
    if level in COVERAGE_KINDS:
        units = units.filter(kind__in=COVERAGE_KINDS[level])
    covering = Branch.objects.filter(
        region=OuterRef("pk"), kind=KIND_AT_LEVEL[level], status=BranchStatus.ACTIVE
    )
    return units.filter(~Exists(covering)).select_related("parent").order_by("code")


def rollup_rows(*, region: Region | None = None, year: int | None = None) -> list[dict]:
    """The children of ``region_rollup`` as flat rows for tables and CSV (same queries)."""
    return [_flat(child) for child in region_rollup(region=region, year=year)["children"]]


def _flat(child: dict) -> dict:
    branches, donations = child["branches"], child["donations"]
    row = {
        "code": child["code"],
        "name": child["name"],
        "level": child["level"],
        "branches_total": branches["total"],
        "branches_active": branches["active"],
        "branches_standard_compliant": branches["standard_compliant"],
    }
    for level, figures in child["coverage"].items():
        row.update({f"coverage_{level}_{name}": value for name, value in figures.items()})
    row.update(
        members_active=child["members"]["active"],
        volunteers_active=child["volunteers"]["active"],
        volunteers_service_hours=child["volunteers"]["service_hours"],
        donations_count=donations["count"],
        donations_amount=donations["amount"],
        donations_in_kind_value=donations["in_kind_value"],
    )
    return row
