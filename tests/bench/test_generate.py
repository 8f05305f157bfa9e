"""The benchmark generator at a small scale: exact counts, consistent records, exact summaries.

The data set is made once for the module, inside a transaction rolled back at its end;
each test runs in a savepoint of it.
"""

import json
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from bench.generate import SCALES, Generator, Scale, donation_buckets

# Jiangxi, with few townships covered so that the branch target decides the branch count.
SMALL = Scale(
    "test", "36", branches=300, members=3000, volunteers=600, service_records=1800,
    donations=20000, donors=300, projects=4, emergencies_per_year=1, township_coverage=0.05,
    activities=2500,
)  # fmt: skip


@pytest.fixture(scope="module")
def small_data_set(django_db_setup, django_db_blocker):
    """The small data set, made once; rolled back after the module's tests."""
    with django_db_blocker.unblock(), transaction.atomic():
        generator = Generator(SMALL, log=lambda line: None)
        generator.run()
        yield generator
        transaction.set_rollback(True)


@pytest.fixture
def data(small_data_set, db):
    return small_data_set


def scalar(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_generator_fills_every_table_with_the_planned_counts(data):
    reversals = SMALL.donations // 2000  # every 2,000th donation is reversed
    assert scalar("SELECT count(*) FROM orgs_branch") == SMALL.branches
    assert scalar("SELECT count(*) FROM members_member") == SMALL.members
    assert scalar("SELECT count(*) FROM members_volunteer") == SMALL.volunteers
    assert scalar("SELECT count(*) FROM members_servicerecord") == SMALL.service_records
    assert scalar("SELECT count(*) FROM funds_donation") == SMALL.donations + reversals
    assert scalar("SELECT count(*) FROM life_activity") == SMALL.activities


def test_summaries_match_the_records_after_generation(data):
    call_command("verify_rollups", stdout=_Null())  # raises CommandError on any difference


def test_records_carry_their_branch_region_code(data):
    tables = ("members_member", "members_volunteer", "members_volunteerteam", "funds_donation")
    for table in (*tables, "life_activity"):
        assert (
            scalar(
                f"SELECT count(*) FROM {table} t JOIN orgs_branch b ON b.id = t.branch_id "  # noqa: S608 (fixed table names)
                "WHERE t.region_code <> b.region_id"
            )
            == 0
        ), table
    assert (
        scalar(
            "SELECT count(*) FROM members_servicerecord s JOIN members_volunteer v "
            "ON v.id = s.volunteer_id WHERE s.region_code <> v.region_code OR s.team_id <> v.team_id"
        )
        == 0
    )


def test_references_point_at_existing_rows(data):
    # Foreign keys are not checked during the load: every reference must hold by construction.
    assert (
        scalar(
            "SELECT count(*) FROM funds_donation d LEFT JOIN orgs_branch b ON b.id = d.branch_id "
            "LEFT JOIN funds_campaign c ON c.id = d.campaign_id "
            "LEFT JOIN funds_donor o ON o.id = d.donor_id "
            "WHERE b.id IS NULL OR (d.campaign_id IS NOT NULL AND c.id IS NULL) "
            "OR (d.donor_id IS NOT NULL AND o.id IS NULL)"
        )
        == 0
    )
    assert (
        scalar(
            "SELECT count(*) FROM members_volunteer v JOIN members_volunteerteam t "
            "ON t.id = v.team_id WHERE t.branch_id <> v.branch_id"
        )
        == 0
    )


def test_activities_are_held_by_branches_that_exist_since_january_of_last_year(data):
    since = date(data.today.year - 1, 1, 1)
    assert (
        scalar(
            "SELECT count(*) FROM life_activity a JOIN orgs_branch b ON b.id = a.branch_id "
            "WHERE b.status NOT IN ('active', 'dormant') OR a.held_on < b.founded_on "
            "OR a.held_on < %s OR a.held_on > %s",
            [since, data.today],
        )
        == 0
    )
    # Active branches keep ledgers; dormant ones barely.
    per_branch = dict(_rows(
        "SELECT b.status, count(a.id)::numeric / count(DISTINCT b.id) FROM orgs_branch b "
        "LEFT JOIN life_activity a ON a.branch_id = b.id "
        "WHERE b.status IN ('active', 'dormant') GROUP BY 1"
    ))  # fmt: skip
    assert per_branch["active"] > 5 * per_branch["dormant"]


def test_activities_are_mostly_of_the_default_standards_required_kinds_and_few_late(data):
    required = scalar(
        "SELECT count(*) FROM life_activity a JOIN life_requirement r ON r.kind_id = a.kind_id "
        "JOIN orgs_standard s ON s.id = r.standard_id WHERE s.is_default"
    )
    assert scalar("SELECT count(*) FROM life_requirement") == 4
    assert 0.85 < required / SMALL.activities < 0.95
    late = scalar("SELECT count(*) FROM life_activity WHERE late")
    assert 0 < late < 0.1 * SMALL.activities
    assert (
        scalar("SELECT count(*) FROM life_activity WHERE late AND created_at::date - held_on < 30")
        == 0
    )


def test_donors_are_registered_at_the_county_of_the_branch_they_give_to(data):
    assert scalar("SELECT count(*) FROM funds_donation WHERE donor_id IS NOT NULL") > 0
    assert (
        scalar(
            "SELECT count(*) FROM funds_donation d JOIN funds_donor o ON o.id = d.donor_id "
            "WHERE o.region_id <> left(d.region_code, 6)"
        )
        == 0
    )


def test_donations_to_a_campaign_lie_under_its_region(data):
    assert (
        scalar(
            "SELECT count(*) FROM funds_donation d JOIN funds_campaign c ON c.id = d.campaign_id "
            "WHERE d.region_code NOT LIKE c.region_id || '%'"
        )
        == 0
    )


def test_donations_span_five_years_up_to_today(data):
    first, last = (scalar(f"SELECT {f}(received_on) FROM funds_donation") for f in ("min", "max"))  # noqa: S608 (fixed)
    assert first >= date(data.today.year - 4, 1, 1)
    assert last <= data.today
    assert scalar("SELECT count(DISTINCT extract(year FROM received_on)) FROM funds_donation") == 5


def test_giving_day_brings_a_spike_of_online_gifts(data):
    year = data.today.year - 1
    giving_days = scalar(
        "SELECT count(*) FROM funds_donation WHERE received_on BETWEEN %s AND %s",
        [date(year, 9, 7), date(year, 9, 9)],
    )
    week_before = scalar(
        "SELECT count(*) FROM funds_donation WHERE received_on BETWEEN %s AND %s",
        [date(year, 8, 31), date(year, 9, 6)],
    )
    assert giving_days / 3 > 10 * week_before / 7


def test_capital_city_branches_receive_more_donations_than_any_other_citys(data):
    per_city = dict(_rows(
        "SELECT left(b.region_id, 4), count(d.id)::numeric / count(DISTINCT b.id) "
        "FROM orgs_branch b LEFT JOIN funds_donation d ON d.branch_id = b.id "
        "WHERE b.kind = 'township' AND b.status = 'active' GROUP BY 1"
    ))  # fmt: skip
    capital = per_city.pop("3601")  # 南昌市
    assert capital > max(per_city.values())


def test_reversals_cancel_their_originals(data):
    rows = _rows(
        "SELECT r.amount + o.amount, r.branch_id = o.branch_id, r.receipt_no = o.receipt_no || '-R' "
        "FROM funds_donation r JOIN funds_donation o ON o.id = r.reverses_id"
    )
    assert len(rows) == SMALL.donations // 2000
    assert all(total == Decimal("0") and same and suffixed for total, same, suffixed in rows)


def test_replacing_the_donations_leaves_the_other_records(data):
    members = scalar("SELECT count(*) FROM members_member")
    Generator(SMALL, log=lambda line: None).regenerate_donations(4000)
    assert scalar("SELECT count(*) FROM funds_donation WHERE reverses_id IS NULL") == 4000
    assert scalar("SELECT count(*) FROM members_member") == members
    call_command("verify_rollups", stdout=_Null())


def test_generator_refuses_a_database_not_named_for_benchmarks(db, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "portal")
    with pytest.raises(RuntimeError, match="bench"):
        Generator(SMALL, log=lambda line: None).run()


def test_donation_buckets_share_out_the_whole_with_giving_days_a_sixth_of_a_year():
    buckets = list(donation_buckets(date(2022, 1, 1), date(2026, 11, 23)))
    total = buckets[0]["total"]
    assert buckets[0]["cum_lo"] == 0 and buckets[-1]["cum_hi"] == total
    assert all(a["cum_hi"] == b["cum_lo"] for a, b in pairwise(buckets))
    in_2024 = [b for b in buckets if b["lo"].year == 2024]
    share = sum(b["cum_hi"] - b["cum_lo"] for b in in_2024 if b["giving_day"]) / sum(
        b["cum_hi"] - b["cum_lo"] for b in in_2024
    )
    assert 0.12 < share < 0.20


def test_bench_data_command_generates_the_scale_and_writes_its_timings(
    data, monkeypatch, settings, tmp_path
):
    monkeypatch.setitem(SCALES, "small", SMALL)
    settings.BASE_DIR = tmp_path
    call_command("bench_data", scale="small", skip_regions=True, stdout=_Null())
    assert scalar("SELECT count(*) FROM orgs_branch") == SMALL.branches
    [written] = (tmp_path / "bench" / "results").glob("data-small-*.json")
    steps = json.loads(written.read_text())["steps"]
    assert {"branches", "donations", "repair_summaries"} <= set(steps)


def test_bench_data_command_replaces_the_donations_for_the_scaling_check(data):
    call_command("bench_data", donations=3000, stdout=_Null())
    assert scalar("SELECT count(*) FROM funds_donation WHERE reverses_id IS NULL") == 3000


def _rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


class _Null:
    def write(self, *args):
        pass
