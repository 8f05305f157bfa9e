"""The import engine: messages, scope, idempotence, round trips, all-or-nothing, query budget."""

import datetime
import time
from decimal import Decimal

import psycopg2
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from funds.models import Donation, Donor
from funds.services import donation_reverse
from imports import engine
from imports.importers import DonationImporter, MemberImporter
from imports.models import ImportStatus
from imports.services import (
    LOCK_SPACE,
    import_check,
    import_confirm,
    import_retry,
    job_abandoned,
)
from imports.specs import SPECS, spec_for
from members.models import Member, MembershipEvent, ServiceRecord, Volunteer
from orgs.models import Branch
from tests.factories import (
    BranchFactory,
    DonationFactory,
    MemberFactory,
    ServiceRecordFactory,
    VolunteerFactory,
    VolunteerTeamFactory,
)
from tests.imports.conftest import (
    check,
    csv_bytes,
    donation,
    edit_sheet,
    peak_memory,
    run,
    sheet,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db
TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
MiB = 2**20
XFD = 16_384


def member(**cells):
    record = {
        "所在区划": "360803100",
        "所属组织": "天玉镇红十字会",
        "姓名（单位名称）": "张三",
        "身份证号": "360803199001011234",
        "联系电话": "13807961234",
        "入会日期": "2020-03-01",
    }
    return record | cells


def volunteer(**cells):
    record = {
        "所在区划": "360803100",
        "所属组织": "天玉镇红十字会",
        "志愿服务队": "应急救护队",
        "姓名": "李四",
        "联系电话": "13807960001",
        "注册日期": "2020-04-01",
    }
    return record | cells


def branch_row(**cells):
    record = {"所在区划": "360803100", "组织名称": "天玉镇红十字会", "组织类型": "乡镇（街道）组织"}
    return record | cells


# Messages --------------------------------------------------------------------------------

MESSAGES = [
    (
        "donations",
        donation("A1", 所在区划="999999"),
        "所在区划",
        "区划代码 999999 不存在",
        "Unknown region code 999999",
    ),
    (
        "donations",
        donation("A1", 所在区划="360802"),
        "所在区划",
        "不在您的管辖区划内",
        "lies outside your region",
    ),
    (
        "donations",
        donation("A1", 所在区划="不存在镇"),
        "所在区划",
        "区划“不存在镇”不存在",
        "Unknown region",
    ),
    (
        "donations",
        donation("A1", 接收组织="无名会"),
        "接收组织",
        "没有名为“无名会”的组织",
        "No branch named",
    ),
    (
        "donations",
        donation("A1", **{"金额（元）": "0"}),
        "金额（元）",
        "金额须大于 0",
        "more than 0",
    ),
    (
        "donations",
        donation("A1", **{"金额（元）": "-5"}),
        "金额（元）",
        "金额须大于 0",
        "more than 0",
    ),
    (
        "donations",
        donation("A1", **{"金额（元）": "1.234"}),
        "金额（元）",
        "2 位小数",
        "2 decimal places",
    ),
    ("donations", donation("A1", **{"金额（元）": "一百"}), "金额（元）", "1234.50", "1234.50"),
    (
        "donations",
        donation("A1", 接收日期=TOMORROW),
        "接收日期",
        "日期不能晚于今天",
        "later than today",
    ),
    ("donations", donation("A1", 接收日期="2024-02-30"), "接收日期", "2024-03-05", "2024-03-05"),
    ("donations", donation("A1", 渠道="支付宝"), "渠道", "无法识别的值", "Unknown value"),
    ("donations", donation("A1", 收据编号=""), "收据编号", "此列必填", "required"),
    ("donations", donation("A1-R"), "收据编号", "-R", "-R"),
    ("donations", donation("R2024-00000001"), "收据编号", "R2024-00000001", "R2024-00000001"),
    ("donations", donation("A1", 捐赠类型="物资"), "物资及数量", "物资", "goods"),
    ("donations", donation("A1", 是否定向="是"), "定向用途", "用途", "purpose"),
    ("donations", donation("A1", 是否定向="也许"), "是否定向", "“是”或“否”", "是 (yes)"),
    ("donations", donation("A1", 筹资活动="无此活动"), "筹资活动", "无此活动", "No campaign"),
    (
        "donations",
        donation("A1", 捐赠人="某人", 捐赠人证件号="360803199001011235"),
        "捐赠人证件号",
        "校验位",
        "check digit",
    ),
    (
        "members",
        member(身份证号="", 联系电话=""),
        "身份证号",
        "请填写身份证号或联系电话",
        "ID number or a phone",
    ),
    ("members", member(身份证号="3.60803E+17"), "身份证号", "15 位", "15 digits"),
    ("members", member(身份证号="360803199001011235"), "身份证号", "校验位", "check digit"),
    (
        "members",
        member(联系电话="7968221234"),
        "联系电话",
        "电话号码格式不正确",
        "Invalid phone number",
    ),
    (
        "members",
        member(退会日期="2021-01-01"),
        "退会原因",
        "退会须填写原因",
        "Leaving needs a reason",
    ),
    (
        "members",
        member(退会日期="2019-01-01", 退会原因="迁出"),
        "退会日期",
        "退会",
        "leave before joining",
    ),
    (
        "branches",
        branch_row(所在区划="360803"),
        "组织类型",
        "属地型组织必须设在对应层级的区划",
        "territorial branch",
    ),
    ("branches", branch_row(状态="已撤销"), "撤销日期", "撤销", "dissolution date"),
    (
        "volunteers",
        volunteer(志愿服务队="不存在队"),
        "志愿服务队",
        "请先建立服务队",
        "create the team first",
    ),
]


@pytest.fixture
def references(tianyu_branch):
    VolunteerTeamFactory(branch=tianyu_branch, name="应急救护队")
    return tianyu_branch


@pytest.mark.parametrize(("kind", "record", "column", "chinese", "english"), MESSAGES)
def test_error_message_in_both_languages(
    county_staff, references, kind, record, column, chinese, english
):
    errors = check(kind, sheet(kind, record), county_staff).errors
    assert [(e.row, e.column) for e in errors] == [(2, column)]
    assert chinese in errors[0].message
    with translation.override("en"):
        errors = check(kind, sheet(kind, record), county_staff).errors
    assert english in errors[0].message


def test_duplicate_receipt_number_in_the_file(county_staff, tianyu_branch):
    errors = check(
        "donations", sheet("donations", donation("A1"), donation("A1")), county_staff
    ).errors
    assert [(e.row, e.column) for e in errors] == [(3, "收据编号")]
    assert "与第 2 行是同一条记录" in errors[0].message


def test_recorded_receipt_with_other_values_asks_for_a_reversal(county_staff, tianyu_branch):
    run("donations", sheet("donations", donation("A1")), county_staff)
    changed = donation("A1", **{"金额（元）": "200.00"})
    errors = check("donations", sheet("donations", changed), county_staff).errors
    assert "冲正" in errors[0].message and "金额（元）" in errors[0].message
    assert Donation.objects.get(receipt_no="A1").amount == Decimal("100.00")


def test_receipt_of_another_county_is_only_said_to_be_taken(county_staff, outsider):
    BranchFactory(name="吉州区红十字会", region_id="360802", kind="county")
    DonationFactory(receipt_no="Z1", branch=Branch.objects.get(name="吉州区红十字会"))
    BranchFactory(name="天玉镇红十字会")
    errors = check("donations", sheet("donations", donation("Z1")), county_staff).errors
    assert errors[0].message == "收据编号 Z1 已被使用。"


def test_missing_required_column_is_a_file_error(county_staff):
    rows = [["收据编号", "金额（元）"], ["A1", "1"]]
    with pytest.raises(engine.FileError, match="缺少必填列"):
        check("donations", rows, county_staff)


def test_template_example_row_is_skipped(county_staff, tianyu_branch):
    spec = SPECS["donations"]
    result = check(
        "donations",
        [spec.export_header(), spec.example_row(), *sheet("donations", donation("A1"))[1:]],
        county_staff,
    )
    assert (result.total, result.created, result.errors) == (1, 1, [])
    assert result.notices


# Scope ----------------------------------------------------------------------------------


def test_staffer_cannot_import_into_the_sibling_county(county_staff):
    BranchFactory(name="吉州区红十字会", region_id="360802", kind="county")
    record = donation("A1", 所在区划="360802", 接收组织="吉州区红十字会")
    errors = check("donations", sheet("donations", record), county_staff).errors
    assert errors[0].column == "所在区划" and "不在您的管辖区划内" in errors[0].message


def test_branch_name_alone_resolves_only_inside_the_scope(county_staff):
    BranchFactory(name="同名会", region_id="360802", kind="county")
    record = donation("A1", 所在区划="", 接收组织="同名会")
    errors = check("donations", sheet("donations", record), county_staff).errors
    assert "您的管辖范围内没有名为“同名会”的组织" in errors[0].message


def test_region_by_name_inside_the_scope(county_staff, tianyu_branch):
    result = run("donations", sheet("donations", donation("A1", 所在区划="天玉镇")), county_staff)
    assert result.created == 1


# Idempotence and round trips ------------------------------------------------------------


def test_second_import_of_donations_changes_nothing(county_staff, tianyu_branch):
    rows = sheet("donations", donation("A1", 捐赠人="吉安商会", 捐赠人类型="商会"), donation("A2"))
    first = run("donations", rows, county_staff)
    second = run("donations", rows, county_staff)
    assert (first.created, second.created, second.updated, second.unchanged) == (2, 0, 0, 2)
    assert Donation.objects.count() == 2 and Donor.objects.count() == 1


def test_second_import_of_members_updates_by_id_number(county_staff, tianyu_branch):
    run("members", sheet("members", member()), county_staff)
    again = run("members", sheet("members", member()), county_staff)
    moved = run("members", sheet("members", member(联系电话="13900000000")), county_staff)
    assert (again.created, again.unchanged, moved.updated) == (0, 1, 1)
    assert Member.objects.get().phone == "13900000000"
    assert MembershipEvent.objects.filter(kind="joined").count() == 1


def test_member_leaving_through_an_import_records_the_event(county_staff, tianyu_branch):
    run("members", sheet("members", member()), county_staff)
    run("members", sheet("members", member(退会日期="2021-01-01", 退会原因="迁出")), county_staff)
    assert list(MembershipEvent.objects.values_list("kind", flat=True).order_by("id")) == [
        "joined",
        "left",
    ]


def test_member_matched_by_phone_without_id_number(county_staff, tianyu_branch):
    rows = sheet("members", member(身份证号=""))
    run("members", rows, county_staff)
    assert run("members", rows, county_staff).unchanged == 1


def test_second_import_of_branches_and_volunteers(county_staff, references):
    branches = sheet(
        "branches", branch_row(), branch_row(组织名称="天玉镇志愿者协会", 组织类型="其他")
    )
    volunteers = sheet("volunteers", volunteer(), volunteer(姓名="王五", 联系电话="13807960002"))
    assert run("branches", branches, county_staff).created == 1  # 天玉镇红十字会 exists
    assert run("branches", branches, county_staff).unchanged == 2
    assert run("volunteers", volunteers, county_staff).created == 2
    assert run("volunteers", volunteers, county_staff).unchanged == 2
    assert Volunteer.objects.filter(team__name="应急救护队").count() == 2


def test_service_records_import_and_reimport(county_staff, references):
    run("volunteers", sheet("volunteers", volunteer()), county_staff)
    record = {
        "所属组织": "天玉镇红十字会",
        "志愿者联系电话": "13807960001",
        "服务日期": "2024-05-01",
        "服务时长（小时）": "2.5",
        "服务内容": "应急救护培训",
    }
    assert run("service-records", sheet("service-records", record), county_staff).created == 1
    assert run("service-records", sheet("service-records", record), county_staff).unchanged == 1
    longer = run(
        "service-records",
        sheet("service-records", record | {"服务时长（小时）": "3"}),
        county_staff,
    )
    assert longer.updated == 1 and ServiceRecord.objects.get().hours == Decimal("3.0")
    assert ServiceRecord.objects.get().team.name == "应急救护队"
    too_long = check(
        "service-records",
        sheet("service-records", record | {"服务时长（小时）": "25"}),
        county_staff,
    )
    assert too_long.errors[0].column == "服务时长（小时）"


def _round_trip(kind, queryset, user):
    spec = SPECS[kind]
    data = xlsx_bytes([spec.export_header(), *spec.export_rows(queryset)])
    result, _importer = engine.check(spec, data, "export.xlsx", user=user)
    return result


def test_export_then_import_changes_nothing(county_staff, superuser):
    branch = BranchFactory(name="天玉镇红十字会", bodies_complete=True, phone="0796-8221234")
    team = VolunteerTeamFactory(branch=branch)
    MemberFactory(branch=branch, id_number="360803199001011234", occupation="教师")
    MemberFactory(branch=branch, left_on=datetime.date(2021, 1, 1), leave_reason="迁出")
    VolunteerFactory(team=team, phone="13807960001", id_number="360803198503120022")
    ServiceRecordFactory(volunteer=VolunteerFactory(team=team, phone="13807960003"))
    DonationFactory(branch=branch, designated=True, designation="助学", matching=True)
    donation_reverse(
        donation=DonationFactory(branch=branch, donor=None), reason="录错", user=superuser
    )
    for kind, queryset in [
        ("branches", Branch.objects.all()),
        ("members", Member.objects.all()),
        ("volunteers", Volunteer.objects.all()),
        ("service-records", ServiceRecord.objects.all()),
        ("donations", Donation.objects.all()),
    ]:
        result = _round_trip(kind, queryset, county_staff)
        assert result.errors == [], kind
        assert (result.created, result.updated, result.unchanged) == (0, 0, queryset.count()), kind


def test_spec_for_models():
    assert spec_for(Donation) is SPECS["donations"]
    assert spec_for(Donation()) is SPECS["donations"]
    assert spec_for(Donor) is None
    assert SPECS["members"].export_header()[:3] == ["所在区划", "所属组织", "姓名（单位名称）"]


# Files as staff have them ---------------------------------------------------------------


def test_gb18030_csv(county_staff, tianyu_branch):
    data = csv_bytes(
        sheet("donations", donation("A1", 捐赠人="𠀀记商行", 捐赠人类型="企业")), "gb18030"
    )
    result = engine.run(SPECS["donations"], data, "捐赠.csv", user=county_staff)
    assert result.created == 1 and Donor.objects.get().name == "𠀀记商行"


def test_xlsx_with_numbers_in_id_and_phone_columns(county_staff, tianyu_branch):
    rows = sheet(
        "members",
        member(身份证号=3.60803199001011e17),
        member(身份证号="", 联系电话=13807961235, 姓名="王五"),
    )
    result = check("members", rows, county_staff, "m.xlsx", xlsx_bytes(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "身份证号")]
    assert "被存成了数字" in result.errors[0].message
    assert result.created == 1


def test_formula_cells_without_values_are_reported(county_staff, tianyu_branch):
    rows = sheet("donations", donation("A1", **{"金额（元）": "=50*2"}))
    result = check("donations", rows, county_staff, "d.xlsx", xlsx_bytes(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "金额（元）")]
    assert "公式" in result.errors[0].message


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.xlsx", "文件是空的"),
        (b"PK\x03\x04broken", "a.xlsx", "工作簿已损坏"),
        (b"\xd0\xcf\x11\xe0 old xls", "a.xlsx", "不是有效的 .xlsx"),
        (b"\x81\x30\xff\xff", "a.csv", "无法识别文件的文字编码"),
        (b"anything", "a.pdf", "请上传 Excel"),
    ],
)
def test_unreadable_files(county_staff, data, name, message):
    with pytest.raises(engine.FileError, match=message):
        check("donations", [], county_staff, name, data)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('r="XFD2"', 'r="AAAAAA2"'),
        ('r="XFD2"', 'r="XFD1048577"'),
        ('r="XFD2"', 'r="A0"'),
        ('<row r="2"', '<row r="4000000000"'),
    ],
)
def test_cell_outside_excel_sheet_refuses_the_file(county_staff, tianyu_branch, old, new):
    rows = sheet("donations", donation("A1"))
    data = edit_sheet(xlsx_bytes(rows, {(2, XFD): 7}), old, new)
    with peak_memory(new) as measured:
        job = import_check(user=county_staff, kind="donations", file_name="d.xlsx", data=data)
    assert job.status == ImportStatus.INVALID
    assert "超出了 Excel 的最后一列（XFD）" in job.message
    assert measured["peak"] < 20 * MiB
    assert Donation.objects.count() == 0


def test_cells_past_the_template_columns_are_not_read(county_staff, tianyu_branch):
    rows = sheet("donations", donation("A1"), donation("A2"))
    far = {(2, XFD): "旁注", (3, XFD - 1): "=1/0", (5, XFD): 7}  # row 5 holds nothing else
    with peak_memory("cells in XFD") as measured:
        result = check("donations", rows, county_staff, "d.xlsx", xlsx_bytes(rows, far))
    assert (result.total, result.created, result.errors) == (2, 2, [])
    assert measured["peak"] < 20 * MiB


def test_template_column_in_the_last_excel_column_is_read(county_staff, tianyu_branch):
    rows = sheet("donations", donation("A1"))
    note = rows[0].index("备注")
    rows[0][note] = "说明"
    data = xlsx_bytes(rows, {(1, XFD): "备注", (2, XFD): "年终捐赠"})
    with peak_memory("备注 in XFD") as measured:
        engine.run(SPECS["donations"], data, "d.xlsx", user=county_staff)
    assert Donation.objects.get().note == "年终捐赠"
    assert measured["peak"] < 20 * MiB


# All or nothing -------------------------------------------------------------------------


def test_error_in_row_40000_leaves_nothing(county_staff, tianyu_branch):
    rows = [donation(f"B{n:06d}") for n in range(40_000)]
    rows[39_998]["金额（元）"] = "-1"  # sheet row 40,000
    result = run("donations", sheet("donations", *rows), county_staff)
    assert [(e.row, e.column) for e in result.errors] == [(40_000, "金额（元）")]
    assert Donation.objects.count() == 0


def _job(user, kind, rows):
    return import_check(user=user, kind=kind, file_name="f.csv", data=csv_bytes(rows))


def test_concurrent_insert_during_the_write_leaves_nothing_and_can_be_retried(
    county_staff, tianyu_branch, monkeypatch
):
    job = _job(county_staff, "donations", sheet("donations", donation("A1"), donation("A2")))
    assert job.status == ImportStatus.CHECKED
    original = DonationImporter.write

    def racing_write(self, progress):
        DonationFactory(receipt_no="A2", branch=tianyu_branch)  # someone records A2 meanwhile
        original(self, progress)

    monkeypatch.setattr(DonationImporter, "write", racing_write)
    job = import_confirm(job=job, user=county_staff)
    assert job.status == ImportStatus.FAILED and "没有保存任何数据" in job.message
    assert Donation.objects.count() == 0
    monkeypatch.setattr(DonationImporter, "write", original)
    job = import_confirm(job=job, user=county_staff)
    assert job.status == ImportStatus.DONE and job.created_count == 2


def test_failure_in_a_hook_leaves_no_partial_rows(county_staff, tianyu_branch, monkeypatch):
    job = _job(county_staff, "members", sheet("members", member()))

    def broken(self):
        raise IntegrityError("events refused")

    monkeypatch.setattr(MemberImporter, "after_write", broken)
    job = import_confirm(job=job, user=county_staff)
    assert job.status == ImportStatus.FAILED and job.message
    assert Member.objects.count() == 0
    monkeypatch.undo()
    assert import_confirm(job=job, user=county_staff).status == ImportStatus.DONE
    assert Member.objects.count() == 1


def test_confirm_checks_again_and_refuses_a_second_confirm(county_staff, tianyu_branch):
    job = _job(county_staff, "donations", sheet("donations", donation("A1")))
    DonationFactory(receipt_no="A1", branch=tianyu_branch, amount=Decimal("5"))
    job = import_confirm(job=job, user=county_staff)
    assert job.status == ImportStatus.INVALID and job.error_count == 1
    with pytest.raises(Exception, match="不能导入"):
        import_confirm(job=job, user=county_staff)


# Query budget ---------------------------------------------------------------------------


def _count_queries(kind, rows, user):
    with CaptureQueriesContext(connection) as context:
        result = check(kind, sheet(kind, *rows), user)
    assert result.errors == []
    return len(context.captured_queries)


def test_dry_run_queries_do_not_grow_with_rows(county_staff, references):
    team = references.teams.get()
    for n in range(200):
        VolunteerFactory(team=team, phone=f"1390000{n:04d}")
    donations = [donation(f"Q{n}", 捐赠人=f"捐赠人{n % 7}") for n in range(200)]
    members = [member(身份证号="", 联系电话=f"1380000{n:04d}") for n in range(200)]
    records = [
        {
            "所属组织": "天玉镇红十字会",
            "志愿者联系电话": f"1390000{n:04d}",
            "服务日期": "2024-05-01",
            "服务时长（小时）": "2",
            "服务内容": "巡查",
        }
        for n in range(200)
    ]
    for kind, rows in [
        ("donations", donations),
        ("members", members),
        ("service-records", records),
    ]:
        # regions, branches, then per kind: receipts + campaigns + donors | records | volunteers + teams + records
        assert _count_queries(kind, rows[:10], county_staff) == _count_queries(
            kind, rows, county_staff
        ), kind


def test_blank_id_number_does_not_erase_the_recorded_one(county_staff, tianyu_branch):
    run("members", sheet("members", member()), county_staff)
    result = run("members", sheet("members", member(身份证号="", 职业="教师")), county_staff)
    assert result.updated == 1
    assert Member.objects.get().id_number == "360803199001011234"


def test_one_identifier_for_two_new_donors_is_refused(county_staff, tianyu_branch):
    enterprise = {"捐赠人类型": "企业", "捐赠人证件号": "91360800MA35ABCD7G"}
    rows = sheet(
        "donations",
        donation("A1", 捐赠人="甲公司", **enterprise),
        donation("A2", 捐赠人="乙公司", **enterprise),
    )
    errors = check("donations", rows, county_staff).errors
    assert [(e.row, e.column) for e in errors] == [(3, "捐赠人证件号")]


TEXT_CELL = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=25),
    st.sampled_from(
        ["360803100", "天玉镇", "天玉镇红十字会", "360802", "-1", "1e9", "2024-02-29", "是", "资金"]
    ),
    st.integers(-(10**19), 10**19).map(str),
    st.floats(allow_nan=True).map(repr),
)


@pytest.mark.parametrize("kind", sorted(SPECS))
@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_sheets_give_row_errors_only(county_staff, references, kind, data):
    width = len(SPECS[kind].columns)
    rows = data.draw(
        st.lists(st.lists(TEXT_CELL, min_size=width, max_size=width), min_size=1, max_size=4)
    )
    try:
        result = check(kind, [SPECS[kind].export_header(), *rows], county_staff)
    except engine.FileError as error:  # only rows that are all blank, or the example row
        assert "没有可导入的行" in error.message
        return
    assert all(error.row >= 2 and error.message for error in result.errors)
    assert result.created + result.updated + result.unchanged + len(
        {e.row for e in result.errors}
    ) <= len(rows)


def test_file_errors_in_english(county_staff):
    with translation.override("en"), pytest.raises(engine.FileError, match="damaged"):
        check("donations", [], county_staff, "a.xlsx", b"PK\x03\x04broken")
    with (
        translation.override("en"),
        pytest.raises(engine.FileError, match="Required columns are missing"),
    ):
        check("donations", [["收据编号"], ["A1"]], county_staff)


def test_an_import_left_running_by_a_dead_worker_can_be_retried(county_staff, tianyu_branch):
    job = _job(county_staff, "donations", sheet("donations", donation("A1")))
    job.status, job.started_at = ImportStatus.RUNNING, timezone.now()
    job.save()
    worker = psycopg2.connect(**connection.get_connection_params())
    worker.autocommit = True
    with worker.cursor() as cursor:  # a live worker holds the job's lock
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_SPACE, job.pk])
    assert not job_abandoned(job)
    with pytest.raises(ValidationError, match="正在处理中"):
        import_retry(job=job, user=county_staff)
    worker.close()  # the worker dies: PostgreSQL ends its session and its lock
    deadline = time.monotonic() + 10
    while not job_abandoned(job):  # the server notices the closed session within moments
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert import_retry(job=job, user=county_staff).status == ImportStatus.DONE
    assert Donation.objects.get().receipt_no == "A1"


def test_a_finished_import_cannot_be_retried(county_staff, tianyu_branch):
    job = _job(county_staff, "donations", sheet("donations", donation("A1")))
    job = import_confirm(job=job, user=county_staff)
    assert job.status == ImportStatus.DONE
    with pytest.raises(ValidationError):
        import_retry(job=job, user=county_staff)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Donation.objects.count() == 1
