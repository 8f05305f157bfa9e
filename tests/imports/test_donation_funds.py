"""Imported donations go to their default funds, as donations recorded one by one do."""

from decimal import Decimal

import pytest

from funds.choices import FundKind
from funds.models import Donation, Fund, FundBalance
from funds.services import default_funds
from imports import engine
from imports.specs import SPECS
from tests.factories import CampaignFactory
from tests.imports.conftest import csv_bytes, donation, sheet

pytestmark = pytest.mark.django_db


def run(rows, user):
    return engine.run(SPECS["donations"], csv_bytes(rows), "f.csv", user=user)


def test_imported_donations_go_to_the_default_funds(county_staff, tianyu_branch):
    campaign = CampaignFactory(name="99公益日 2024", region_id="3608")
    rows = sheet(
        "donations",
        donation("A1", **{"金额（元）": "100.00"}),
        donation("A2", **{"金额（元）": "50.00"}),
        donation("A3", 筹资活动="99公益日 2024", **{"金额（元）": "70.00"}),
    )
    assert run(rows, county_staff).created == 3
    funds = {d.receipt_no: d.fund for d in Donation.objects.select_related("fund")}
    assert funds["A1"] == funds["A2"]
    assert (funds["A1"].kind, funds["A1"].branch_id) == (FundKind.UNRESTRICTED, tianyu_branch.pk)
    assert (funds["A3"].kind, funds["A3"].campaign_id) == (FundKind.DESIGNATED, campaign.pk)
    balances = dict(FundBalance.objects.values_list("fund_id", "balance"))
    assert balances == {funds["A1"].pk: Decimal("150.00"), funds["A3"].pk: Decimal("70.00")}


def test_an_import_uses_the_fund_a_branch_already_has(county_staff, tianyu_branch):
    key = (tianyu_branch.pk, None)
    existing = default_funds([key])[key]
    assert run(sheet("donations", donation("B1")), county_staff).created == 1
    assert Donation.objects.get().fund_id == existing
    assert Fund.objects.count() == 1
