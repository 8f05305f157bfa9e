"""The .xlsx import template: formats, drop-down lists in the user's scope, the rules sheet,
and a filled template imported through the importer."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from core.exports import DATE, MONEY, XLSX_MAX_ROWS
from funds.models import Donation
from imports import workbook as template
from imports.models import ImportJob, ImportStatus
from imports.specs import SPECS
from members.models import Member
from orgs.choices import BranchKind, BranchStatus
from orgs.models import Region
from tests.conftest import JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory, VolunteerTeamFactory
from tests.imports.conftest import row_errors

pytestmark = pytest.mark.django_db

LISTED_KINDS = ("choice", "boolean")


def download(client, user, kind="donations"):
    client.force_login(user)
    response = client.get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def drop_downs(book) -> dict[str, list[str]]:
    """The values each data column's drop-down offers, by the column's header."""
    data = book[template.DATA_SHEET]
    headers = [cell.value for cell in data[1]]
    found = {}
    for validation in data.data_validations.dataValidation:
        assert validation.type == "list"
        sheet_name, cells = validation.formula1.rsplit("!", 1)
        values = [
            cell.value
            for row in book[sheet_name.strip("'")][cells.replace("$", "")]
            for cell in row
        ]
        for target in validation.sqref.ranges:
            first_column, first_row, last_column, last_row = range_boundaries(target.coord)
            assert (first_column, first_row, last_row) == (first_column, 2, XLSX_MAX_ROWS)
            assert first_column == last_column
            found[headers[first_column - 1]] = values
    return found


@pytest.fixture
def branches():
    """Two branches of 青原区, a dissolved one, and one of the sibling county 吉州区."""
    return {
        "tianyu": BranchFactory(name="天玉镇红十字会", region_id=TIANYU),
        "county": BranchFactory(name="青原区红十字会", region_id=QINGYUAN, kind=BranchKind.COUNTY),
        "gone": BranchFactory(
            name="已撤销红十字会",
            region_id=TIANYU,
            status=BranchStatus.DISSOLVED,
            dissolved_on=datetime.date(2023, 1, 1),
        ),
        "jizhou": BranchFactory(name="吉州区红十字会", region_id=JIZHOU, kind=BranchKind.COUNTY),
    }


@pytest.mark.parametrize("kind", list(SPECS))
def test_every_choice_column_has_a_drop_down_the_importer_reads(client, county_staff, kind):
    lists = drop_downs(download(client, county_staff, kind))
    for column in SPECS[kind].columns:
        if column.kind not in LISTED_KINDS:
            continue
        values = lists[column.header]
        expected = list(column._export_labels.values()) if column.kind == "choice" else ["是", "否"]
        assert values == expected, column.header
        parsed = {column.parse(value) for value in values}
        assert len(parsed) == len(values) and None not in parsed


def test_region_and_branch_lists_hold_the_users_region_only(client, county_staff, branches):
    lists = drop_downs(download(client, county_staff))
    regions = lists["所在区划"]
    expected = Region.objects.filter(code__startswith=QINGYUAN, valid_to=None).count()
    assert len(regions) == expected
    assert "天玉镇（360803100）" in regions
    assert all(region.endswith("）") and f"（{QINGYUAN}" in region for region in regions)
    assert lists["接收组织"] == ["天玉镇红十字会", "青原区红十字会"]


def test_another_countys_user_sees_none_of_ours(client, outsider, branches):
    lists = drop_downs(download(client, outsider))
    assert lists["所在区划"] and not [r for r in lists["所在区划"] if f"（{QINGYUAN}" in r]
    assert all(f"（{JIZHOU}" in region for region in lists["所在区划"])
    assert lists["接收组织"] == ["吉州区红十字会"]


@pytest.mark.parametrize("kind", ["volunteers", "service-records"])
def test_the_team_list_holds_the_teams_of_the_users_region(client, county_staff, branches, kind):
    VolunteerTeamFactory(branch=branches["tianyu"], name="天玉镇应急救护志愿服务队")
    VolunteerTeamFactory(branch=branches["county"], name="青原区博爱志愿服务队")
    VolunteerTeamFactory(branch=branches["county"], name="天玉镇应急救护志愿服务队")
    VolunteerTeamFactory(branch=branches["jizhou"], name="吉州区志愿服务队")
    book = download(client, county_staff, kind)
    assert drop_downs(book)["志愿服务队"] == ["天玉镇应急救护志愿服务队", "青原区博爱志愿服务队"]
    rules = {row[0]: row for row in book[template.RULES_SHEET].iter_rows(values_only=True)}
    assert "下拉列表（2）" in rules["志愿服务队"][3]


def test_a_team_not_in_the_list_warns_but_may_be_typed(client, county_staff, branches):
    VolunteerTeamFactory(branch=branches["tianyu"])
    data = download(client, county_staff, "volunteers")[template.DATA_SHEET]
    headers = [cell.value for cell in data[1]]
    letter = get_column_letter(headers.index("志愿服务队") + 1)
    (validation,) = [
        v for v in data.data_validations.dataValidation if str(v.sqref).startswith(f"{letter}2:")
    ]
    assert validation.errorStyle == "warning"


def test_another_countys_user_sees_none_of_our_teams(client, outsider, branches):
    VolunteerTeamFactory(branch=branches["tianyu"], name="天玉镇应急救护志愿服务队")
    VolunteerTeamFactory(branch=branches["jizhou"], name="吉州区志愿服务队")
    assert drop_downs(download(client, outsider, "volunteers"))["志愿服务队"] == [
        "吉州区志愿服务队"
    ]


def test_lists_live_in_a_hidden_sheet(client, county_staff):
    book = download(client, county_staff)
    assert book.sheetnames == [template.DATA_SHEET, template.RULES_SHEET, template.LISTS_SHEET]
    assert book[template.LISTS_SHEET].sheet_state == "hidden"
    assert book.active.title == template.DATA_SHEET


def test_a_scope_too_large_to_list_types_the_region(client, county_staff, monkeypatch, branches):
    monkeypatch.setattr(template, "LIST_LIMIT", 1)
    book = download(client, county_staff)
    lists = drop_downs(book)
    assert "所在区划" not in lists and "接收组织" not in lists
    assert "渠道" in lists
    rules = {row[0]: row for row in book[template.RULES_SHEET].iter_rows(values_only=True)}
    assert rules["所在区划"][3] == "您管辖范围内区划的代码或名称"


def test_template_download_queries(client, county_staff, django_assert_num_queries):
    client.force_login(county_staff)
    # The session, the user, the regions of the scope, the branches of the scope.
    with django_assert_num_queries(4):
        response = client.get(reverse("imports:template", args=["members"]))
    assert response.status_code == 200
    # And the volunteer teams of the scope.
    with django_assert_num_queries(5):
        response = client.get(reverse("imports:template", args=["volunteers"]))
    assert response.status_code == 200


def test_data_sheet_reads_well(client, county_staff):
    sheet = download(client, county_staff)[template.DATA_SHEET]
    headers = [cell.value for cell in sheet[1]]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    column = {header: get_column_letter(i) for i, header in enumerate(headers, start=1)}
    assert sheet[f"{column['接收日期']}3"].number_format == DATE
    assert sheet[f"{column['金额（元）']}3"].number_format == MONEY
    assert sheet[f"{column['捐赠人证件号']}3"].number_format == "@"
    for header, letter in column.items():
        width = sheet.column_dimensions[letter].width
        assert 2 * len(header) <= width <= 60, header
    # The region column is as wide as its longest listed region.
    assert sheet.column_dimensions[column["所在区划"]].width > 2 * len("所在区划") + 4


def test_rules_sheet_lists_each_column_with_its_rules(client, county_staff, branches):
    book = download(client, county_staff)
    rows = list(book[template.RULES_SHEET].iter_rows(values_only=True))
    assert rows[0] == ("列名", "必填", "格式", "可填的值", "规则")
    rules = {row[0]: row for row in rows[1:] if row and row[0]}
    spec = SPECS["donations"]
    for column in spec.columns:
        assert rules[column.header][1] == ("是" if column.required else "否")
    assert "大于 0" in rules["金额（元）"][4] and "2 位小数" in rules["金额（元）"][4]
    assert "不能重复" in rules["收据编号"][4]
    assert "不能晚于今天" in rules["接收日期"][4]
    assert rules["渠道"][3] == "、".join(spec.by_header["渠道"]._export_labels.values())
    assert "下拉列表" in rules["所在区划"][3]
    assert "同名组织" in rules["接收组织"][3]


def fill(book, rows: list[dict]) -> bytes:
    """The template with ``rows`` (by header) written below its example row."""
    sheet = book[template.DATA_SHEET]
    headers = [cell.value for cell in sheet[1]]
    for number, values in enumerate(rows, start=3):
        for header, value in values.items():
            sheet.cell(number, headers.index(header) + 1, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload_and_confirm(client, data: bytes, kind: str) -> ImportJob:
    url = reverse("imports:upload", args=[kind])
    client.post(url, {"file": SimpleUploadedFile("filled.xlsx", data)})
    job = ImportJob.objects.latest("pk")
    assert job.errors == []
    client.post(reverse("imports:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    return job


def test_a_filled_donation_template_imports(client, county_staff, branches):
    book = download(client, county_staff)
    lists = drop_downs(book)
    rows = [
        {
            "收据编号": f"TPL-{number}",
            "所在区划": "天玉镇（360803100）",
            "接收组织": lists["接收组织"][0],
            "捐赠类型": lists["捐赠类型"][0],
            "金额（元）": Decimal("1234.50") * number,
            "渠道": lists["渠道"][-1],
            "接收日期": datetime.date(2024, 9, number),
            "是否定向": lists["是否定向"][1],
        }
        for number in (1, 2)
    ]
    job = upload_and_confirm(client, fill(book, rows), "donations")
    assert (job.status, job.created_count) == (ImportStatus.DONE, 2)
    donations = Donation.objects.order_by("receipt_no")
    assert [d.amount for d in donations] == [Decimal("1234.50"), Decimal("2469.00")]
    assert donations[0].received_on == datetime.date(2024, 9, 1)
    assert donations[0].branch == branches["tianyu"]


def test_a_filled_member_template_imports(client, county_staff, branches):
    book = download(client, county_staff, "members")
    lists = drop_downs(book)
    row = {
        "所属组织": "青原区红十字会",
        "姓名（单位名称）": "王五",
        "会员类型": lists["会员类型"][0],
        "性别": lists["性别"][-1],
        "联系电话": "13807961234",
        "入会日期": datetime.date(2021, 5, 6),
    }
    job = upload_and_confirm(client, fill(book, [row]), "members")
    assert (job.status, job.created_count) == (ImportStatus.DONE, 1)
    member = Member.objects.get(name="王五")
    assert member.branch == branches["county"] and member.joined_on == datetime.date(2021, 5, 6)


def test_a_region_as_listed_is_read_by_its_code(county_staff, tianyu_branch):
    ok = {"receipt_no": "R1", "branch": "天玉镇红十字会", "amount": "1", "channel": "银行转账"}
    ok |= {"received_on": "2024-09-08"}
    assert row_errors("donations", county_staff, ok | {"region": "天玉镇（360803100）"}) == {}
    errors = row_errors("donations", county_staff, ok | {"region": "吉州区（360802）"})
    assert "不在您的管辖区划内" in errors["region"][0]


def test_a_region_without_branches_offers_no_branch_list(client, county_staff):
    book = download(client, county_staff)
    assert "接收组织" not in drop_downs(book)
    rules = {row[0]: row for row in book[template.RULES_SHEET].iter_rows(values_only=True)}
    assert rules["接收组织"][3] == "您管辖范围内组织的名称"
