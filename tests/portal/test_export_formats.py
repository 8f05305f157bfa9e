"""Excel exports that read well: a bold frozen header, fitted widths, number and date formats."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core.exports import COUNT, DATE, MAX_WIDTH, MIN_WIDTH, MONEY, RATIO, xlsx_write
from funds.models import Donation
from members.models import ServiceRecord, VolunteerTeam
from orgs.choices import BranchKind
from tests.conftest import JIAN, TIANYU
from tests.factories import (
    BranchFactory,
    DonationFactory,
    ServiceRecordFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db


def admin_xlsx(client, user, model):
    client.force_login(user)
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_export") + "?format=xlsx"
    response = client.get(url)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def by_header(sheet) -> dict[str, str]:
    """Column letters by header text."""
    return {cell.value: get_column_letter(cell.column) for cell in sheet[1]}


def assert_reads_well(sheet):
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    for letter in by_header(sheet).values():
        assert MIN_WIDTH <= sheet.column_dimensions[letter].width <= MAX_WIDTH


def test_donation_export_has_money_and_dates(client, county_staff):
    branch = BranchFactory(name="天玉镇红十字会", region_id=TIANYU)
    DonationFactory(branch=branch, amount=Decimal("1234567.80"), received_on="2024-09-08")
    sheet = admin_xlsx(client, county_staff, Donation)
    assert_reads_well(sheet)
    column = by_header(sheet)
    amount, received = sheet[f"{column['金额（元）']}2"], sheet[f"{column['接收日期']}2"]
    assert (amount.value, amount.number_format) == (1234567.8, MONEY)
    assert received.is_date and received.number_format == DATE
    assert received.value.date() == datetime.date(2024, 9, 8)
    # Fitted to the content: "1,234,567.80" is wider than the header "金额（元）" alone.
    assert sheet.column_dimensions[column["金额（元）"]].width >= len("1,234,567.80")
    assert sheet.column_dimensions[column["接收组织"]].width >= 2 * len("天玉镇红十字会")


def test_list_export_counts_and_hours(client, county_staff):
    branch = BranchFactory(region_id=TIANYU, kind=BranchKind.SCHOOL)
    volunteer = VolunteerFactory(team__branch=branch)
    ServiceRecordFactory(volunteer=volunteer, team=volunteer.team, hours=Decimal("2.5"))
    teams = admin_xlsx(client, county_staff, VolunteerTeam)
    count = teams[f"{by_header(teams)['在册志愿者']}2"]
    assert isinstance(count.value, int) and count.number_format == COUNT
    records = admin_xlsx(client, county_staff, ServiceRecord)
    assert_reads_well(records)
    hours = records[f"{by_header(records)['服务时长（小时）']}2"]
    assert (hours.value, hours.number_format) == (2.5, "#,##0.0")


def test_widths_are_bounded_for_long_text():
    buffer = io.BytesIO()
    xlsx_write([["备注", "数"], ["长" * 500, 7]], title="t", file=buffer)
    sheet = load_workbook(buffer).active
    assert sheet.column_dimensions["A"].width == MAX_WIDTH
    assert sheet.column_dimensions["B"].width == MIN_WIDTH


def test_rollup_export_formats_ratios_as_percentages(api, city_official):
    branch = BranchFactory(name="天玉镇红十字会", region_id=TIANYU)
    DonationFactory(branch=branch, amount=Decimal("5169000.00"))
    response = api(city_official, HTTP_ACCEPT_LANGUAGE="en").get(
        f"/api/v1/regions/{JIAN}/rollup.xlsx"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert_reads_well(sheet)
    headers = [cell.value for cell in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    ratios = [i for i, header in enumerate(headers) if header.endswith("coverage ratio")]
    assert ratios
    for row in rows:
        for i in ratios:
            if row[i].value is not None:
                assert row[i].number_format == RATIO and 0 <= row[i].value <= 1
    money = headers.index("Money raised (yuan)")
    assert {row[money].number_format for row in rows} == {MONEY}
    assert max(row[money].value for row in rows) == Decimal("5169000")
    branches = headers.index("Branches")
    assert {row[branches].number_format for row in rows} == {COUNT}
