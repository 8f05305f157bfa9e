"""Every filter of the funds FilterSets, on two records: one that matches, one that does not."""

import datetime
from decimal import Decimal

import pytest

from funds.filtersets import CampaignFilterSet, DonationFilterSet, DonorFilterSet
from funds.models import Campaign, Donation, Donor
from funds.selectors import donation_list
from funds.services import donation_reverse
from tests.conftest import JIAN, QINGYUAN
from tests.factories import BranchFactory, CampaignFactory, DonationFactory, DonorFactory

pytestmark = pytest.mark.django_db

ZHIXIA = "360803101"  # 值夏镇, another town of 青原区


def filtered(filterset_class, queryset, params: dict) -> list:
    filterset = filterset_class(params, queryset=queryset)
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


# Donors ---------------------------------------------------------------------------------


@pytest.fixture
def donors() -> dict[str, Donor]:
    return {
        "company": DonorFactory(name="吉安某公司", region_id=QINGYUAN),
        "person": DonorFactory(
            name="李善人", kind="individual", region_id=JIAN, address="吉州区文山街道"
        ),
    }


DONOR_CASES = {
    "region": ({"region": QINGYUAN}, "company"),
    "search": ({"search": "文山"}, "person"),
    "kind": ({"kind": "individual"}, "person"),
}


@pytest.mark.parametrize("name", DONOR_CASES)
def test_donor_filter(donors, name):
    params, expected = DONOR_CASES[name]
    assert filtered(DonorFilterSet, Donor.objects.all(), params) == [donors[expected]]


def test_donor_ordering(donors):
    rows = filtered(DonorFilterSet, Donor.objects.all(), {"ordering": "-id"})
    assert rows == [donors["person"], donors["company"]]


def test_donor_filters_are_all_tested():
    assert set(DonorFilterSet.base_filters) == {*DONOR_CASES, "ordering"}


# Campaigns ------------------------------------------------------------------------------


@pytest.fixture
def campaigns() -> dict[str, Campaign]:
    city = CampaignFactory(name="吉安市99公益日2019", region_id=JIAN)
    return {
        "city": city,
        "meals": CampaignFactory(
            name="塘尾老人幸福餐桌",
            kind="project",
            region_id=QINGYUAN,
            parent=city,
            starts_on=datetime.date(2020, 9, 7),
            ends_on=None,
        ),
    }


CAMPAIGN_CASES = {
    "region": (lambda c: {"region": QINGYUAN}, "meals"),
    "parent": (lambda c: {"parent": c["city"].pk}, "meals"),
    "starts_after": (lambda c: {"starts_after": "2020-01-01"}, "meals"),
    "starts_before": (lambda c: {"starts_before": "2020-01-01"}, "city"),
    "year": (lambda c: {"year": 2019}, "city"),
    "search": (lambda c: {"search": "餐桌"}, "meals"),
    "kind": (lambda c: {"kind": "giving_day"}, "city"),
}


@pytest.mark.parametrize("name", CAMPAIGN_CASES)
def test_campaign_filter(campaigns, name):
    params, expected = CAMPAIGN_CASES[name]
    rows = filtered(CampaignFilterSet, Campaign.objects.all(), params(campaigns))
    assert rows == [campaigns[expected]]


def test_campaign_ordering(campaigns):
    rows = filtered(CampaignFilterSet, Campaign.objects.all(), {"ordering": "starts_on"})
    assert rows == [campaigns["city"], campaigns["meals"]]


def test_campaign_filters_are_all_tested():
    assert set(CampaignFilterSet.base_filters) == {*CAMPAIGN_CASES, "ordering"}


# Donations ------------------------------------------------------------------------------


@pytest.fixture
def donations(campaigns, superuser) -> dict[str, Donation]:
    online = DonationFactory(
        campaign=campaigns["city"],
        amount=Decimal("5169000.00"),
        channel="online",
        receipt_no="R2019-00000001",
    )
    masks = DonationFactory(
        branch=BranchFactory(region_id=ZHIXIA),
        kind="in_kind",
        in_kind_description="口罩7000只",
        channel="goods",
        received_on=datetime.date(2020, 2, 1),
        designated=True,
        designation="抗击新冠肺炎",
        matching=True,
    )
    reversal = donation_reverse(donation=masks, reason="重复录入", user=None)
    return {"online": online, "masks": masks, "reversal": reversal}


DONATION_CASES = {
    "region": (
        lambda d: {"region": QINGYUAN, "received_before": "2020-12-31"},
        ["masks", "online"],
    ),
    "branch": (lambda d: {"branch": d["online"].branch_id}, ["online"]),
    "donor": (lambda d: {"donor": d["online"].donor_id}, ["online"]),
    "campaign": (lambda d: {"campaign": d["online"].campaign_id}, ["online"]),
    "status": (lambda d: {"status": "reversed"}, ["masks"]),
    "received_after": (
        lambda d: {"received_after": "2020-01-01", "kind": "in_kind"},
        ["reversal", "masks"],
    ),
    "received_before": (lambda d: {"received_before": "2019-12-31"}, ["online"]),
    "year": (lambda d: {"year": 2019}, ["online"]),
    "search": (lambda d: {"search": "R2019-00000001"}, ["online"]),
    "kind": (lambda d: {"kind": "cash"}, ["online"]),
    "channel": (lambda d: {"channel": "online"}, ["online"]),
    "designated": (lambda d: {"designated": "true", "status": "reversed"}, ["masks"]),
    "matching": (lambda d: {"matching": "true"}, ["masks"]),
}


@pytest.mark.parametrize("name", DONATION_CASES)
def test_donation_filter(donations, superuser, name):
    params, expected = DONATION_CASES[name]
    rows = filtered(DonationFilterSet, donation_list(user=superuser), params(donations))
    assert rows == [donations[key] for key in expected]


def test_donation_status_of_a_reversal_entry(donations, superuser):
    rows = filtered(DonationFilterSet, donation_list(user=superuser), {"status": "reversal"})
    assert rows == [donations["reversal"]]


def test_donation_search_by_donor_name(donations, superuser):
    params = {"search": donations["online"].donor.name}
    rows = filtered(DonationFilterSet, donation_list(user=superuser), params)
    assert rows == [donations["online"]]


def test_donation_ordering(donations, superuser):
    rows = filtered(DonationFilterSet, donation_list(user=superuser), {"ordering": "amount"})
    assert rows == [donations["reversal"], donations["masks"], donations["online"]]


def test_donation_filters_are_all_tested():
    assert set(DonationFilterSet.base_filters) == {*DONATION_CASES, "ordering"}
