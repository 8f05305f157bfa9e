"""Branch-life figures: the held and on-time counts of the rollups equal SQL over the
activities; the branches behind and the compliance per child region equal counts made by
hand, in one query each, in the user's scope."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from life.models import Activity
from life.selectors import branches_behind, compliance_by_child
from life.services import activity_record
from life.summaries import ActivitySummary
from orgs.models import Region
from reports.rollups import region_rollup
from tests.conftest import JIAN, JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

XINGQIAO = "360802100"  # 兴桥镇, a town of 吉州区
DONGGU = "360803201"  # 东固畲族少数民族乡, another township-level unit of 青原区


def held(branch, kind, day, *, late=False):
    """An activity entered on time, or (``late``) long after it was held: the flag as the rule
    decided it at entry (dates of past years entered today would all be late)."""
    activity = activity_record(branch=branch, kind=kind, held_on=day)
    Activity.objects.filter(pk=activity.pk).update(late=late)
    return activity


@pytest.fixture
def activities(council, training):
    """Activities in two counties and two years, some entered late."""
    tianyu, xingqiao = BranchFactory(region_id=TIANYU), BranchFactory(region_id=XINGQIAO)
    county = BranchFactory(region_id=QINGYUAN, kind="county")
    held(tianyu, council, date(2023, 12, 31))
    held(tianyu, council, date(2024, 1, 1))
    held(tianyu, training, date(2024, 2, 1), late=True)
    held(county, council, date(2024, 3, 1))
    held(xingqiao, council, date(2024, 5, 1), late=True)
    return tianyu, xingqiao, county


def sql_counts(prefix: str, year: int | None) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE NOT late) FROM life_activity "
            "WHERE region_code LIKE %s AND (%s::int IS NULL OR extract(year FROM held_on) = %s)",
            [f"{prefix}%", year, year],
        )
        return cursor.fetchone()


@pytest.mark.parametrize(
    ("code", "year"),
    [(JIAN, 2024), (JIAN, 2023), (JIAN, None), (QINGYUAN, 2024), (TIANYU, 2024), (JIZHOU, 2024)],
)
def test_rollup_figures_equal_sql_over_the_activities(activities, code, year):
    rollup = region_rollup(region=Region.objects.get(code=code), year=year)
    figures = rollup.figures
    assert (figures["activities.held"], figures["activities.on_time"]) == sql_counts(code, year)
    for child in rollup.children:
        child_counts = (child.figures["activities.held"], child.figures["activities.on_time"])
        assert child_counts == sql_counts(child.code, year)


def test_the_summary_counts_per_township_and_year_and_follows_deletes(activities, council):
    rows = {
        (r.region_code, r.year): (r.activities, r.on_time) for r in ActivitySummary.objects.all()
    }
    assert rows[TIANYU, 2024] == (2, 1)
    assert rows[TIANYU, 2023] == (1, 1)
    assert rows[QINGYUAN, 2024] == (1, 1)
    Activity.objects.filter(region_code=TIANYU, held_on__year=2024).delete()
    assert ActivitySummary.objects.get(region_code=TIANYU, year=2024).activities == 0


def test_verify_rollups_finds_the_activity_summaries_right(activities):
    out = io.StringIO()
    call_command("verify_rollups", stdout=out)


def test_the_rollup_api_shows_the_figures(api, superuser, activities):
    answer = api(superuser).get(f"/api/v1/regions/{QINGYUAN}/rollup/", {"year": 2024}).json()
    assert answer["activities"] == {"held": 3, "on_time": 2}


# Branches behind and compliance

YEAR_2024 = (date(2024, 1, 1), date(2024, 12, 31))


@pytest.fixture
def compliance(monthly_council, quarterly_training, council, training):
    """天玉: a council every month of 2024 but December, two trainings in Q1 only; 东固 (founded
    in October 2024): October's council; a preparing branch owes nothing."""
    tianyu = BranchFactory(region_id=TIANYU, name="天玉镇红十字会")
    for month in range(1, 12):
        held(tianyu, council, date(2024, month, 10))
    held(tianyu, council, date(2024, 1, 20))  # a second in January makes up no December
    held(tianyu, training, date(2024, 2, 1))
    held(tianyu, training, date(2024, 3, 1))
    donggu = BranchFactory(region_id=DONGGU, name="东固红十字会", founded_on=date(2024, 10, 5))
    held(donggu, council, date(2024, 10, 6))
    BranchFactory(region_id=DONGGU, name="筹备中", status="preparing", founded_on=None)
    BranchFactory(region_id=XINGQIAO, name="兴桥镇红十字会")  # another county: holds nothing
    return tianyu, donggu


def test_branches_behind_per_requirement(county_staff, compliance, django_assert_num_queries):
    tianyu, donggu = compliance
    # 1 the branches of the subtree with their requirements and what they held.
    with django_assert_num_queries(1):
        behind = branches_behind(
            user=county_staff, code=QINGYUAN, start=YEAR_2024[0], end=YEAR_2024[1]
        )
    found = {(b.branch_id, b.kind_name): (b.expected, b.held) for b in behind}
    assert found == {
        (tianyu.pk, "理事会"): (12, 11),
        (tianyu.pk, "培训"): (8, 2),
        (donggu.pk, "理事会"): (3, 1),
        (donggu.pk, "培训"): (2, 0),
    }


def test_a_branch_that_kept_up_is_not_behind(county_staff, compliance):
    january = branches_behind(
        user=county_staff, code=TIANYU, start=date(2024, 1, 1), end=date(2024, 1, 31)
    )
    # January's council is held; the quarter a window touches is owed and counted whole:
    # Q1's two trainings were held in February and March.
    assert [(b.kind_name, b.expected, b.held) for b in january] == []


def test_branches_behind_are_only_those_the_user_sees(outsider, compliance):
    assert branches_behind(user=outsider, code=QINGYUAN, start=YEAR_2024[0], end=YEAR_2024[1]) == []
    behind = branches_behind(user=outsider, code=JIZHOU, start=YEAR_2024[0], end=YEAR_2024[1])
    assert {b.kind_name: (b.expected, b.held) for b in behind} == {
        "理事会": (12, 0),
        "培训": (8, 0),
    }


def test_compliance_per_child_region(county_staff, compliance, django_assert_num_queries):
    # 1 the same query as the branches behind, grouped here by child region.
    with django_assert_num_queries(1):
        rates = compliance_by_child(user=county_staff, code=QINGYUAN, year=2024)
    by_code = {c.code: (c.name, c.expected, c.held, c.rate) for c in rates}
    assert by_code[TIANYU][1:3] == (20, 13)
    assert str(by_code[TIANYU][3]) == "0.6500"
    assert by_code[DONGGU][1:] == (5, 1, Decimal("0.2000"))
    assert set(by_code) == {TIANYU, DONGGU}


def test_compliance_of_a_year_counts_up_to_today(county_staff, compliance):
    this_year = timezone.localdate().year
    rates = compliance_by_child(user=county_staff, code=QINGYUAN, year=this_year + 1)
    assert all(c.expected == 0 and c.rate is None for c in rates)


def test_compliance_query_stays_one_with_twice_the_branches(
    county_staff, compliance, council, django_assert_num_queries
):
    for n in range(4):
        held(BranchFactory(region_id=DONGGU, name=f"新组织{n}"), council, date(2024, 11, 1))
    with django_assert_num_queries(1):
        compliance_by_child(user=county_staff, code=QINGYUAN, year=2024)


def test_the_citys_dashboard_shows_each_countys_compliance_and_the_provinces_does_not(
    client, city_official, superuser, monthly_council, council
):
    """A monthly council meeting owed by two branches founded before last year: 24 owed in
    青原区; 天玉镇's branch held 5 months (two meetings in March count once), 东固's 1."""
    year = timezone.localdate().year - 1
    tianyu = BranchFactory(region_id=TIANYU, founded_on=date(2019, 1, 1))
    donggu = BranchFactory(region_id=DONGGU, founded_on=date(2019, 1, 1))
    for month, day in ((1, 5), (2, 5), (3, 5), (3, 20), (4, 5), (5, 5)):
        held(tianyu, council, date(year, month, day))
    held(donggu, council, date(year, 6, 1))
    client.force_login(city_official)
    html = client.get(f"/regions/{JIAN}/", {"year": year}).content.decode()
    row = html.split(f'data-life="{QINGYUAN}"')[1].split("</tr>")[0]
    cells = {
        name: row.split(f'data-cell="{name}">')[1].split("<")[0]
        for name in ("owed", "held-required", "compliance")
    }
    assert cells == {"owed": "24", "held-required": "6", "compliance": "25%"}
    client.force_login(superuser)
    html = client.get("/regions/36/", {"year": year}).content.decode()
    assert 'data-cell="compliance"' not in html
    assert "规定活动完成率在市级及以下区划的概览中显示" in html
