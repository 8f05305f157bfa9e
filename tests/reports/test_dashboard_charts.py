"""The dashboard's charts say something at a glance: the largest campaigns and 其他, the
covered units' counts where every unit is covered."""

from decimal import Decimal

import pytest
from django.urls import reverse

from reports.dashboard import CAMPAIGN_BARS, chart_data
from reports.rollups import FIGURES, Coverage
from tests.conftest import QINGYUAN
from tests.factories import BranchFactory, CampaignFactory, DonationFactory

pytestmark = pytest.mark.django_db

TIANYU = "360803101"  # 天玉镇, in 青原区


def campaigns_chart(client, user, amounts: list[int]) -> dict:
    """The campaign chart of 青原区 in 2019 with one campaign per amount."""
    branch = BranchFactory(region_id=TIANYU)
    for number, amount in enumerate(amounts):
        DonationFactory(
            branch=branch,
            campaign=CampaignFactory(name=f"活动{number}"),
            amount=Decimal(amount),
        )
    client.force_login(user)
    page = client.get(reverse("portal:region_dashboard", args=[QINGYUAN]) + "?year=2019")
    return page.context["charts"]["campaigns"]


def test_a_campaign_that_dwarfs_the_others_leaves_them_summed_as_others(client, county_staff):
    chart = campaigns_chart(client, county_staff, [1_000_000, 100_000, 3_000, 2_000, 1_000])
    assert chart["names"] == ["活动0", "活动1", "其他"]
    assert chart["values"] == [1_000_000.0, 100_000.0, 6_000.0]
    assert chart["others"] == 3


def test_comparable_campaigns_each_keep_their_bar(client, county_staff):
    chart = campaigns_chart(client, county_staff, [5_000, 4_000, 3_000])
    assert chart["names"] == ["活动0", "活动1", "活动2"]
    assert chart["others"] == 0


def test_too_many_campaigns_end_with_others(client, county_staff):
    amounts = [10_000 - 100 * n for n in range(CAMPAIGN_BARS + 3)]
    chart = campaigns_chart(client, county_staff, amounts)
    assert len(chart["names"]) == CAMPAIGN_BARS and chart["names"][-1] == "其他"
    assert sum(chart["values"]) == sum(amounts)


def test_a_single_small_campaign_left_over_keeps_its_own_bar(client, county_staff):
    chart = campaigns_chart(client, county_staff, [1_000_000, 1_000])
    assert chart["names"] == ["活动0", "活动1"]


def coverage_chart(coverages: list[tuple[int, int]]) -> dict:
    rows = [
        {"name": f"县{n}", "coverage": Coverage.of(covered, total), "rank": None}
        for n, (covered, total) in enumerate(coverages)
    ]
    figures = {figure.name: figure.zero() for figure in FIGURES}
    rollup = type("Rollup", (), {"figures": figures | {"donations.by_campaign": []}})
    return chart_data(rollup=rollup, rows=rows, level="county", months=[])["coverage"]


def test_coverage_where_every_unit_is_covered_draws_the_covered_counts():
    chart = coverage_chart([(12, 12), (7, 7)])
    assert chart["complete"] is True
    assert chart["covered"] == [12, 7] and chart["uncovered"] == [0, 0]


def test_coverage_with_gaps_draws_covered_and_uncovered():
    chart = coverage_chart([(12, 12), (3, 7)])
    assert chart["complete"] is False
    assert chart["uncovered"] == [0, 4]
