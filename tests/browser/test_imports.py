"""An import in a real browser: upload a sheet, read the dry run, confirm, see the result."""

import pytest
from playwright.sync_api import Page, expect

from funds.models import Donation
from tests.factories import BranchFactory
from tests.imports.conftest import donation, sheet, xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_dry_run_and_confirm(
    page: Page, live_server, log_in, county_staff, screenshot, page_problems, tmp_path
):
    BranchFactory(name="天玉镇红十字会", region_id="360803100")
    path = tmp_path / "捐赠.xlsx"
    path.write_bytes(xlsx_bytes(sheet("donations", *(donation(f"WEB-{n}") for n in range(3)))))
    log_in(county_staff)
    page.goto(f"{live_server.url}/imports/")
    page.get_by_role("link", name="捐赠", exact=True).click()
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="检查文件").click()
    expect(page.locator("#count-created")).to_have_text("3")
    screenshot("dry-run")
    assert Donation.objects.count() == 0
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#import-summary")).to_have_attribute("data-status", "done")
    expect(page.get_by_text("导入完成")).to_be_visible()
    screenshot("done")
    assert Donation.objects.filter(receipt_no__startswith="WEB-").count() == 3
    assert page_problems == []


def test_dry_run_shows_each_bad_row(
    page: Page, live_server, log_in, county_staff, screenshot, tmp_path
):
    BranchFactory(name="天玉镇红十字会", region_id="360803100")
    rows = sheet(
        "donations", donation("B1", **{"金额（元）": "-1"}), donation("B2", 所在区划="360802")
    )
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    log_in(county_staff)
    page.goto(f"{live_server.url}/imports/new/donations/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="检查文件").click()
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(1)).to_contain_text("不在您的管辖区划内")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    screenshot()
