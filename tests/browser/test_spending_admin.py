"""A cashier pays out of a fund in the admin, in Chinese, on a desk and on a phone: the
spending is recorded, the fund's balance falls, and an overdraft is refused beside the amount."""

import datetime

import pytest
from playwright.sync_api import expect

from funds.services import donation_record
from tests.conftest import TIANYU
from tests.factories import BranchFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_cashier_pays_out_of_a_fund_and_cannot_overdraw_it(
    page, live_server, log_in, screenshot, page_problems, county_staff, viewport
):
    branch = BranchFactory(region_id=TIANYU, name="天玉镇红十字会")
    fund = donation_record(
        branch=branch, amount="1000", channel="bank", received_on=datetime.date(2024, 5, 1)
    ).fund
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(county_staff)
    # The admin names no icon: the browser's own /favicon.ico request may 404 (and the
    # console says so without the address); every other failed answer is a problem.
    failed = []
    page.on(
        "response",
        lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and failed.append(r.url),
    )

    def pay(amount: str, voucher_no: str):
        page.goto(f"{live_server.url}/admin/funds/spending/add/?fund={fund.pk}")
        page.fill("#id_amount", amount)
        page.select_option("#id_category", "aid")
        page.fill("#id_spent_on", "2024-06-01")
        page.fill("#id_payee", "张三")
        page.fill("#id_purpose", "困难家庭救助")
        page.fill("#id_voucher_no", voucher_no)
        page.locator("input[name='_save']").click()

    pay("600.00", "PZ-001")
    expect(page.locator(".messagelist")).to_contain_text("成功")
    screenshot(f"{viewport}-recorded")

    pay("400.01", "PZ-002")
    error = page.locator(".field-amount .errorlist")
    expect(error).to_contain_text("余额 400.00 元，少于 400.01 元：将造成透支")
    screenshot(f"{viewport}-overdraft")

    page.goto(f"{live_server.url}/admin/funds/fund/")
    expect(page.locator("#result_list")).to_contain_text("400.00")
    screenshot(f"{viewport}-funds")
    assert failed == []
    assert [p for p in page_problems if "404 (Not Found)" not in p] == []
