"""Rollups ``on=<date>``: the structural figures (branches, coverage) and the children of a
past day, against hand-built histories: a township merged into its neighbour in the middle of
a year, its branch moved with the merger's date in force; a branch founded later; one
dissolved in between; one recorded years after its founding."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from core.context import write_context
from funds.services import donation_record
from orgs.choices import BranchKind, BranchStatus
from orgs.models import Branch, Region
from orgs.services import branch_dissolve
from reports.rollups import region_rollup, tree_changed_since
from tests.conftest import JIAN, QINGYUAN, TIANYU
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

MERGED_ON = datetime.date(2024, 6, 30)
BEFORE, AFTER = datetime.date(2023, 12, 31), datetime.date(2024, 12, 31)


def township(rollup, level="township"):
    return rollup.figures["coverage"][level]


def child(rollup, code):
    return next((c for c in rollup.children if c.code == code), None)


@pytest.fixture
def merger():
    """天玉镇 merges into 值夏镇 on 2024-06-30; its branch follows on that date (the write
    is made today and names the date in force, as a region vintage does)."""
    zhixia = Region.objects.get(parent_id=QINGYUAN, name="值夏镇")
    tianyu_branch = BranchFactory(name="天玉镇红十字会", region_id=TIANYU)
    zhixia_branch = BranchFactory(name="值夏镇红十字会", region_id=zhixia.code)
    with write_context(source="system", reason="区划代码版本 2024", effective_on=MERGED_ON):
        Region.objects.filter(code=TIANYU).update(valid_to=MERGED_ON)
        Branch.objects.filter(pk=tianyu_branch.pk).update(region_id=zhixia.code)
    return zhixia, tianyu_branch, zhixia_branch


def test_before_the_merger_both_townships_count_and_are_covered(merger):
    zhixia, *_ = merger
    county = Region.objects.get(code=QINGYUAN)
    today = region_rollup(region=county)
    before = region_rollup(region=county, on=BEFORE)

    assert township(before).total == township(today).total + 1
    assert township(before).covered == 2 and township(today).covered == 1
    assert child(before, TIANYU).figures["branches.active"] == 1
    assert child(before, zhixia.code).figures["branches.active"] == 1
    # Today both branches are 值夏镇's; closed 天玉镇 holds none.
    assert child(today, TIANYU).figures["branches.active"] == 0
    assert child(today, zhixia.code).figures["branches.active"] == 2
    assert before.figures["branches.active"] == today.figures["branches.active"] == 2


def test_the_move_counts_from_its_date_in_force_not_from_the_day_it_was_written(merger):
    zhixia, *_ = merger
    county = Region.objects.get(code=QINGYUAN)
    eve = region_rollup(region=county, on=MERGED_ON - datetime.timedelta(days=1))
    after = region_rollup(region=county, on=AFTER)
    assert child(eve, TIANYU).figures["branches.active"] == 1
    assert child(after, TIANYU) is None
    assert child(after, zhixia.code).figures["branches.active"] == 2
    assert township(after).covered == 1
    assert township(after).total == township(region_rollup(region=county)).total


def test_a_branch_counts_from_its_founding_and_stops_counting_active_when_dissolved(
    county_staff,
):
    founded_later = BranchFactory(founded_on=datetime.date(2025, 3, 1))
    dissolved = BranchFactory(founded_on=datetime.date(2018, 1, 1))
    branch_dissolve(branch=dissolved, dissolved_on=datetime.date(2024, 3, 1), user=county_staff)
    # Recorded today, founded in 2010: it existed in 2023.
    old = BranchFactory(founded_on=datetime.date(2010, 1, 1))
    county = Region.objects.get(code=QINGYUAN)

    before, after = (region_rollup(region=county, on=day) for day in (BEFORE, AFTER))
    assert before.figures["branches.total"] == 2  # the dissolved one (then active), the old
    assert before.figures["branches.active"] == 2
    assert after.figures["branches.total"] == 1  # the old one: the new is not yet founded
    assert after.figures["branches.active"] == 1
    today = region_rollup(region=county)
    assert today.figures["branches.active"] == 2  # the old one and the one founded in 2025
    assert {founded_later.pk, old.pk} == set(
        Branch.objects.filter(status=BranchStatus.ACTIVE).values_list("pk", flat=True)
    )


def test_on_today_gives_the_summaries_figures(merger, county_staff):
    """The records read on today's date agree with the summary tables kept by the triggers."""
    zhixia, *_ = merger
    BranchFactory(region_id=QINGYUAN, kind=BranchKind.COUNTY, name="青原区红十字会")
    village = Region.objects.filter(parent_id=zhixia.code, kind="village").first()
    BranchFactory(region_id=village.code, kind=BranchKind.COMMUNITY, name="村红十字会")
    for region in (Region.objects.get(code=JIAN), Region.objects.get(code=QINGYUAN), None):
        summaries = region_rollup(region=region)
        records = region_rollup(region=region, on=datetime.date.today())
        for name in ("branches.total", "branches.active", "branches.by_kind", "coverage"):
            assert records.figures[name] == summaries.figures[name], name
        # A day's children are the units in force that day; today's list keeps closed ones.
        in_force = [c for c in summaries.children if c.code != TIANYU]
        assert [c.code for c in records.children] == [c.code for c in in_force]
        for ours, theirs in zip(records.children, in_force, strict=True):
            assert ours.figures["coverage"] == theirs.figures["coverage"], ours.code


def test_money_stays_with_the_branchs_region_of_today(merger):
    zhixia, tianyu_branch, _ = merger
    donation_record(
        branch=tianyu_branch,
        amount="500",
        channel="bank",
        received_on=datetime.date(2023, 5, 1),
    )
    county = Region.objects.get(code=QINGYUAN)
    before = region_rollup(region=county, year=2023, on=BEFORE)
    assert child(before, TIANYU).figures["donations.amount"] == Decimal("0.00")
    assert child(before, zhixia.code).figures["donations.amount"] == Decimal("500.00")
    assert before.figures["donations.amount"] == Decimal("500.00")


def test_tree_changed_since(merger):
    county = Region.objects.get(code=QINGYUAN)
    assert tree_changed_since(region=county, on=BEFORE)
    assert not tree_changed_since(region=county, on=AFTER)
    assert not tree_changed_since(region=Region.objects.get(code="360802"), on=BEFORE)


def test_the_api_answers_a_past_day_and_the_export_names_it(
    api, merger, county_staff, django_assert_num_queries
):
    client = api(county_staff)
    # 1 region in scope, 1 write count, 9 rollup queries: coverage of every level is one
    # query on a past day.
    with django_assert_num_queries(11):
        response = client.get(f"/api/v1/regions/{QINGYUAN}/rollup/", {"on": "2023-12-31"})
    assert response.status_code == 200
    data = response.json()
    codes = {c["code"]: c for c in data["children"]}
    assert codes[TIANYU]["branches"]["active"] == 1
    assert data["coverage"]["township"]["covered"] == 2
    today = client.get(f"/api/v1/regions/{QINGYUAN}/rollup/").json()
    assert today["coverage"]["township"]["covered"] == 1
    export = client.get(f"/api/v1/regions/{QINGYUAN}/rollup.csv", {"on": "2023-12-31"})
    assert export.status_code == 200
    assert f'rollup-{QINGYUAN}-on-2023-12-31.csv"' in export["Content-Disposition"]


@pytest.mark.parametrize(
    ("on", "message"),
    [("2999-01-01", "不能晚于今天"), ("1800-01-01", "不能早于"), ("2023-13-01", "日期格式")],
)
def test_a_bad_day_is_400_with_its_reason(api, county_staff, on, message):
    response = api(county_staff).get(f"/api/v1/regions/{QINGYUAN}/rollup/", {"on": on})
    assert response.status_code == 400
    (error,) = response.json()["errors"]["on"]
    assert message in str(error)


def test_a_dashboard_of_a_year_before_the_merger_says_the_tree_changed(
    client, city_official, merger
):
    client.force_login(city_official)
    url = reverse("portal:region_dashboard", args=[QINGYUAN])
    before = client.get(url, {"year": 2023})
    assert before.context["tree_changed"]
    note = before.text[before.text.index('id="tree-changed"') :]
    assert "自 2023-12-31 以来，本区域的区划代码有变更" in note
    assert "on=2023-12-31" in note
    assert not client.get(url, {"year": 2024}).context["tree_changed"]
    # A county the merger did not touch shows no note.
    sibling = client.get(reverse("portal:region_dashboard", args=["360802"]), {"year": 2023})
    assert not sibling.context["tree_changed"]
    assert 'id="tree-changed"' not in sibling.text
