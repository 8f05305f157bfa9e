"""Key figures that fit their cards, and charts that show what the figures say: at a desktop
width (1366×900) and on a phone (390×844)."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from funds.choices import DonationKind
from orgs.choices import BranchKind
from orgs.models import Region
from tests.browser.conftest import ARTIFACTS
from tests.conftest import JIAN, JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory, CampaignFactory, DonationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2019
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
JIZHOU_TOWN = "360802100"  # 兴桥镇, a town of 吉州区

# Per key figure: its text, how many lines it and the amount of its change take (a number
# broken in the middle takes two), and how far it sticks out of its box and its card.
FIGURE_BOXES = """
values => {
  const lines = range => {
    const rects = [...range.getClientRects()].filter(rect => rect.width > 0);
    return rects.filter(rect => rect.top >= rects[0].bottom - 2).length + 1;
  };
  return values.map(value => {
    const card = value.closest(".figure");
    const whole = document.createRange();
    whole.selectNodeContents(value);
    const box = {
      key: card.dataset.figure,
      text: value.textContent.replace(/\\s+/g, " ").trim(),
      lines: lines(whole),
      overflow: Math.max(value.scrollWidth - value.clientWidth, card.scrollWidth - card.clientWidth),
      changeLines: 1,
    };
    const change = card.querySelector(".change .unbroken");
    if (change) {
      const amount = document.createRange();
      amount.selectNodeContents(change);
      box.change = change.textContent;
      box.changeLines = lines(amount);
    }
    return box;
  });
}
"""


def expect_figures_fit(page: Page) -> list[dict]:
    """Every key figure on one line, inside its card; the page no wider than the screen."""
    boxes = page.locator(".figure__value").evaluate_all(FIGURE_BOXES)
    assert boxes
    for box in boxes:
        assert box["lines"] == 1 and box["overflow"] <= 0 and box["changeLines"] == 1, box
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    return boxes


@pytest.fixture
def figures_screenshot(page, request):
    """Save the key figures alone, at the screen's scale, under test-artifacts/."""

    def figures_screenshot(suffix: str = ""):
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name + "-figures" + (f"-{suffix}" if suffix else "")
        page.locator(".figures").screenshot(path=str(ARTIFACTS / f"{name}.png"))

    return figures_screenshot


def chart_categories(page: Page, name: str) -> list[str]:
    """The category labels a drawn chart shows (its y axis)."""
    chart = page.locator(f"[data-chart={name}]")
    expect(chart.locator("canvas")).to_be_visible()
    box = chart.locator("canvas").bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0, name
    return chart.evaluate("el => echarts.getInstanceByDom(el).getOption().yAxis[0].data")


@pytest.fixture
def large_sums():
    """Ji'an raised ¥204,252,600 in YEAR: ¥18,156,600 in 青原区 (天玉镇), the rest in 吉州区;
    and goods worth ¥123,456,789,012.34."""
    campaign = CampaignFactory(name="99公益日 2019")
    tianyu = BranchFactory(name="天玉镇红十字会")
    DonationFactory(branch=tianyu, campaign=campaign, amount=Decimal("18156600.00"))
    DonationFactory(
        branch=BranchFactory(region_id=JIZHOU_TOWN, name="兴桥镇红十字会"),
        campaign=campaign,
        amount=Decimal("186096000.00"),
    )
    DonationFactory(
        branch=tianyu,
        kind=DonationKind.IN_KIND,
        in_kind_description="物资",
        amount=Decimal("123456789012.34"),
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_large_money_figures_fit_their_cards(
    live_server,
    page: Page,
    log_in,
    city_official,
    large_sums,
    viewport,
    screenshot,
    figures_screenshot,
    page_problems,
):
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(city_official)
    page.goto(f"{live_server.url}/regions/{JIAN}/?year={YEAR}")

    amount = page.locator("[data-figure=donations_amount] .figure__value")
    expect(amount).to_have_text("¥2.04亿")
    expect(amount).to_have_attribute("title", "¥204,252,600.00")
    goods = page.locator("[data-figure=donations_in_kind_value] .figure__value")
    expect(goods).to_have_text("¥1,234.57亿")
    expect(goods).to_have_attribute("title", "¥123,456,789,012.34")
    change = page.locator("[data-figure=donations_amount] .change")
    expect(change).to_have_text(f"较 {YEAR - 1} 年 +¥2.04亿")
    expect(change).to_have_attribute("title", "+¥204,252,600.00")
    # The table keeps the exact figures.
    table = page.locator("#children-table")
    expect(table.locator(f"tr[data-code='{QINGYUAN}'] [data-cell=amount]")).to_have_text(
        "¥18,156,600.00"
    )
    expect(table.locator(f"tr[data-code='{JIZHOU}'] [data-cell=amount]")).to_have_text(
        "¥186,096,000.00"
    )
    boxes = {box["key"]: box for box in expect_figures_fit(page)}
    assert boxes["donations_in_kind_value"]["change"] == "+¥1,234.57亿"
    screenshot()
    figures_screenshot()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(amount).to_have_text("¥204.25M")
    expect(amount).to_have_attribute("title", "¥204,252,600.00")
    expect(goods).to_have_text("¥123.46B")
    expect(table.locator(f"tr[data-code='{QINGYUAN}'] [data-cell=amount]")).to_have_text(
        "¥18,156,600.00"
    )
    boxes = {box["key"]: box for box in expect_figures_fit(page)}
    assert boxes["donations_in_kind_value"]["change"] == "+¥123.46B"
    screenshot("en")
    figures_screenshot("en")
    assert page_problems == []


@pytest.fixture
def tianyu_villages():
    """天玉镇: its own society, which raised ¥214,675 in YEAR, and branches in two of its
    eight villages."""
    villages = list(Region.objects.filter(parent_id=TIANYU).order_by("code"))
    township = BranchFactory(name="天玉镇红十字会")
    for village in villages[:2]:
        BranchFactory(
            region_id=village.code, kind=BranchKind.COMMUNITY, name=f"{village.name}红十字会"
        )
    DonationFactory(
        branch=township, amount=Decimal("214675.00"), received_on=datetime.date(YEAR, 9, 8)
    )
    return villages


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_township_dashboard_charts_what_its_figures_say(
    live_server,
    page: Page,
    log_in,
    county_staff,
    tianyu_villages,
    viewport,
    screenshot,
    page_problems,
):
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(county_staff)
    page.goto(f"{live_server.url}/regions/{TIANYU}/?year={YEAR}")

    coverage = page.locator("[data-figure=coverage_community] .figure__value")
    expect(coverage).to_have_text(re.compile(r"^\s*2\s*/\s*8\s*$"))
    expect(page.locator("[data-figure=donations_amount] .figure__value")).to_have_text("¥21.47万")
    # The coverage chart draws the eight villages; the money came from the township's own
    # society, so there is no village to rank and no campaign: those charts are left out; the money it raised shows where it went (资金去向).
    assert chart_categories(page, "coverage") == [village.name for village in tianyu_villages]
    expect(page.locator("[data-chart]")).to_have_count(6)
    for name in ("kinds", "months", "trend", "reach", "flow"):
        expect(page.locator(f"[data-chart={name}] canvas")).to_be_visible()
    for name in ("campaigns", "ranking"):
        expect(page.locator(f"[data-chart={name}]")).to_have_count(0)
    expect(page.get_by_text("暂无数据")).to_have_count(0)
    expect_figures_fit(page)
    screenshot()

    # A village raises money for a campaign: the ranking and the campaigns appear.
    village_branch = tianyu_villages[1].branches.get()
    DonationFactory(
        branch=village_branch,
        campaign=CampaignFactory(name="99公益日 2019"),
        amount=Decimal("14675.00"),
        received_on=datetime.date(YEAR, 9, 9),
    )
    page.reload()
    expect(page.locator("[data-chart]")).to_have_count(8)
    assert chart_categories(page, "ranking") == [f"1. {tianyu_villages[1].name}"]
    expect(page.locator("[data-chart=campaigns] canvas")).to_be_visible()
    expect(page.locator("[data-figure=donations_amount] .figure__value")).to_have_text("¥22.94万")
    expect_figures_fit(page)
    screenshot("ranked")
    assert page_problems == []
