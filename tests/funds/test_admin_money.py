"""Amounts in the admin's lists read as on the dashboards (core.money.yuan); exports keep
the numbers."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from funds.services import donation_reverse
from tests.factories import BranchFactory, CampaignFactory, DonationFactory

pytestmark = pytest.mark.django_db

TIANYU = "360803101"  # 天玉镇, in 青原区


def cells(page, column: str) -> list[str]:
    return [
        cell.split(">", 1)[1].split("<", 1)[0]
        for cell in page.text.split(f'<td class="field-{column}')[1:]
    ]


def test_donation_list_shows_a_reversal_as_minus_before_the_yen(client, county_staff):
    donation = DonationFactory(branch=BranchFactory(region_id=TIANYU), amount=Decimal("1666"))
    donation_reverse(donation=donation, reason="金额录错", user=county_staff)
    client.force_login(county_staff)
    page = client.get(reverse("admin:funds_donation_changelist"))
    assert sorted(cells(page, "money")) == ["¥1,666.00", "−¥1,666.00"]
    assert "¥-" not in page.text


def test_campaign_list_shows_the_target_as_money_and_exports_the_number(client, county_staff):
    CampaignFactory(region_id="3608", target_amount=Decimal("1000000"))
    client.force_login(county_staff)
    page = client.get(reverse("admin:funds_campaign_changelist"))
    assert cells(page, "target") == ["¥1,000,000.00"]
    export = client.get(reverse("admin:funds_campaign_export") + "?format=csv")
    header, row = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert row[header.index("目标金额（元）")] == "1000000.00"
