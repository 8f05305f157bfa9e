"""The benchmark data set, generated inside PostgreSQL: branches, members, volunteers, donations.

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

from django.conf import settings
from django.core.management import call_command, get_commands
from django.db import connection, transaction

#: Tables the generator empties and fills; summary tables are rebuilt from them afterwards.
#: Tables loaded beside the donations, on the second connection.
PEOPLE_TABLES = [
    "members_member",
    "members_volunteerteam",
    "members_volunteer",
    "members_servicerecord",
    "orgs_assessment",
    "orgs_assessment_items_met",
]
GENERATED_TABLES = [
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


SCALES = {
    "national": Scale(
        "national", "", 100_000, 5_000_000, 1_000_000, 3_000_000, 20_000_000, 500_000, 250, 3
    ),
    "province": Scale("province", "36", 5_000, 250_000, 50_000, 150_000, 1_000_000, 25_000, 15, 1),
}


class Generator:
    """Runs the steps on one connection and keeps their timings."""

    def __init__(self, scale: Scale, *, log: Callable[[str], None] = print):
        self.scale = scale
        self.log = log
        self.timings: dict[str, float] = {}
        self.today = _local_today()
        self.start = date(self.today.year - YEARS + 1, 1, 1)

    def run(self, *, repair: bool = True, parallel: bool = True) -> dict[str, float]:
        """Empty the generated tables and fill them; rebuild the summaries; return timings.

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
        self._drop_helper_tables()
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
        names = ", ".join(GENERATED_TABLES)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        self._drop_helper_tables()

    def _drop_helper_tables(self) -> None:
        with connection.cursor() as cursor:
            for table in HELPER_TABLES:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def branches(self) -> None:
        scale = self.scale
        with self.bulk("orgs_branch") as cursor:
            cursor.execute(BRANCH_PLAN, self.params(coverage=scale.township_coverage))
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
        self._drop_helper_tables()

    def vacuum_donations(self) -> None:
        vacuum_analyze(["funds_donation"])

    def vacuum_people(self) -> None:
        vacuum_analyze(PEOPLE_TABLES)


def generate(scale: Scale, *, log: Callable[[str], None] = print, **options) -> dict[str, float]:
    """Generate the data set of ``scale`` in the default database; return the step timings."""
    return Generator(scale, log=log).run(**options)


def repair_summaries() -> None:
    """Rebuild every summary from the records (``verify_rollups --repair``), when it exists.

    It reports every row it rewrites, which after a load is nearly all of them: the lines
    are dropped.
    """
    if "verify_rollups" in get_commands():
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


#: Drop and re-create statements of a table's indexes (the constraints they back included)
#: and of the foreign keys that reference it, the foreign keys first.
INDEXES_AND_REFERENCES = """
SELECT 'reference',
       'ALTER TABLE ' || c.conrelid::regclass::text || ' DROP CONSTRAINT ' || quote_ident(c.conname),
       'ALTER TABLE ' || c.conrelid::regclass::text || ' ADD CONSTRAINT ' || quote_ident(c.conname)
           || ' ' || pg_get_constraintdef(c.oid)
  FROM pg_constraint c
 WHERE c.contype = 'f' AND c.confrelid = %(table)s::regclass
UNION ALL
SELECT CASE WHEN i.indisprimary THEN 'primary' ELSE 'index' END,
       CASE WHEN c.oid IS NULL THEN 'DROP INDEX ' || i.indexrelid::regclass::text
            ELSE 'ALTER TABLE ' || i.indrelid::regclass::text
                 || ' DROP CONSTRAINT ' || quote_ident(c.conname) END,
       CASE WHEN c.oid IS NULL THEN pg_get_indexdef(i.indexrelid)
            ELSE 'ALTER TABLE ' || i.indrelid::regclass::text || ' ADD CONSTRAINT '
                 || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid) END
  FROM pg_index i
  LEFT JOIN pg_constraint c
    ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')
 WHERE i.indrelid = %(table)s::regclass
"""

HELPER_TABLES = [
    "bench_branch_plan",
    "bench_alloc",
    "bench_giving_day",
    "bench_emergency",
    "bench_donor_range",
    "bench_team",
]

# A number in [0, 1) from a text: deterministic "randomness" for weights that must not change
# between runs (which cities are big).
HASH01 = "(('x' || substr(md5({}), 1, 8))::bit(32)::bigint / 4294967296.0)"

BRANCH_PLAN = """
CREATE UNLOGGED TABLE bench_branch_plan AS
SELECT code AS region_id, level AS kind FROM orgs_region
 WHERE code LIKE %(prefix)s AND level IN ('province', 'city', 'county')
UNION ALL
SELECT code, 'township' FROM orgs_region
 WHERE code LIKE %(prefix)s AND level = 'township' AND kind <> 'special'
   AND {h} < %(coverage)s
""".format(h=HASH01.format("'township' || code"))

COMMUNITY_PLAN = """
INSERT INTO bench_branch_plan
SELECT code, 'community' FROM orgs_region
 WHERE code LIKE %(prefix)s AND level = 'community'
 ORDER BY md5('community' || code) LIMIT %(n)s
"""

# Sectoral branches (schools, enterprises, ...) at random townships, more in big ones: picked
# from an array of township codes, so each pick is one array subscript.
SECTORAL_PLAN = """
WITH t AS (
    SELECT array_agg(code ORDER BY code) AS codes FROM orgs_region
     WHERE code LIKE %(prefix)s AND level IN ('county', 'township')
)
INSERT INTO bench_branch_plan
SELECT t.codes[1 + floor(random() * cardinality(t.codes))::int],
       CASE WHEN r < 0.55 THEN 'school' WHEN r < 0.62 THEN 'enterprise'
            WHEN r < 0.69 THEN 'hospital' WHEN r < 0.70 THEN 'scenic_area' ELSE 'other' END
  FROM t, (SELECT random() AS r FROM generate_series(1, %(n)s)) picks
"""

# Territorial branches above townships are all active; the others are sometimes preparing,
# dormant ("shell" branches) or dissolved. Names are unique at their region by construction.
BRANCH_INSERT = """
INSERT INTO orgs_branch (created_at, updated_at, name, region_id, kind, status, rating,
                         founded_on, dissolved_on, first_congress_on, supervisory_board_on,
                         bodies_complete, address, phone, note)
SELECT now(), now(), name, region_id, kind, status,
       CASE WHEN r2 < 0.05 THEN 'model' WHEN r2 < 0.10 THEN 'weak' ELSE 'normal' END,
       founded_on,
       CASE WHEN status = 'dissolved'
            THEN founded_on + floor(r3 * (%(today)s::date - founded_on))::int END,
       CASE WHEN r3 < 0.7 THEN founded_on + 30 END,
       CASE WHEN r3 < 0.5 THEN founded_on + 60 END,
       r3 < 0.4, '', '', ''
  FROM (
    SELECT p.region_id, p.kind, reg.name || CASE p.kind
               WHEN 'school' THEN '第' || n || '中学红十字会'
               WHEN 'enterprise' THEN '企业' || n || '红十字会'
               WHEN 'hospital' THEN '第' || n || '人民医院红十字会'
               WHEN 'scenic_area' THEN '景区' || n || '红十字会'
               WHEN 'other' THEN '社会组织' || n || '红十字会'
               ELSE '红十字会' END AS name,
           CASE WHEN p.kind IN ('province', 'city', 'county') OR r1 < 0.85 THEN 'active'
                WHEN r1 < 0.93 THEN 'dormant' WHEN r1 < 0.97 THEN 'preparing'
                ELSE 'dissolved' END AS status,
           DATE '2005-01-01' + floor(r2 * (DATE '2021-12-31' - DATE '2005-01-01'))::int
               AS founded_on,
           r2, r3
      FROM (SELECT *, row_number() OVER () AS n, random() AS r1, random() AS r2,
                   random() AS r3
              FROM bench_branch_plan) p
      JOIN orgs_region reg ON reg.code = p.region_id
  ) b
 ORDER BY region_id, kind, name
"""

# Integer weights per branch and the exact share of every table's rows: a branch gets
# floor(N * cum / total) - floor(N * (cum - w) / total), which adds up to N exactly.
ALLOCATION = """
CREATE UNLOGGED TABLE bench_alloc AS
WITH f AS (
    SELECT b.id AS branch_id, b.region_id, left(b.region_id, 2) AS province,
           left(b.region_id, 6) AS county, b.kind, b.status,
           0.5 + {province_hash} AS pf,
           CASE WHEN length(b.region_id) < 4 THEN 1
                WHEN substr(b.region_id, 3, 2) = '01' THEN 4
                ELSE 0.3 + 3 * power({city_hash}, 3) END AS cf,
           CASE b.status WHEN 'active' THEN 10 WHEN 'preparing' THEN 2
                WHEN 'dormant' THEN 1 ELSE 0 END AS sf
      FROM orgs_branch b
), w AS (
    SELECT f.*,
           round(100 * pf * cf * sf * CASE kind
               WHEN 'province' THEN 40 WHEN 'city' THEN 20 WHEN 'county' THEN 10
               WHEN 'township' THEN 3 WHEN 'enterprise' THEN 4 WHEN 'hospital' THEN 2
               WHEN 'scenic_area' THEN 2 ELSE 1 END)::numeric AS w_money,
           round(100 * pf * sqrt(cf) * sf * CASE kind
               WHEN 'province' THEN 5 WHEN 'city' THEN 5 WHEN 'county' THEN 10
               WHEN 'township' THEN 20 WHEN 'community' THEN 6 WHEN 'school' THEN 8
               WHEN 'enterprise' THEN 4 WHEN 'hospital' THEN 4 WHEN 'scenic_area' THEN 2
               ELSE 3 END)::numeric AS w_people
      FROM f
), c AS (
    SELECT w.*,
           sum(w_money) OVER (ORDER BY branch_id) AS cm, sum(w_money) OVER () AS tm,
           sum(w_people) OVER (ORDER BY branch_id) AS cp, sum(w_people) OVER () AS tp
      FROM w
)
SELECT branch_id, region_id, province, county, kind, status, w_money, w_people,
       (div(%(donations)s * cm, tm) - div(%(donations)s * (cm - w_money), tm))::bigint
           AS donations,
       (div(%(donors)s * cm, tm) - div(%(donors)s * (cm - w_money), tm))::bigint AS donors,
       (div(%(members)s * cp, tp) - div(%(members)s * (cp - w_people), tp))::bigint
           AS members,
       (div(%(volunteers)s * cp, tp) - div(%(volunteers)s * (cp - w_people), tp))::bigint
           AS volunteers
  FROM c
""".format(  # noqa: S608 (fixed SQL fragments, no input)
    province_hash=HASH01.format("left(b.region_id, 2)"),
    city_hash=HASH01.format("left(b.region_id, 4)"),
)

GIVING_DAY_CAMPAIGNS = """
INSERT INTO funds_campaign (created_at, updated_at, name, kind, region_id, starts_on, ends_on,
                            target_amount, description)
SELECT now(), now(), y || '年99公益日·' || p.name, 'giving_day', p.code,
       make_date(y, 9, 7), make_date(y, 9, 9), 10000000, '腾讯公益99公益日网络募捐'
  FROM orgs_region p, unnest(%(years)s::int[]) y
 WHERE p.level = 'province' AND p.code LIKE %(prefix)s AND make_date(y, 9, 7) <= %(today)s
"""

# A few summer flood appeals a year, each at one province for one month.
EMERGENCY_CAMPAIGNS = """
INSERT INTO funds_campaign (created_at, updated_at, name, kind, region_id, starts_on, ends_on,
                            target_amount, description)
SELECT now(), now(), y || '年' || p.name || '防汛救灾募捐', 'emergency', p.code,
       make_date(y, 6 + (abs(hashtext(y || p.code)) %% 3), 1),
       (make_date(y, 6 + (abs(hashtext(y || p.code)) %% 3), 1) + interval '1 month - 1 day')::date,
       NULL, '防汛救灾紧急募捐'
  FROM unnest(%(years)s::int[]) y
 CROSS JOIN LATERAL (
    SELECT code, name FROM orgs_region
     WHERE level = 'province' AND code LIKE %(prefix)s
     ORDER BY md5(y || code) LIMIT %(n)s
 ) p
 WHERE make_date(y, 6 + (abs(hashtext(y || p.code)) %% 3), 1) <= %(today)s
"""

PROJECT_CAMPAIGNS = """
INSERT INTO funds_campaign (created_at, updated_at, name, kind, region_id, starts_on, ends_on,
                            target_amount, description)
SELECT now(), now(),
       name || CASE WHEN n %% 2 = 0 THEN '老人幸福餐桌' ELSE '爱心助学' END, 'project', code,
       %(start)s::date - 365, NULL, 500000, '县级慈善项目'
  FROM (SELECT code, name, row_number() OVER () AS n FROM orgs_region
         WHERE level = 'county' AND code LIKE %(prefix)s
         ORDER BY md5('project' || code) LIMIT %(n)s) c
"""

CAMPAIGN_LOOKUPS = """
CREATE UNLOGGED TABLE bench_giving_day AS
SELECT region_id AS province, extract(year FROM starts_on)::int AS year, id AS campaign_id
  FROM funds_campaign WHERE kind = 'giving_day';
CREATE UNLOGGED TABLE bench_emergency AS
SELECT region_id AS province, to_char(starts_on, 'YYYY-MM') AS month, id AS campaign_id
  FROM funds_campaign WHERE kind = 'emergency';
ALTER TABLE bench_alloc ADD COLUMN project_id bigint;
UPDATE bench_alloc a SET project_id = c.id
  FROM funds_campaign c WHERE c.kind = 'project' AND c.region_id = a.county;
"""

# Donors registered at the county of the branches they give to, in county order, so that a
# county's donors have consecutive ids and a donation picks one with a single addition.
DONOR_INSERT = """
INSERT INTO funds_donor (created_at, updated_at, kind, name, region_id, identifier, phone,
                         address)
SELECT now(), now(), kind,
       CASE kind WHEN 'individual' THEN {name}
                 WHEN 'enterprise' THEN county_name || '实业有限公司' || g
                 WHEN 'chamber' THEN county_name || '商会' || g
                 ELSE county_name || '爱心协会' || g END,
       county, '', '', ''
  FROM (
    SELECT k.county, reg.name AS county_name, g,
           CASE WHEN r < 0.70 THEN 'individual' WHEN r < 0.90 THEN 'enterprise'
                WHEN r < 0.93 THEN 'chamber' ELSE 'organization' END AS kind, r1, r2
      FROM (
        SELECT d.county, g, random() AS r, random() AS r1, random() AS r2
          FROM (SELECT county, sum(donors)::int AS n FROM bench_alloc
                 WHERE length(county) = 6 GROUP BY county) d
         CROSS JOIN LATERAL generate_series(1, d.n) g
      ) k
      JOIN orgs_region reg ON reg.code = k.county
  ) x
 ORDER BY county, g
"""

DONOR_RANGES = """
CREATE UNLOGGED TABLE bench_donor_range AS
SELECT region_id AS county, min(id) AS lo, count(*) AS n FROM funds_donor GROUP BY region_id;
ALTER TABLE bench_alloc ADD COLUMN donor_lo bigint, ADD COLUMN donor_n bigint;
UPDATE bench_alloc a SET donor_lo = d.lo, donor_n = d.n
  FROM bench_donor_range d WHERE d.county = a.county;
ANALYZE bench_alloc;
"""

# Chinese names from a surname and one or two given-name characters.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉红玉兰春梅海波志"
NAME_SQL = (
    f"substr('{SURNAMES}', 1 + floor(r1 * {len(SURNAMES)})::int, 1) "
    f"|| substr('{GIVEN}', 1 + floor(r2 * {len(GIVEN)})::int, 1) "
    f"|| CASE WHEN r1 < 0.6 THEN substr('{GIVEN}', 1 + floor(r1 * r2 * {len(GIVEN)})::int, 1)"
    " ELSE '' END"
)
DONOR_INSERT = DONOR_INSERT.format(name=NAME_SQL)

# A time bucket's share of every branch: floor(n * cum_hi / total) - floor(n * cum_lo / total).
BUCKET_SHARE = "(({n} * %(cum_hi)s::bigint / %(total)s) - ({n} * %(cum_lo)s::bigint / %(total)s))"

MEMBER_INSERT = """
INSERT INTO members_member (created_at, updated_at, branch_id, region_code, kind, name, gender,
                            id_number, phone, occupation, joined_on, left_on, leave_reason)
SELECT now(), now(), branch_id, region_id,
       CASE WHEN r3 < 0.03 THEN 'unit' ELSE 'individual' END,
       CASE WHEN r3 < 0.03 THEN '会员单位' || branch_id || '-' || g ELSE {name} END,
       CASE WHEN r3 < 0.03 THEN '' WHEN r1 < 0.5 THEN 'male' ELSE 'female' END,
       '', '13' || lpad(floor(r2 * 1e9)::bigint::text, 9, '0'), '',
       joined_on, left_on, CASE WHEN left_on IS NULL THEN '' ELSE '工作调动，迁出本地' END
  FROM (
    SELECT k.*,
           CASE WHEN r3 > 0.92
                THEN joined_on + floor((r3 - 0.92) / 0.08 * (%(today)s::date - joined_on))::int
           END AS left_on
      FROM (
        SELECT a.branch_id, a.region_id, g, random() AS r1, random() AS r2, random() AS r3,
               %(lo)s::date + floor(random() * %(days)s)::int AS joined_on
          FROM bench_alloc a
         CROSS JOIN LATERAL generate_series(1, {share}) g
      ) k
  ) m
 ORDER BY joined_on
""".format(name=NAME_SQL, share=BUCKET_SHARE.format(n="a.members"))  # noqa: S608 (fixed SQL fragments, no input)

SERVICE_TYPES = [
    ("emergency", "应急救护"),
    ("three_donations", "三献宣传"),
    ("elderly_care", "养老服务"),
    ("caring", "关爱帮困"),
    ("arts", "文艺服务"),
    ("public_affairs", "公共事务"),
    ("legal_mediation", "法治调解"),
]
_TYPE_CODES = "ARRAY[" + ", ".join(f"'{code}'" for code, _ in SERVICE_TYPES) + "]"
_TYPE_NAMES = "ARRAY[" + ", ".join(f"'{name}'" for _, name in SERVICE_TYPES) + "]"

# Teams of about 35 volunteers, at least one for every branch with volunteers.
TEAMS = "ceil(a.volunteers / 35.0)::int"
TEAM_INSERT = f"""
INSERT INTO members_volunteerteam (created_at, updated_at, branch_id, region_code, name,
                                   service_type, founded_on, unified_name, unified_insignia,
                                   unified_uniform, unified_service, commitment_signed,
                                   managed_online)
SELECT now(), now(), a.branch_id, a.region_id,
       ({_TYPE_NAMES})[1 + (a.branch_id + t) %% 7] || '志愿服务队' || t,
       ({_TYPE_CODES})[1 + (a.branch_id + t) %% 7],
       %(start)s::date - 365 - floor(r * 3000)::int,
       r < 0.9, r < 0.8, r < 0.7, r < 0.8, r < 0.6, r < 0.5
  FROM (
    SELECT a.branch_id, a.region_id, t, random() AS r
      FROM bench_alloc a
     CROSS JOIN LATERAL generate_series(1, {TEAMS}) t
     WHERE a.volunteers > 0
  ) a
 ORDER BY a.branch_id, t
"""  # noqa: S608 (fixed SQL fragments, no input)

TEAM_LOOKUP = """
CREATE UNLOGGED TABLE bench_team AS
SELECT id AS team_id, branch_id, row_number() OVER (PARTITION BY branch_id ORDER BY id) AS no
  FROM members_volunteerteam;
CREATE INDEX ON bench_team (branch_id, no);
ANALYZE bench_team;
"""

VOLUNTEER_INSERT = """
INSERT INTO members_volunteer (created_at, updated_at, branch_id, team_id, region_code, name,
                               gender, id_number, phone, registered_on, status)
SELECT now(), now(), v.branch_id, t.team_id, v.region_id, {name},
       CASE WHEN r1 < 0.45 THEN 'male' ELSE 'female' END, '',
       '15' || lpad(floor(r2 * 1e9)::bigint::text, 9, '0'), v.registered_on,
       CASE WHEN r4 < 0.9 THEN 'active' ELSE 'inactive' END
  FROM (
    SELECT a.branch_id, a.region_id, 1 + floor(random() * {teams})::int AS team_no,
           random() AS r1, random() AS r2, random() AS r4,
           %(lo)s::date + floor(random() * %(days)s)::int AS registered_on
      FROM bench_alloc a
     CROSS JOIN LATERAL generate_series(1, {share}) g
  ) v
  JOIN bench_team t ON t.branch_id = v.branch_id AND t.no = v.team_no
 ORDER BY v.registered_on
""".format(name=NAME_SQL, share=BUCKET_SHARE.format(n="a.volunteers"), teams=TEAMS)  # noqa: S608 (fixed SQL fragments, no input)

# Records shared out by a small integer weight per volunteer (1 to 6), served between the
# volunteer's registration (or the window's start) and today; most are approved.
SERVICE_RECORD_INSERT = """
INSERT INTO members_servicerecord (created_at, updated_at, volunteer_id, team_id, region_code,
                                   served_on, hours, activity, status, reviewed_at)
SELECT now(), now(), volunteer_id, team_id, region_code, served_on,
       (1 + floor(r1 * 16)) / 2.0,
       (ARRAY['应急救护培训', '无偿献血宣传', '敬老院探访', '社区义诊', '防汛值守',
              '文艺演出', '法律咨询'])[1 + floor(r2 * 7)::int],
       CASE WHEN r3 < 0.85 THEN 'approved' WHEN r3 < 0.95 THEN 'pending' ELSE 'declined' END,
       CASE WHEN r3 < 0.85 OR r3 >= 0.95
            THEN least(now(), (served_on + interval '2 days 10 hours') AT TIME ZONE %(tz)s) END
  FROM (
    SELECT v.id AS volunteer_id, v.team_id, v.region_code,
           random() AS r1, random() AS r2, random() AS r3,
           greatest(v.registered_on, %(start)s::date) + floor(random() * (%(today)s::date
               - greatest(v.registered_on, %(start)s::date) + 1))::int AS served_on
      FROM (
        SELECT id, team_id, region_code, registered_on, 1 + id %% 6 AS w,
               sum(1 + id %% 6) OVER (ORDER BY id) AS cum, sum(1 + id %% 6) OVER () AS total
          FROM members_volunteer
      ) v
     CROSS JOIN LATERAL generate_series(1,
         (div(%(n)s * v.cum, v.total) - div(%(n)s * (v.cum - v.w), v.total))::int) g
  ) s
 ORDER BY served_on
"""

# Most branches that exist have been assessed against the default "six haves" standard.
ASSESSMENT_INSERT = """
INSERT INTO orgs_assessment (created_at, updated_at, branch_id, standard_id, assessed_on,
                             met_count, item_count, note)
SELECT now(), now(), b.id, s.id, %(today)s::date - floor(random() * 365)::int,
       3 + floor(random() * 4)::int, (SELECT count(*) FROM orgs_standarditem i
                                       WHERE i.standard_id = s.id), ''
  FROM orgs_branch b, orgs_standard s
 WHERE s.is_default AND b.status <> 'dissolved' AND random() < 0.8
 ORDER BY b.id
"""

ASSESSMENT_ITEMS_INSERT = """
INSERT INTO orgs_assessment_items_met (assessment_id, standarditem_id)
SELECT a.id, i.id FROM orgs_assessment a
  JOIN orgs_standarditem i ON i.standard_id = a.standard_id AND i.number <= a.met_count
"""

# One time bucket of donations: each branch's share, on random days of the bucket, in date
# order (the order records arrive in). On a Giving Day most gifts are small online gifts to
# the province's Giving Day campaign; other days bring bank transfers, cash, goods, flood
# appeals in their month and the county's charity project.
DONATION_INSERT = """
INSERT INTO funds_donation (created_at, updated_at, branch_id, region_code, donor_id,
                            campaign_id, kind, amount, in_kind_description, channel,
                            received_on, receipt_no, designated, designation, matching, reason,
                            note)
SELECT stamp, stamp, branch_id, region_id,
       CASE WHEN r_donor < 0.5 AND donor_n > 0
            THEN donor_lo + floor(r_donor * 2 * donor_n)::bigint END,
       CASE WHEN %(giving_day)s::int IS NOT NULL AND r_campaign < 0.9 THEN giving_day_id
            WHEN emergency_id IS NOT NULL AND r_campaign < 0.4 THEN emergency_id
            WHEN r_campaign BETWEEN 0.4 AND 0.65 THEN project_id END,
       CASE WHEN in_kind THEN 'in_kind' ELSE 'cash' END,
       CASE WHEN %(giving_day)s::int IS NOT NULL
            THEN least(round((10 * power(1 - r_amount, -0.8))::numeric, 2), 200000)
            WHEN in_kind THEN round((500 + 100000 * power(r_amount, 3))::numeric, 2)
            ELSE least(round((20 * power(1 - r_amount, -0.8))::numeric, 2), 2000000) END,
       CASE WHEN in_kind THEN '口罩 ' || (100 * (1 + floor(r_amount * 100))) || ' 只' ELSE '' END,
       CASE WHEN in_kind THEN 'goods' WHEN %(giving_day)s::int IS NOT NULL THEN 'online'
            WHEN r_channel < 0.45 THEN 'online' WHEN r_channel < 0.8 THEN 'bank'
            ELSE 'cash' END,
       received_on,
       'B' || %(bucket)s || '-' || branch_id || '-' || g,
       designated, CASE WHEN designated THEN '定向用于困难群众救助' ELSE '' END, false, '', ''
  FROM (
    SELECT k.*, gd.campaign_id AS giving_day_id, e.campaign_id AS emergency_id,
           k.r_kind < 0.03 AND %(giving_day)s::int IS NULL AS in_kind,
           k.r_kind BETWEEN 0.03 AND 0.13 AS designated,
           (k.received_on + interval '1 hour' + k.r_channel * interval '10 hours')::timestamptz
               AS stamp
      FROM (
        SELECT a.branch_id, a.region_id, a.province, a.donor_lo, a.donor_n, a.project_id, g,
               random() AS r_donor, random() AS r_campaign, random() AS r_kind,
               random() AS r_amount, random() AS r_channel,
               %(lo)s::date + floor(random() * %(days)s)::int AS received_on
          FROM bench_alloc a
         CROSS JOIN LATERAL generate_series(1, {share}) g
      ) k
      LEFT JOIN bench_giving_day gd
        ON gd.province = k.province AND gd.year = %(giving_day)s::int
      LEFT JOIN bench_emergency e ON e.province = k.province AND e.month = %(month)s
  ) d
 ORDER BY received_on
""".format(share=BUCKET_SHARE.format(n="a.donations"))  # noqa: S608 (fixed SQL fragments, no input)

# Reversal entries: the negative of every REVERSAL_EVERY-th donation, a few days later.
REVERSAL_INSERT = """
INSERT INTO funds_donation (created_at, updated_at, branch_id, region_code, donor_id,
                            campaign_id, kind, amount, in_kind_description, channel,
                            received_on, receipt_no, designated, designation, matching, reason,
                            note, reverses_id)
SELECT created_at + interval '3 days', created_at + interval '3 days', branch_id, region_code,
       donor_id, campaign_id, kind, -amount, in_kind_description, channel,
       least(received_on + 3, %(today)s::date), receipt_no || '-R', designated, designation,
       matching, '重复录入，予以冲销', '', id
  FROM funds_donation
 WHERE id IN (SELECT generate_series(%(every)s::bigint, max(id), %(every)s) FROM funds_donation)
 ORDER BY id
"""
