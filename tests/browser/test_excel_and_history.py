"""Excel that reads well and histories that name things, as a user gets them in Chromium on a
desk and on a phone: the admin's and the dashboard's Excel exports and the import template
are downloaded by clicking their links; a member's history names the branches it moved
between; a reversed donation's page and history say by which entry and when."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from core.context import write_context
from core.exports import DATE, MONEY, RATIO
from funds.services import donation_reverse
from imports import workbook as template
from members.models import Member
from tests.conftest import JIAN, TIANYU
from tests.factories import BranchFactory, DonationFactory, MemberFactory
from tests.imports.test_template import drop_downs
from tests.portal.test_export_formats import assert_reads_well, by_header

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def download_book(page: Page, link):
    """Click ``link`` as a user does and open the file the browser saved."""
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    return load_workbook(io.BytesIO(download.value.path().read_bytes()))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_staff_export_donations_from_the_admin_as_a_formatted_workbook(
    page: Page, live_server, log_in, county_staff, screenshot, page_problems, viewport
):
    branch = BranchFactory(name="天玉镇红十字会", region_id=TIANYU)
    DonationFactory(branch=branch, amount=Decimal("1234567.80"), received_on="2024-09-08")
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(county_staff)
    page.goto(f"{live_server.url}/admin/funds/donation/")
    screenshot(viewport)
    book = download_book(page, page.get_by_role("link", name="导出 Excel"))
    sheet = book.active
    assert_reads_well(sheet)
    column = by_header(sheet)
    amount, received = sheet[f"{column['金额（元）']}2"], sheet[f"{column['接收日期']}2"]
    assert (amount.value, amount.number_format) == (1234567.8, MONEY)
    assert received.number_format == DATE
    assert received.value.date() == datetime.date(2024, 9, 8)
    assert sheet[f"{column['接收组织']}2"].value == "天玉镇红十字会"
    assert page_problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_official_exports_the_dashboard_table_with_money_and_percentages(
    page: Page, live_server, log_in, city_official, screenshot, page_problems, viewport
):
    branch = BranchFactory(name="天玉镇红十字会", region_id=TIANYU)
    donation = DonationFactory(branch=branch, amount=Decimal("5169000.00"))
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(city_official)
    page.goto(f"{live_server.url}/regions/{JIAN}/?year={donation.received_on.year}")
    link = page.locator("[data-export=xlsx]")
    link.scroll_into_view_if_needed()
    screenshot(viewport)
    sheet = download_book(page, link).active
    assert_reads_well(sheet)
    headers = [cell.value for cell in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=False))
    money = next(i for i, header in enumerate(headers) if "资金" in header and "元" in header)
    assert {row[money].number_format for row in rows} == {MONEY}
    assert max(row[money].value for row in rows) == Decimal("5169000")
    ratios = [i for i, header in enumerate(headers) if "覆盖率" in header]
    assert ratios
    assert {row[i].number_format for row in rows for i in ratios} == {RATIO}
    assert page_problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_staff_download_an_import_template_with_drop_downs_and_a_rules_sheet(
    page: Page, live_server, log_in, county_staff, screenshot, page_problems, viewport
):
    BranchFactory(name="天玉镇红十字会", region_id=TIANYU)
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(county_staff)
    page.goto(f"{live_server.url}/imports/new/donations/")
    screenshot(viewport)
    book = download_book(page, page.locator("#template-xlsx"))
    assert book.sheetnames[0] == template.DATA_SHEET
    data = book[template.DATA_SHEET]
    assert data.freeze_panes == "A2"
    lists = drop_downs(book)
    assert "天玉镇红十字会" in lists["接收组织"]
    assert f"天玉镇（{TIANYU}）" in lists["所在区划"]
    assert template.RULES_SHEET in book.sheetnames
    rules = [row for row in book[template.RULES_SHEET].iter_rows(values_only=True) if any(row)]
    assert any("金额（元）" in str(cell) for row in rules for cell in row)
    assert page_problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_members_history_names_the_branches_it_moved_between(
    page: Page, live_server, log_in, county_staff, screenshot, page_problems, viewport
):
    member = MemberFactory(branch=BranchFactory(name="天玉镇志愿者协会", region_id=TIANYU))
    with write_context(source="admin", user=county_staff):
        Member.objects.filter(pk=member.pk).update(
            branch=BranchFactory(name="天玉镇红十字会", region_id=TIANYU)
        )
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(county_staff)
    page.goto(f"{live_server.url}/admin/members/member/{member.pk}/history/")
    content = page.locator("#content")
    expect(content).to_contain_text("天玉镇志愿者协会")
    expect(content).to_contain_text("天玉镇红十字会")
    expect(content).not_to_contain_text("(#")
    screenshot(viewport)
    assert page_problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_reversed_donation_says_by_which_entry_and_when(
    page: Page, live_server, log_in, county_staff, screenshot, page_problems, viewport
):
    donation = DonationFactory(branch=BranchFactory(region_id=TIANYU), receipt_no="T-2019-7")
    reversal = donation_reverse(donation=donation, reason="金额录错", user=county_staff)
    at = timezone.localtime(reversal.created_at).strftime("%Y-%m-%d %H:%M")
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(county_staff)

    page.goto(f"{live_server.url}/admin/funds/donation/{donation.pk}/change/")
    expect(page.locator("#content")).to_contain_text("冲正记录")
    screenshot(f"{viewport}-change")
    page.locator("#content").get_by_role("link", name=reversal.receipt_no).first.click()
    expect(page).to_have_url(f"{live_server.url}/admin/funds/donation/{reversal.pk}/change/")

    page.goto(f"{live_server.url}/admin/funds/donation/{donation.pk}/history/")
    note = page.locator("#content")
    expect(note).to_contain_text("冲正")
    expect(note).to_contain_text(at)
    expect(note.get_by_role("link", name=reversal.receipt_no)).to_be_visible()
    screenshot(f"{viewport}-history")
    assert page_problems == []
