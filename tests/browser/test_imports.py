"""An import in a real browser: upload a sheet, read the dry run, confirm, see the result."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from funds.models import Donation
from life.models import Activity, ActivityKind
from tests.factories import BranchFactory
from tests.imports.conftest import (
    DATABASE_BACKEND,
    donation,
    run_queued_tasks,
    sheet,
    xlsx_bytes,
)

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


def test_a_staffer_imports_a_branchs_activity_ledger(
    page: Page, live_server, log_in, county_staff, screenshot, page_problems, tmp_path
):
    BranchFactory(name="天玉镇红十字会", region_id="360803100")
    ActivityKind.objects.get_or_create(name="主题活动日", region=None)
    today = timezone.localdate()
    rows = [
        {
            "所属组织": "天玉镇红十字会",
            "活动类型": "主题活动日",
            "活动日期": (today - datetime.timedelta(days=days)).isoformat(),
            "活动地点": "村委会活动室",
            "参加会员人数": "15",
        }
        for days in (5, 35, 65)
    ]
    path = tmp_path / "活动台账.xlsx"
    path.write_bytes(xlsx_bytes(sheet("activities", *rows)))
    log_in(county_staff)
    page.goto(f"{live_server.url}/imports/")
    page.get_by_role("link", name="组织活动台账", exact=True).click()
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="检查文件").click()
    expect(page.locator("#count-created")).to_have_text("3")
    assert Activity.objects.count() == 0
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#import-summary")).to_have_attribute("data-status", "done")
    screenshot("done")
    late = dict(Activity.objects.values_list("held_on", "late"))
    assert sorted(late.values()) == [False, True, True]
    page.goto(f"{live_server.url}/admin/life/activity/?late__exact=1")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    screenshot("late")
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


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1366, "height": 900}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_template_download_from_the_import_page(
    page: Page, live_server, log_in, county_staff, screenshot, page_problems, viewport
):
    """The template link gives the workbook with its drop-down lists and rules sheet."""
    BranchFactory(name="天玉镇红十字会", region_id="360803100")
    page.set_viewport_size(viewport)
    log_in(county_staff)
    page.goto(f"{live_server.url}/imports/new/donations/")
    link = page.locator("#template-xlsx")
    expect(link).to_be_visible()
    assert link.bounding_box()["x"] + link.bounding_box()["width"] <= viewport["width"]
    screenshot()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "import-donations.xlsx"
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.sheetnames[:2] == ["数据", "填写说明"]
    validations = book["数据"].data_validations.dataValidation
    formulas = " ".join(validation.formula1 for validation in validations)
    assert "下拉选项" in formulas and len(validations) >= 5
    assert page_problems == []


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_job_page_follows_the_background_worker(
    page: Page,
    live_server,
    log_in,
    county_staff,
    screenshot,
    page_problems,
    tmp_path,
    settings,
    viewport,
):
    """A real worker runs the dry run and the import; the page waits, then reloads itself."""
    settings.TASKS = {"default": {"BACKEND": DATABASE_BACKEND, "QUEUES": ["default"]}}
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    BranchFactory(name="天玉镇红十字会", region_id="360803100")
    path = tmp_path / "捐赠.xlsx"
    path.write_bytes(xlsx_bytes(sheet("donations", *(donation(f"BG-{n}") for n in range(3)))))
    log_in(county_staff)
    page.goto(f"{live_server.url}/imports/new/donations/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="检查文件").click()
    expect(page.locator("#import-summary")).to_have_attribute("data-status", "queued")
    expect(page.locator(".import-progress__text")).to_have_text("等待后台处理…")
    screenshot("waiting")
    run_queued_tasks()
    expect(page.locator("#count-created")).to_have_text("3", timeout=15_000)
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#import-summary")).to_have_attribute("data-status", "waiting")
    assert Donation.objects.count() == 0
    run_queued_tasks()
    expect(page.get_by_text("导入完成")).to_be_visible(timeout=15_000)
    screenshot("done")
    assert Donation.objects.filter(receipt_no__startswith="BG-").count() == 3
    assert page_problems == []
