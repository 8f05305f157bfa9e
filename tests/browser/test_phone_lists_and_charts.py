"""Staff on the go: the service records waiting for a decision on a phone, and dashboard
charts that read at a glance, at desktop (1366×900) and phone (390×844) widths."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from members.choices import ServiceRecordStatus
from orgs.choices import BranchKind
from tests.conftest import QINGYUAN, TIANYU
from tests.factories import (
    BranchFactory,
    CampaignFactory,
    DonationFactory,
    ServiceRecordFactory,
    VolunteerFactory,
    VolunteerTeamFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
SECTORAL = (
    BranchKind.SCHOOL,
    BranchKind.ENTERPRISE,
    BranchKind.SCENIC_AREA,
    BranchKind.HOSPITAL,
    BranchKind.OTHER,
)
#: The columns a reviewer needs to decide on a record.
DECIDING = ("volunteer", "served_on", "hours", "activity", "status")


@pytest.fixture
def service_records(county_staff):
    """Approved hours of last month and two pending records, one with a long activity."""
    team = VolunteerTeamFactory(branch=BranchFactory(region_id=TIANYU), name="天玉镇应急救护队")
    volunteer = VolunteerFactory(team=team, name="欧阳晓明")
    ServiceRecordFactory(
        volunteer=volunteer,
        served_on=datetime.date(2021, 6, 20),
        status=ServiceRecordStatus.APPROVED,
        reviewed_by=county_staff,
        reviewed_at=timezone.now(),
    )
    for day, activity in ((1, "应急救护培训"), (2, "社区老年人防跌倒与心肺复苏普及讲座及现场演练")):
        ServiceRecordFactory(
            volunteer=volunteer, served_on=datetime.date(2021, 6, day), activity=activity
        )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_pending_service_records_fit_a_phone_without_scrolling_sideways(
    live_server,
    page: Page,
    log_in,
    county_staff,
    service_records,
    viewport,
    screenshot,
    page_problems,
):
    log_in(county_staff)
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(f"{live_server.url}/admin/members/servicerecord/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    # Pending first: they are the ones waiting for a decision.
    expect(rows.first.locator(".field-status")).to_have_text("待审核")
    expect(rows.last.locator(".field-status")).to_have_text("已通过")
    width = VIEWPORTS[viewport]["width"]
    for column in DECIDING:
        cell = rows.first.locator(f".field-{column}")
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, column
    overflow = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1], overflow
    results = page.locator("#changelist .results")
    assert page.evaluate("(el) => el.scrollWidth <= el.clientWidth", results.element_handle())
    screenshot(viewport)
    assert page_problems == []


@pytest.fixture
def dwarfed_campaigns():
    """One campaign raising a million and five small ones in 青原区 in 2019, and branches of
    seven kinds (the donut's legend has seven entries)."""
    branch = BranchFactory(region_id=TIANYU)
    for kind in (*SECTORAL, BranchKind.COUNTY):
        BranchFactory(region_id=TIANYU if kind != BranchKind.COUNTY else QINGYUAN, kind=kind)
    for number, amount in enumerate((1_000_000, 120_000, 3_000, 2_000, 1_500, 1_000)):
        DonationFactory(
            branch=branch,
            campaign=CampaignFactory(name=f"筹资活动{number + 1}"),
            amount=Decimal(amount),
        )


CHART_OPTION = """([name, axis]) => {
  const chart = echarts.getInstanceByDom(document.querySelector(`[data-chart=${name}]`));
  return chart.getOption()[axis][0].data;
}"""

#: The donut's legend as drawn: its box in the chart and the chart's size.
LEGEND_BOX = """() => {
  const element = document.querySelector("[data-chart=kinds]");
  const chart = echarts.getInstanceByDom(element);
  const legend = chart.getViewOfComponentModel(chart.getModel().getComponent("legend")).group;
  const box = legend.getBoundingRect();
  return {x: legend.x + box.x, y: legend.y + box.y, width: box.width, height: box.height,
          chartWidth: element.clientWidth, chartHeight: element.clientHeight};
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_campaign_chart_shows_the_largest_and_others(
    live_server,
    page: Page,
    log_in,
    county_staff,
    dwarfed_campaigns,
    viewport,
    screenshot,
    page_problems,
):
    log_in(county_staff)
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(f"{live_server.url}/regions/{QINGYUAN}/?year=2019")
    chart = page.locator("[data-chart=campaigns] canvas")
    expect(chart).to_be_visible()
    page.wait_for_function("() => window.echarts && document.querySelector('[data-chart] canvas')")
    drawn = page.evaluate(CHART_OPTION, ["campaigns", "xAxis"])
    assert drawn == ["筹资活动1", "筹资活动2", "其他"]
    # The donut's legend, all seven kinds, lies inside its chart at either width.
    legend = page.evaluate(LEGEND_BOX)
    assert legend["x"] >= 0 and legend["x"] + legend["width"] <= legend["chartWidth"], legend
    assert legend["y"] >= 0 and legend["y"] + legend["height"] <= legend["chartHeight"], legend
    page.locator("[data-chart=campaigns]").scroll_into_view_if_needed()
    screenshot(viewport)
    assert page_problems == []
