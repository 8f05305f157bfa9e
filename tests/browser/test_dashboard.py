"""The dashboards in a real browser: log in, coverage of Ji'an, drill-down, year, language."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from orgs.choices import BranchKind, RegionKind, RegionLevel
from orgs.models import Branch, Region
from tests.conftest import JIAN, JIZHOU, QINGYUAN, TIANYU
from tests.factories import CampaignFactory, DonationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2019
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def jian_covered():
    """A township branch in every one of Ji'an's 224 streets, towns and townships."""
    townships = Region.objects.within(JIAN).filter(
        level=RegionLevel.TOWNSHIP,
        kind__in=[RegionKind.STREET, RegionKind.TOWN, RegionKind.TOWNSHIP],
    )
    return Branch.objects.bulk_create(
        Branch(
            name=f"{region.name}红十字会",
            region=region,
            kind=BranchKind.TOWNSHIP,
            founded_on=datetime.date(2019, 5, 8),
        )
        for region in townships
    )


@pytest.fixture
def jian_donations(jian_covered):
    """99 Giving Day gifts in two counties in September 2019."""
    campaign = CampaignFactory(name="99公益日 2019")
    branches = {branch.region_id[:6]: branch for branch in jian_covered}
    for county, amount in ((QINGYUAN, "330000.00"), (JIZHOU, "120000.00")):
        DonationFactory(branch=branches[county], campaign=campaign, amount=Decimal(amount))
    return campaign


CHARTS = ("coverage", "kinds", "campaigns", "months", "trend", "reach", "ranking", "flow")


def expect_charts_drawn(page: Page, *, empty: tuple[str, ...] = ()):
    """Every chart has a canvas of non-zero size; those named ``empty`` (no data) are not on
    the page at all, neither their panel nor a "no data" note."""
    charts = page.locator("[data-chart]")
    expect(charts.first).to_be_visible()
    for name in empty:
        expect(page.locator(f"[data-chart={name}]")).to_have_count(0)
    expect(charts).to_have_count(len(CHARTS) - len(empty))
    for index in range(charts.count()):
        chart = charts.nth(index)
        name = chart.get_attribute("data-chart")
        assert name in CHARTS and name not in empty, name
        canvas = chart.locator("canvas")
        expect(canvas).to_be_visible()
        box = canvas.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, name


def test_city_official_logs_in_and_sees_every_township_covered(
    live_server, page: Page, city_official, jian_donations, screenshot, page_problems
):
    page.goto(f"{live_server.url}/?year={YEAR}")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("input[name=username]", city_official.username)
    page.fill("input[name=password]", "pw-" + city_official.username)
    page.click("form .button--primary")

    coverage = page.locator("[data-figure=coverage_township]")
    expect(coverage.locator(".figure__value")).to_have_text(re.compile(r"224\s*/\s*224"))
    expect(coverage.locator(".figure__detail")).to_have_text("100%")
    expect(page.locator("#id_year")).to_have_value(str(YEAR))
    expect_charts_drawn(page)
    screenshot()
    assert page_problems == []


def test_city_official_drills_down_switches_year_and_language(
    live_server, page: Page, log_in, city_official, jian_donations, screenshot, page_problems
):
    log_in(city_official)
    page.goto(f"{live_server.url}/?year={YEAR}")
    page.locator("#children-table").get_by_role("link", name="青原区").click()
    expect(page).to_have_url(re.compile(rf"/regions/{QINGYUAN}/\?year={YEAR}$"))
    expect(page.locator("h1")).to_contain_text("青原区")
    expect(page.locator(".breadcrumbs").get_by_role("link", name="吉安市")).to_be_visible()
    amount = page.locator("[data-figure=donations_amount] .figure__value")
    expect(amount).to_have_text("¥33.00万")
    expect(amount).to_have_attribute("title", "¥330,000.00")
    expect_charts_drawn(page)
    # 资金去向: nothing spent, the year's money is the balance at its end.
    closing = page.locator("#fund-flow-table tr", has_text="期末资金余额")
    expect(closing).to_contain_text("¥330,000.00")

    page.select_option("#id_year", str(YEAR + 1))
    expect(page).to_have_url(re.compile(rf"\?year={YEAR + 1}$"))
    expect(page.locator("[data-figure=donations_amount] .figure__value")).to_contain_text("¥0.00")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(rf"/regions/{QINGYUAN}/\?year={YEAR + 1}$"))
    export = page.locator("[data-export=csv]")
    expect(export).to_have_attribute(
        "href", f"/api/v1/regions/{QINGYUAN}/rollup.csv?year={YEAR + 1}"
    )
    expect_charts_drawn(page, empty=("campaigns", "months", "ranking"))
    screenshot()

    with page.expect_download() as download:
        export.click()
    assert download.value.suggested_filename == f"rollup-{QINGYUAN}-{YEAR + 1}.csv"
    rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert any(row.startswith(f"{TIANYU},天玉镇,") for row in rows)
    assert page_problems == []


def test_children_table_sorts_by_money_raised(
    live_server, page: Page, log_in, city_official, jian_donations, screenshot
):
    log_in(city_official)
    page.goto(f"{live_server.url}/?year={YEAR}")
    table = page.locator("#children-table")
    table.get_by_role("button", name=re.compile("募集资金|Money raised")).click()
    table.get_by_role("button", name=re.compile("募集资金|Money raised")).click()
    first_rows = table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)")
    assert first_rows[:2] == [QINGYUAN, JIZHOU]
    screenshot()


def test_dashboard_fits_a_phone_screen(
    live_server, page: Page, log_in, city_official, jian_donations, screenshot
):
    page.set_viewport_size(PHONE)
    log_in(city_official)
    page.goto(f"{live_server.url}/?year={YEAR}")
    expect_charts_drawn(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot()


def test_county_staffer_gets_404_for_another_county(
    live_server, page: Page, log_in, county_staff, screenshot
):
    log_in(county_staff)
    response = page.goto(f"{live_server.url}/regions/{JIZHOU}/")
    assert response.status == 404
    screenshot()
    response = page.goto(f"{live_server.url}/regions/{QINGYUAN}/")
    assert response.status == 200
