"""The home page's to-do as a staffer sees it, and a dashboard's five-year trends (money and
hours; members and township coverage), on a desktop and on a phone."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from members.choices import ServiceRecordStatus
from orgs.choices import BranchKind
from tests.browser.conftest import ARTIFACTS
from tests.conftest import QINGYUAN, TIANYU
from tests.factories import BranchFactory, DonationFactory, MemberFactory, ServiceRecordFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2019
ZHIXIA = "360803101"  # 值夏镇
SCREENS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def qingyuan_work():
    """Two service records waiting for approval, five years of gifts and hours, members
    joining every year, and township branches founded in 2016 and 2018."""
    branch = BranchFactory(region_id=TIANYU, founded_on=datetime.date(YEAR - 3, 4, 1))
    BranchFactory(region_id=ZHIXIA, founded_on=datetime.date(YEAR - 1, 4, 1))
    for offset in range(5):
        MemberFactory.create_batch(
            30 + 10 * offset, branch=branch, joined_on=datetime.date(YEAR - 4 + offset, 3, 1)
        )
    BranchFactory(region_id=QINGYUAN, kind=BranchKind.COUNTY, name="青原区红十字会")
    for offset, amount in enumerate(("120000.00", "98000.00", "0", "156000.50", "201000.00")):
        if Decimal(amount):
            DonationFactory(
                branch=branch,
                amount=Decimal(amount),
                received_on=datetime.date(YEAR - 4 + offset, 9, 8),
            )
        ServiceRecordFactory(
            volunteer__team__branch=branch,
            served_on=datetime.date(YEAR - 4 + offset, 6, 1),
            hours=Decimal(4 + 2 * offset),
            status=ServiceRecordStatus.APPROVED,
            reviewed_at=datetime.datetime(YEAR, 12, 1, tzinfo=datetime.UTC),
        )
    ServiceRecordFactory.create_batch(2, volunteer__team__branch=branch)


@pytest.mark.parametrize("screen", SCREENS)
def test_staff_home_shows_the_to_do_and_the_trend(
    live_server, page: Page, log_in, county_staff, qingyuan_work, screen, screenshot,
    page_problems,
):  # fmt: skip
    page.set_viewport_size(SCREENS[screen])
    log_in(county_staff)
    page.goto(f"{live_server.url}/?year={YEAR}")

    todo = page.locator("#todo")
    expect(todo.get_by_role("heading")).to_have_text("待办事项")
    pending = todo.locator("[data-todo=service_records_pending]")
    expect(pending).to_have_attribute("data-count", "2")
    expect(pending).to_contain_text("2 项待办")
    expect(todo.locator("[data-todo=imports_unconfirmed]")).to_contain_text("已办结")
    # The three branches are active and unassessed this year.
    expect(todo.locator("[data-todo=branches_unassessed]")).to_have_attribute("data-count", "3")
    box = todo.bounding_box()
    assert box and box["width"] <= SCREENS[screen]["width"]

    chart = page.locator("[data-chart=trend]")
    chart.scroll_into_view_if_needed()
    expect(chart.locator("canvas")).to_be_visible()
    table = page.locator("#trend-table")
    expect(table.locator("tbody tr")).to_have_count(5)
    last = table.locator(f"tr[data-year='{YEAR}']")
    expect(last).to_contain_text("¥201,000.00")
    expect(last).to_contain_text("+¥44,999.50")
    expect(last).to_contain_text("+28.8%")
    # The year after a year without money: a change, no share of nothing.
    expect(table.locator(f"tr[data-year='{YEAR - 1}'] [data-trend-ratio='']").first).to_have_text(
        "—"
    )
    # Members at the end of each year (30, 70, 120, 180, 250) and township coverage of the
    # county's nine streets, towns and townships.
    expect(last.locator("[data-trend-total]")).to_have_text("2/9 22.2%")
    expect(last).to_contain_text("250")
    expect(last).to_contain_text("+70")
    expect(table.locator(f"tr[data-year='{YEAR - 4}'] [data-trend-total]")).to_have_text("0/9 0%")
    reach = page.locator("[data-chart=reach]")
    reach.scroll_into_view_if_needed()
    expect(reach.locator("canvas")).to_be_visible()
    screenshot(screen)
    page.locator("#reach-chart").screenshot(path=str(ARTIFACTS / f"reach-chart-{screen}.png"))
    todo.screenshot(path=str(ARTIFACTS / f"todo-{screen}.png"))
    page.locator("#trend-chart").screenshot(path=str(ARTIFACTS / f"trend-chart-{screen}.png"))
    table.screenshot(path=str(ARTIFACTS / f"trend-table-{screen}.png"))
    assert page_problems == []

    pending.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/admin/members/servicerecord/\?status__exact=pending"))
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
