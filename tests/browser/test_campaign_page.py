"""A campaign's page in a real browser: an official of the city opens it from the admin's
"view on site" and reads the split per county; on a phone the table scrolls, the page does not."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from funds.services import donation_record, spending_record
from tests.factories import BranchFactory, CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.date(2025, 7, 2)


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1366, "height": 900}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_an_official_reads_a_campaigns_money_per_county(
    page, live_server, log_in, city_official, screenshot, page_problems, viewport
):
    campaign = CampaignFactory(
        name="2025年吉安防汛救灾募捐", region_id="3608", target_amount=Decimal("200000"),
        starts_on=datetime.date(2025, 6, 1), ends_on=datetime.date(2025, 9, 30),
    )  # fmt: skip
    tianyu = BranchFactory(name="天玉镇红十字会", region_id="360803100")
    xingqiao = BranchFactory(name="兴桥镇红十字会", region_id="360802100")
    fund = None
    for branch, amount in ((tianyu, "56000"), (xingqiao, "31500.50"), (tianyu, "8000")):
        gift = donation_record(
            branch=branch, amount=Decimal(amount), channel="bank", received_on=DAY,
            campaign=campaign,
        )  # fmt: skip
        fund = fund or gift.fund
    spending_record(
        fund=fund, amount=Decimal("12000"), category="aid", spent_on=DAY, payee="天玉镇民政所",
        purpose="受灾群众生活救助", voucher_no="QY-FX-1", project=fund.project,
    )  # fmt: skip
    page.set_viewport_size(viewport)
    log_in(city_official)
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    expect(page.get_by_role("heading", name="2025年吉安防汛救灾募捐")).to_be_visible()
    expect(page.locator("#campaign-progress")).to_contain_text("47.8%")
    rows = page.locator("#campaign-split tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("64,000.00")
    expect(page.locator("#campaign-projects")).to_contain_text("12,000.00")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]
    screenshot()
    assert page_problems == []
