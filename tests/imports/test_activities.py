"""Importing activities into the branches' ledgers: the service's rules, the late flag, the
kinds a branch may use, the scope, the natural key, the summaries and the round trip."""

import datetime
import io
from functools import partial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from core.exports import safe_cell
from imports.specs import SPECS
from imports.workbook import LISTS_SHEET, template_xlsx
from life.models import Activity, ActivityKind, Requirement
from life.summaries import ActivitySummary
from orgs.models import Region, Standard
from tests.conftest import JIZHOU, QINGYUAN
from tests.factories import BranchFactory, StandardFactory
from tests.imports.conftest import check, errors_of, run, sheet, xlsx_bytes

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SPEC = SPECS["activities"]


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def activity(**cells) -> dict:
    record = {
        "所在区划": "360803100",
        "所属组织": "天玉镇红十字会",
        "活动类型": "理事会",
        "活动日期": days_ago(3).isoformat(),
        "活动地点": "镇政府会议室",
        "参加会员人数": "12",
        "参加志愿者人数": "4",
        "活动内容": "研究部署季度工作",
    }
    return record | cells


check = partial(check, "activities")
run = partial(run, "activities")


@pytest.fixture
def council(db):
    return ActivityKind.objects.get_or_create(name="理事会", region=None)[0]


@pytest.fixture
def tianyu(db):
    return BranchFactory(
        name="天玉镇红十字会", region_id="360803100", founded_on=datetime.date(2019, 5, 8)
    )


def test_rows_are_recorded_with_the_users_name_and_the_branchs_region(
    county_staff, tianyu, council
):
    rows = sheet(
        "activities",
        activity(),
        activity(活动日期=days_ago(40).isoformat(), 参加志愿者人数=""),
    )
    result = run(rows, county_staff)
    assert (result.created, result.errors) == (2, [])
    recorded = list(Activity.objects.order_by("-held_on"))
    assert [(a.branch, a.kind, a.region_code) for a in recorded] == [
        (tianyu, council, "360803100")
    ] * 2
    assert [(a.members_present, a.volunteers_present) for a in recorded] == [(12, 4), (12, 0)]
    assert {a.recorded_by for a in recorded} == {county_staff}
    assert [a.place for a in recorded] == ["镇政府会议室"] * 2


def test_entered_after_the_standards_days_a_row_is_late_not_refused(county_staff, tianyu, council):
    rows = sheet(
        "activities",
        activity(活动日期=days_ago(30).isoformat()),
        activity(活动日期=days_ago(31).isoformat()),
    )
    assert run(rows, county_staff).created == 2
    late = dict(Activity.objects.values_list("held_on", "late"))
    assert late == {days_ago(30): False, days_ago(31): True}


def test_the_strictest_standard_requiring_the_kind_decides_as_in_the_service(
    county_staff, tianyu, council
):
    county = StandardFactory(code="qingyuan-std", region_id=QINGYUAN, late_after_days=7)
    Requirement.objects.create(standard=county, kind=council, frequency="monthly")
    sibling = StandardFactory(code="jizhou-std", region_id=JIZHOU, late_after_days=1)
    Requirement.objects.create(standard=sibling, kind=council, frequency="monthly")
    rows = sheet(
        "activities",
        activity(活动日期=days_ago(7).isoformat()),
        activity(活动日期=days_ago(8).isoformat()),
    )
    assert run(rows, county_staff).created == 2
    late = dict(Activity.objects.values_list("held_on", "late"))
    assert late == {days_ago(7): False, days_ago(8): True}


def test_a_kind_no_standard_requires_follows_the_default_standard(county_staff, tianyu):
    ActivityKind.objects.get_or_create(name="培训", region=None)
    assert Standard.objects.filter(code="six-haves", is_default=True).update(late_after_days=3)
    rows = sheet(
        "activities",
        activity(活动类型="培训", 活动日期=days_ago(3).isoformat()),
        activity(活动类型="培训", 活动日期=days_ago(4).isoformat()),
    )
    assert run(rows, county_staff).created == 2
    late = dict(Activity.objects.values_list("held_on", "late"))
    assert late == {days_ago(3): False, days_ago(4): True}


def test_a_second_import_changes_nothing_and_a_changed_row_updates_the_activity(
    county_staff, tianyu, council
):
    rows = sheet("activities", activity())
    assert run(rows, county_staff).created == 1
    again = run(rows, county_staff)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = run(sheet("activities", activity(活动地点="村委会活动室")), county_staff)
    assert changed.updated == 1
    assert Activity.objects.get().place == "村委会活动室"
    # A blank count keeps the recorded one.
    blank = run(
        sheet("activities", activity(活动地点="村委会活动室", 参加会员人数="")), county_staff
    )
    assert blank.unchanged == 1
    assert Activity.objects.get().members_present == 12


def test_the_kind_set_at_the_branchs_county_is_used_before_the_national_one(
    county_staff, tianyu, council
):
    local = ActivityKind.objects.create(name="理事会", region=Region.objects.get(code=QINGYUAN))
    assert run(sheet("activities", activity()), county_staff).created == 1
    assert Activity.objects.get().kind == local


def test_a_kind_set_in_another_county_is_unknown_to_the_row(county_staff, tianyu):
    ActivityKind.objects.create(name="红十字博爱周", region=Region.objects.get(code=JIZHOU))
    result = check(sheet("activities", activity(活动类型="红十字博爱周")), county_staff)
    assert errors_of(result) == [(2, "活动类型")]
    assert "没有适用于该组织所在区划的此名称的活动类型" in result.errors[0].message
    with translation.override("en"):
        result = check(sheet("activities", activity(活动类型="红十字博爱周")), county_staff)
    assert "No activity kind of this name is set for the branch's region" in (
        result.errors[0].message
    )


@pytest.mark.parametrize(
    ("cells", "column", "chinese"),
    [
        ({"活动日期": "2019-05-07"}, "活动日期", "早于组织成立日期"),
        ({"参加会员人数": "12.5"}, "参加会员人数", "请输入 0 或更大的整数"),
        ({"参加志愿者人数": "-1"}, "参加志愿者人数", "请输入 0 或更大的整数"),
        ({"活动类型": ""}, "活动类型", "必填"),
        ({"所属组织": "不存在红十字会"}, "所属组织", ""),
    ],
)
def test_a_row_breaking_a_rule_is_refused_with_its_column(
    county_staff, tianyu, council, cells, column, chinese
):
    result = check(sheet("activities", activity(**cells)), county_staff)
    assert errors_of(result) == [(2, column)]
    assert chinese in result.errors[0].message


def test_a_future_date_is_refused(county_staff, tianyu, council):
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    result = check(sheet("activities", activity(活动日期=tomorrow)), county_staff)
    assert errors_of(result) == [(2, "活动日期")]


def test_a_dissolved_branchs_activity_after_its_dissolution_is_refused(county_staff, council):
    BranchFactory(
        name="天玉镇红十字会",
        region_id="360803100",
        status="dissolved",
        founded_on=datetime.date(2019, 5, 8),
        dissolved_on=days_ago(10),
    )
    result = check(sheet("activities", activity(活动日期=days_ago(5).isoformat())), county_staff)
    assert errors_of(result) == [(2, "活动日期")]
    assert run(sheet("activities", activity(活动日期=days_ago(11).isoformat())), county_staff)


def test_the_same_activity_twice_in_a_file_is_an_error(county_staff, tianyu, council):
    result = check(sheet("activities", activity(), activity(活动地点="别处")), county_staff)
    assert errors_of(result) == [(3, "活动日期")]


def test_one_bad_row_leaves_nothing_written(county_staff, tianyu, council):
    rows = sheet("activities", activity(), activity(活动日期="2019-05-01"))
    result = run(rows, county_staff)
    assert not result.ok and errors_of(result) == [(3, "活动日期")]
    assert not Activity.objects.exists()
    assert not ActivitySummary.objects.exists()


def test_a_branch_of_the_sibling_county_cannot_be_written(outsider, tianyu, council):
    result = run(sheet("activities", activity()), outsider)
    assert not result.ok and errors_of(result) == [(2, "所在区划")]
    result = run(sheet("activities", activity(所在区划="")), outsider)
    assert not result.ok and errors_of(result) == [(2, "所属组织")]
    assert not Activity.objects.exists()


def test_imported_activities_are_counted_in_the_summaries_in_the_same_transaction(
    county_staff, tianyu, council
):
    last_year = days_ago(400)
    rows = sheet(
        "activities",
        activity(),
        activity(活动日期=days_ago(45).isoformat()),
        activity(活动日期=last_year.isoformat()),
    )
    assert run(rows, county_staff).created == 3
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extract(year FROM held_on)::int, count(*), count(*) FILTER (WHERE NOT late) "
            "FROM life_activity WHERE region_code LIKE '360803100%%' GROUP BY 1"
        )
        expected = {year: (held, on_time) for year, held, on_time in cursor.fetchall()}
    summary = {
        s.year: (s.activities, s.on_time)
        for s in ActivitySummary.objects.filter(region_code="360803100")
    }
    assert summary == expected
    assert sum(held for held, _on_time in summary.values()) == 3


def test_the_export_imports_back_unchanged(county_staff, tianyu, council):
    rows = sheet(
        "activities",
        activity(活动内容='=HYPERLINK("x")'),
        activity(活动日期=days_ago(90).isoformat(), 参加会员人数="0"),
    )
    assert run(rows, county_staff).created == 2
    exported = [
        SPEC.export_header(),
        *([safe_cell(value) for value in row] for row in SPEC.export_rows(Activity.objects.all())),
    ]
    result = check(None, county_staff, "export.xlsx", data=xlsx_bytes(exported))
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 2, [])


def test_planning_runs_the_same_queries_for_one_row_and_for_many(county_staff, tianyu, council):
    def queries(count: int) -> int:
        rows = sheet(
            "activities", *(activity(活动日期=days_ago(n).isoformat()) for n in range(1, count + 1))
        )
        with CaptureQueriesContext(connection) as captured:
            result = check(rows, county_staff)
        assert result.created == count
        return len(captured)

    assert queries(1) == queries(60)


def test_the_template_lists_the_kinds_the_user_may_use(county_staff, council):
    ActivityKind.objects.create(name="青原区特色活动", region=Region.objects.get(code=QINGYUAN))
    ActivityKind.objects.create(name="吉州区特色活动", region=Region.objects.get(code=JIZHOU))
    workbook = load_workbook(io.BytesIO(template_xlsx(SPEC, county_staff)), read_only=True)
    header = [cell.value for cell in next(workbook[LISTS_SHEET].iter_rows(max_row=1))]
    column = header.index("活动类型") + 1
    listed = {
        row[column - 1].value
        for row in workbook[LISTS_SHEET].iter_rows(min_row=2)
        if len(row) >= column and row[column - 1].value
    }
    assert {"理事会", "青原区特色活动"} <= listed
    assert "吉州区特色活动" not in listed
