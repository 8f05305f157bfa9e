"""The benchmark data set, made inside PostgreSQL: branches, members, volunteers, donations.

Every row is made by ``INSERT … SELECT … generate_series`` on the server; Python only sends
statements, so memory stays flat whatever the scale. The bulk inserts run with
``session_replication_role = replica``: that skips ordinary triggers (summary maintenance, the
copy of the branch's region code, foreign-key checks), so the generator writes
``region_code`` itself and keeps every reference valid by construction; the summaries are
rebuilt afterwards by ``verify_rollups --repair``. Secondary indexes of the big tables are
dropped before their load and rebuilt after it, in the same transaction.

Skew, like real data: every branch gets an integer weight (its province, its city — a
provincial capital raises most —, its kind and its status), and each table's rows are shared
out exactly by those weights. Donations are shared out over time buckets too: the months of
five years (growing 8% a year, busier in January, summer and December) and the three days of
each 99 Giving Day (7–9 September), which take about a sixth of a year's donations.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import accumulate

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from bench.statements import (
    ACTIVITY_INSERT,
    ALLOCATION,
    ALSO_AT_PLAN,
    ASSESSMENT_INSERT,
    ASSESSMENT_ITEMS_INSERT,
    BRANCH_INSERT,
    BRANCH_PLAN,
    CAMPAIGN_LOOKUPS,
    COMMUNITY_PLAN,
    DONATION_INSERT,
    DONOR_INSERT,
    DONOR_RANGES,
    EMERGENCY_CAMPAIGNS,
    GIVING_DAY_CAMPAIGNS,
    INDEXES_AND_REFERENCES,
    MEMBER_INSERT,
    PROJECT_CAMPAIGNS,
    REQUIREMENT_INSERT,
    REVERSAL_INSERT,
    SECTORAL_PLAN,
    SERVICE_RECORD_INSERT,
    TEAM_INSERT,
    TEAM_LOOKUP,
    VOLUNTEER_INSERT,
    WORK_TABLES,
)
from portal.demo.activities import REQUIRED

#: Tables loaded beside the donations, on the second connection.
PEOPLE_TABLES = [
    "members_member",
    "members_volunteerteam",
    "members_volunteer",
    "members_servicerecord",
    "orgs_assessment",
    "orgs_assessment_items_met",
    "life_activity",
]
#: Tables the generator empties and fills; summary tables are rebuilt from them afterwards.
RECORD_TABLES = [
    "life_activity",
    "life_requirement",
    "funds_donation",
    "funds_donor",
    "funds_campaign",
    "members_servicerecord",
    "members_volunteer",
    "members_volunteerteam",
    "members_membershipevent",
    "members_position",
    "members_member",
    "orgs_assessment_items_met",
    "orgs_assessment",
    "orgs_branch",
]
YEARS = 5
GROWTH = 1.08  # donations grow 8% a year
#: Relative donations per month: Spring Festival, summer floods and the year's end are busier.
SEASON = {1: 1.3, 2: 1.0, 3: 0.9, 4: 0.9, 5: 0.9, 6: 1.1, 7: 1.2, 8: 1.1, 9: 1.0, 10: 0.9}
SEASON |= {11: 1.0, 12: 1.4}
#: A Giving Day's three days weigh as much as 2.4 ordinary months: about 16% of a year.
GIVING_DAY_WEIGHT = 2.4
REVERSAL_EVERY = 2000  # one donation in 2,000 is reversed
#: The activity kinds of the ledgers and their shares: the monthly theme day most, then the
#: quarterly council meetings and trainings, the yearly congress, and services beyond them.
ACTIVITY_SHARES = [
    ("主题活动日", 0.55),
    ("理事会", 0.17),
    ("培训", 0.14),
    ("会员代表大会", 0.05),
    ("服务活动", 0.06),
    ("应急救护培训", 0.03),
]


@dataclass(frozen=True)
class Scale:
    """How much to generate, and under which region code."""

    name: str
    prefix: str
    branches: int
    members: int
    volunteers: int
    service_records: int
    donations: int
    donors: int
    projects: int
    emergencies_per_year: int
    township_coverage: float = 0.92
    community_share: float = 0.65
    #: Codes that get a territorial branch of their level whatever their kind.
    also_at: tuple[str, ...] = ()
    #: Activities in the branches' ledgers since January of last year.
    activities: int = 0


SCALES = {
    "national": Scale(
        "national",
        "",
        100_000,
        5_000_000,
        1_000_000,
        3_000_000,
        20_000_000,
        500_000,
        250,
        3,
        activities=3_000_000,
    ),
    "province": Scale(
        "province",
        "36",
        5_000,
        250_000,
        50_000,
        150_000,
        1_000_000,
        25_000,
        15,
        1,
        activities=150_000,
    ),
}


class Generator:
    """Fills the record tables step by step and keeps each step's time."""

    def __init__(self, scale: Scale, *, log: Callable[[str], None] = print):
        self.scale = scale
        self.log = log
        self.timings: dict[str, float] = {}
        self.today = _local_today()
        self.start = date(self.today.year - YEARS + 1, 1, 1)

    def run(self, *, repair: bool = True, parallel: bool = True) -> dict[str, float]:
        """Empty the record tables and fill them; rebuild the summaries; return timings.

        Donations load on one connection while members, volunteers and service records load
        on another (``parallel``; never inside a transaction, whose rows no other connection
        sees).
        """
        _check_database()
        for name, step in [
            ("truncate", self.truncate),
            ("branches", self.branches),
            ("campaigns", self.campaigns),
            ("donors", self.donors),
        ]:
            self._timed(name, step)
        lanes = [
            [("donations", self.donations), ("vacuum_donations", self.vacuum_donations)],
            [
                ("members", self.members),
                ("volunteers", self.volunteers),
                ("service_records", self.service_records),
                ("assessments", self.assessments),
                ("activities", self.activities),
                ("vacuum_people", self.vacuum_people),
            ],
        ]
        self._run_lanes(lanes, parallel=parallel and not connection.in_atomic_block)
        self._timed("cleanup", self.cleanup)
        if repair:
            self._timed("repair_summaries", repair_summaries)
        self._timed("vacuum_analyze", lambda: vacuum_analyze([]))
        return self.timings

    def regenerate_donations(self, count: int) -> dict[str, float]:
        """Replace the donations with ``count`` new ones over the same branches (scaling check)."""
        _check_database()
        self.scale = replace(self.scale, donations=count)
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE funds_donation RESTART IDENTITY")
        self._drop_work_tables()
        self._timed("allocation", self.allocate)
        with connection.cursor() as cursor:
            cursor.execute(CAMPAIGN_LOOKUPS, self.params())
            cursor.execute(DONOR_RANGES)
        self._run_lanes([[("donations", self.donations)]], parallel=False)
        self._timed("cleanup", self.cleanup)
        self._timed("repair_summaries", repair_summaries)
        self._timed("vacuum_analyze", lambda: vacuum_analyze([]))
        return self.timings

    def _run_lanes(self, lanes: list[list[tuple[str, Callable]]], *, parallel: bool) -> None:
        """Run each lane's steps in order; the lanes side by side on their own connections."""
        if not parallel:
            for lane in lanes:
                self._lane(lane, close=False)
            return
        with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
            for future in [pool.submit(self._lane, lane, close=True) for lane in lanes]:
                future.result()

    def _lane(self, steps: list[tuple[str, Callable]], *, close: bool) -> None:
        try:
            for name, step in steps:
                self._timed(name, step)
        finally:
            if close:
                connection.close()

    def _timed(self, name: str, step: Callable[[], object]) -> None:
        started = time.perf_counter()
        step()
        self.timings[name] = round(time.perf_counter() - started, 2)
        self.log(f"{name}: {self.timings[name]:.1f} s")

    def params(self, **extra) -> dict:
        """The parameters every statement may use."""
        return {
            "prefix": self.scale.prefix + "%",
            "today": self.today,
            "start": self.start,
            "tz": settings.TIME_ZONE,
            **extra,
        }

    def truncate(self) -> None:
        names = ", ".join(RECORD_TABLES)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        self._drop_work_tables()

    def _drop_work_tables(self) -> None:
        with connection.cursor() as cursor:
            for table in WORK_TABLES:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def branches(self) -> None:
        scale = self.scale
        with self.bulk("orgs_branch") as cursor:
            cursor.execute(BRANCH_PLAN, self.params(coverage=scale.township_coverage))
            if scale.also_at:
                cursor.execute(ALSO_AT_PLAN, self.params(codes=list(scale.also_at)))
            cursor.execute("SELECT count(*) FROM bench_branch_plan")
            fixed = cursor.fetchone()[0]
            rest = max(scale.branches - fixed, 0)
            communities = round(rest * scale.community_share)
            cursor.execute(COMMUNITY_PLAN, self.params(n=communities))
            cursor.execute(SECTORAL_PLAN, self.params(n=rest - communities))
            cursor.execute(BRANCH_INSERT, self.params())
        self.allocate()

    def allocate(self) -> None:
        """Every branch's weights and its exact share of each table's rows (bench_alloc)."""
        with connection.cursor() as cursor:
            cursor.execute(ALLOCATION, self.params(**self._totals()))
            cursor.execute("ANALYZE bench_alloc")

    def _totals(self) -> dict[str, int]:
        scale = self.scale
        return {
            "donations": scale.donations,
            "members": scale.members,
            "volunteers": scale.volunteers,
            "donors": scale.donors,
        }

    def campaigns(self) -> None:
        years = list(range(self.start.year, self.today.year + 1))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(GIVING_DAY_CAMPAIGNS, self.params(years=years))
            cursor.execute(
                EMERGENCY_CAMPAIGNS, self.params(years=years, n=self.scale.emergencies_per_year)
            )
            cursor.execute(PROJECT_CAMPAIGNS, self.params(n=self.scale.projects))
            cursor.execute(CAMPAIGN_LOOKUPS, self.params())

    def donors(self) -> None:
        with self.bulk("funds_donor") as cursor:
            cursor.execute(DONOR_INSERT, self.params())
            cursor.execute(DONOR_RANGES)

    def members(self) -> None:
        buckets = list(yearly_buckets(date(self.today.year - 14, 1, 1), self.today, growth=1.1))
        with self.bulk("members_member") as cursor:
            for bucket in buckets:
                cursor.execute(MEMBER_INSERT, self.params(**bucket))

    def volunteers(self) -> None:
        buckets = list(yearly_buckets(date(self.today.year - 10, 1, 1), self.today, growth=1.15))
        with self.bulk("members_volunteerteam") as cursor:
            cursor.execute(TEAM_INSERT, self.params())
            cursor.execute(TEAM_LOOKUP)
        with self.bulk("members_volunteer") as cursor:
            for bucket in buckets:
                cursor.execute(VOLUNTEER_INSERT, self.params(**bucket))

    def service_records(self) -> None:
        with self.bulk("members_servicerecord") as cursor:
            cursor.execute(SERVICE_RECORD_INSERT, self.params(n=self.scale.service_records))

    def assessments(self) -> None:
        with self.bulk("orgs_assessment") as cursor:
            cursor.execute(ASSESSMENT_INSERT, self.params())
            cursor.execute(ASSESSMENT_ITEMS_INSERT)

    def activities(self) -> None:
        """The default standard's requirements (the demo's), and the branches' ledgers."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                REQUIREMENT_INSERT,
                {
                    "names": [name for name, _frequency, _minimum in REQUIRED],
                    "frequencies": [str(frequency) for _name, frequency, _minimum in REQUIRED],
                    "minimums": [minimum for _name, _frequency, minimum in REQUIRED],
                },
            )
        kinds, shares = zip(*ACTIVITY_SHARES, strict=True)
        with self.bulk("life_activity") as cursor:
            cursor.execute(
                ACTIVITY_INSERT,
                self.params(
                    n=self.scale.activities,
                    since=date(self.today.year - 1, 1, 1),
                    kinds=list(kinds),
                    shares=list(accumulate(shares))[:-1],
                ),
            )

    def donations(self) -> None:
        buckets = list(donation_buckets(self.start, self.today))
        with self.bulk("funds_donation") as cursor:
            inserted = 0
            for number, bucket in enumerate(buckets, start=1):
                cursor.execute(DONATION_INSERT, self.params(bucket=number, **bucket))
                inserted += cursor.rowcount
            cursor.execute(REVERSAL_INSERT, self.params(every=REVERSAL_EVERY))
        self.log(f"donations: {inserted:,} in {len(buckets)} time buckets")

    @contextmanager
    def bulk(self, table: str):
        """A transaction for a bulk load of ``table``: triggers off, indexes built after the load.

        Building an index once after the load is several times faster than maintaining it row
        by row. The primary key goes too, with the foreign keys that reference it (their tables
        are empty, or the table itself); they come back last, once the indexes exist.
        """
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            # Many short statements: compiling each one costs more than it saves.
            cursor.execute("SET LOCAL jit = off")
            # Times of day are written in UTC (09:00 in Beijing is 01:00 UTC).
            cursor.execute("SET LOCAL TimeZone = 'UTC'")
            cursor.execute(INDEXES_AND_REFERENCES, {"table": table})
            ddl = cursor.fetchall()
            for _, drop, _ in sorted(ddl, key=lambda row: row[0] != "reference"):
                cursor.execute(drop)
            started = time.perf_counter()
            yield cursor
            loaded = time.perf_counter()
            for kind in ("primary", "index"):
                for create in (create for what, _, create in ddl if what == kind):
                    cursor.execute(create)
            cursor.execute(f"ANALYZE {table}")
            for create in (create for what, _, create in ddl if what == "reference"):
                cursor.execute(create)
            self.log(
                f"  {table}: rows {loaded - started:.1f} s, "
                f"indexes {time.perf_counter() - loaded:.1f} s"
            )

    def cleanup(self) -> None:
        self._drop_work_tables()

    def vacuum_donations(self) -> None:
        vacuum_analyze(["funds_donation"])

    def vacuum_people(self) -> None:
        vacuum_analyze(PEOPLE_TABLES)


def repair_summaries() -> None:
    """Rebuild every summary from the records (``verify_rollups --repair``).

    It reports every row it rewrites, which after a load is nearly all of them: the lines
    are dropped.
    """
    call_command("verify_rollups", repair=True, stdout=_Discard())


class _Discard:
    def write(self, text: str) -> None:
        pass


def vacuum_analyze(tables: list[str]) -> None:
    """Set hint bits and the visibility map (index-only scans), and gather statistics.

    Every table when ``tables`` is empty; inside a transaction (tests) only ANALYZE runs.
    """
    names = ", ".join(tables)
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute(f"ANALYZE {names}")
        else:
            cursor.execute(f"VACUUM (ANALYZE) {names}")


def donation_buckets(start: date, today: date) -> Iterator[dict]:
    """Time buckets of donations with their cumulative integer weights.

    Each bucket is a month (days before ``start`` or after ``today`` cut off) or the days of
    a 99 Giving Day; ``cum_lo``/``cum_hi`` bound the bucket's share of ``total``.
    """
    spans = []
    for year in range(start.year, today.year + 1):
        growth = GROWTH ** (year - start.year)
        for month in range(1, 13):
            first, last = _month_span(year, month)
            lo, hi = max(first, start), min(last, today)
            if lo <= hi:
                share = ((hi - lo).days + 1) / ((last - first).days + 1)
                spans.append((lo, hi, growth * SEASON[month] * share, None))
        lo, hi = date(year, 9, 7), min(date(year, 9, 9), today)
        if lo <= hi:
            spans.append((lo, hi, growth * GIVING_DAY_WEIGHT * ((hi - lo).days + 1) / 3, year))
    yield from _cumulative(spans)


def yearly_buckets(start: date, today: date, *, growth: float) -> Iterator[dict]:
    """One bucket a year from ``start`` to ``today``, each year ``growth`` times the last."""
    spans = []
    for year in range(start.year, today.year + 1):
        lo, hi = max(date(year, 1, 1), start), min(date(year, 12, 31), today)
        share = ((hi - lo).days + 1) / 365
        spans.append((lo, hi, growth ** (year - start.year) * share, None))
    yield from _cumulative(spans)


def _cumulative(spans: list[tuple]) -> Iterator[dict]:
    """Integer cumulative weights: rows split by them add up exactly to the whole."""
    weights = [round(weight * 1_000_000) for _, _, weight, _ in spans]
    total, running = sum(weights), 0
    for (lo, hi, _, giving_day), weight in zip(spans, weights, strict=True):
        yield {
            "lo": lo,
            "days": (hi - lo).days + 1,
            "cum_lo": running,
            "cum_hi": running + weight,
            "total": total,
            "giving_day": giving_day,
            "month": lo.strftime("%Y-%m"),
        }
        running += weight


def _month_span(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _local_today() -> date:
    """Today in the portal's time zone, as the database's date constraints see it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT (now() AT TIME ZONE %s)::date", [settings.TIME_ZONE])
        return cursor.fetchone()[0]


def _check_database() -> None:
    """Refuse to empty anything but a benchmark or test database."""
    name = connection.settings_dict["NAME"]
    if "bench" not in name and not name.startswith("test_"):
        raise RuntimeError(
            f"The generator empties the branch, member and donation tables; it runs only on a "
            f"database named like 'bench' (DATABASE_URL=…/bench), not on {name!r}."
        )
