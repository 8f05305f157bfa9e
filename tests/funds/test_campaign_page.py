"""A campaign's page (/campaigns/<id>/): target, money raised, goods, its designated funds'
received, spent and balance per child region, and what its funds paid for; the part of the
campaign in the user's region only; figures checked against SQL over the records."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funds.choices import ReversalKind
from funds.models import Campaign, Donation
from funds.services import donation_record, donation_reverse, spending_record
from tests.conftest import JIZHOU
from tests.factories import BranchFactory, CampaignFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 3, 5)


def give(branch, amount, campaign, **fields) -> Donation:
    return donation_record(
        branch=branch, amount=Decimal(amount), channel="bank", received_on=DAY,
        campaign=campaign, **fields,
    )  # fmt: skip


@pytest.fixture
def campaign(db) -> Campaign:
    """吉安市's 2025 flood appeal, ¥100,000 targeted, with gifts in two counties, a reversed
    one, goods, and two spendings out of 青原区's fund."""
    campaign = CampaignFactory(
        name="2025年吉安防汛救灾募捐", region_id="3608", target_amount=Decimal("100000"),
        starts_on=datetime.date(2025, 3, 1), ends_on=datetime.date(2025, 12, 31),
    )  # fmt: skip
    tianyu = BranchFactory(name="天玉镇红十字会", region_id="360803100")
    xingqiao = BranchFactory(name="兴桥镇红十字会", region_id="360802100")
    fund = give(tianyu, "30000", campaign).fund
    give(tianyu, "5000", campaign)
    give(BranchFactory(name="青原区红十字会", region_id="360803", kind="county"), "2000", campaign)
    give(xingqiao, "12000", campaign)
    wrong = give(xingqiao, "999", campaign)
    donation_reverse(donation=wrong, reason="录入错误", kind=ReversalKind.CORRECTION)
    give(tianyu, "800", campaign, kind="in_kind", in_kind_description="棉被 20 床")
    for amount, category, voucher in (("8000", "aid", "QY-1"), ("1500.50", "project", "QY-2")):
        spending_record(
            fund=fund, amount=Decimal(amount), category=category, spent_on=DAY,
            payee="天玉镇敬老院", purpose="受灾群众生活救助", voucher_no=voucher,
            project=fund.project,
        )  # fmt: skip
    return campaign


def sql(query: str, params) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return {row[0]: row[1:] for row in cursor.fetchall()}


def test_the_city_sees_each_countys_part_as_the_records_add_up(client, city_official, campaign):
    client.force_login(city_official)
    response = client.get(f"/campaigns/{campaign.pk}/")
    assert response.status_code == 200
    figures = response.context["figures"]
    raised = sql(
        "SELECT left(region_code, 6), count(*) FILTER (WHERE reverses_id IS NULL) "
        "- count(*) FILTER (WHERE reverses_id IS NOT NULL), "
        "sum(amount) FILTER (WHERE kind = 'cash'), sum(amount) FILTER (WHERE kind = 'in_kind') "
        "FROM funds_donation WHERE campaign_id = %s GROUP BY 1",
        [campaign.pk],
    )
    funds = sql(
        "SELECT left(f.region_code, 6), sum(b.received), sum(b.spent), sum(b.balance) "
        "FROM funds_fund f JOIN funds_fundbalance b ON b.fund_id = f.id "
        "WHERE f.campaign_id = %s GROUP BY 1",
        [campaign.pk],
    )
    shown = {
        child.code: (child.gifts, child.raised, child.goods, child.received, child.spent,
                     child.balance)
        for child in figures.children
    }  # fmt: skip
    expected = {
        code: (gifts, cash or Decimal("0.00"), goods or Decimal("0.00"), *funds[code])
        for code, (gifts, cash, goods) in raised.items()
    }
    assert shown == expected
    assert shown[JIZHOU][:2] == (1, Decimal("12000.00"))  # the corrected gift is gone
    assert figures.whole.raised == Decimal("49000.00")
    assert figures.whole.spent == Decimal("9500.50")
    assert figures.whole.balance == Decimal("39499.50")
    assert figures.progress == Decimal("0.4900")
    assert [(project, str(category), spent) for project, category, spent in figures.projects] == [
        (campaign.name, "救助", Decimal("8000.00")),
        (campaign.name, "项目支出", Decimal("1500.50")),
    ]
    html = response.content.decode()
    assert 'id="campaign-split"' in html and "吉州区" in html and "49%" in html


def test_a_county_staffer_sees_only_the_countys_part(client, county_staff, campaign):
    client.force_login(county_staff)
    response = client.get(f"/campaigns/{campaign.pk}/")
    figures = response.context["figures"]
    assert figures.code == "360803"
    assert figures.whole.raised == Decimal("37000.00")
    assert {child.code for child in figures.children} == {"360803", "360803100"}
    assert figures.progress is None
    html = response.content.decode()
    assert 'id="campaign-part"' in html
    assert "吉州区" not in html and "兴桥镇" not in html and "49,000" not in html
    assert "（本级）" in html


def test_the_sibling_countys_staffer_sees_their_part_only(client, outsider, campaign):
    client.force_login(outsider)
    figures = client.get(f"/campaigns/{campaign.pk}/").context["figures"]
    assert figures.code == JIZHOU
    assert figures.whole.raised == Decimal("12000.00")
    assert figures.whole.spent == Decimal("0.00") and figures.projects == []


def test_a_campaign_of_another_county_answers_404(client, outsider, county_staff):
    campaign = CampaignFactory(name="青原区助学", region_id="360803")
    client.force_login(outsider)
    assert client.get(f"/campaigns/{campaign.pk}/").status_code == 404
    client.force_login(county_staff)
    assert client.get(f"/campaigns/{campaign.pk}/").status_code == 200
    assert client.get("/campaigns/999999/").status_code == 404


def test_the_page_is_in_english_by_accept_language(client, city_official, campaign):
    client.force_login(city_official)
    html = client.get(f"/campaigns/{campaign.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Balance of its funds" in html and "What its funds paid for" in html


def test_the_page_reads_the_same_queries_whatever_the_number_of_gifts(
    client, city_official, campaign
):
    client.force_login(city_official)
    url = f"/campaigns/{campaign.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    branch = BranchFactory(name="值夏镇红十字会", region_id="360803105")
    for _ in range(5):
        give(branch, "100", campaign)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_signed_out_visitors_are_sent_to_sign_in(client, campaign):
    response = client.get(f"/campaigns/{campaign.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_dashboard_links_each_campaign_it_draws_to_its_page(client, city_official, campaign):
    client.force_login(city_official)
    html = client.get("/regions/3608/", {"year": 2025}).content.decode()
    assert f'<a href="/campaigns/{campaign.pk}/">{campaign.name}</a>' in html
    client.force_login(city_official)
    assert (
        'id="campaign-pages"' not in client.get("/regions/3608/", {"year": 2019}).content.decode()
    )
