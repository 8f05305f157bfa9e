"""The donation POST's path: few queries, every rule still enforced, the same answer."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.services import save_or_refuse
from funds.models import Donation
from funds.services import default_funds, donation_record
from tests.conftest import TIANYU
from tests.factories import BranchFactory, CampaignFactory, DonorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    return BranchFactory(region_id=TIANYU)


def payload(branch, **changes) -> dict:
    return {
        "branch": branch.pk,
        "amount": "12.50",
        "channel": "online",
        "received_on": "2024-05-01",
        **changes,
    }


def test_a_donation_post_runs_a_fixed_number_of_queries(
    api, county_staff, branch, django_assert_num_queries
):
    client = api(county_staff)
    donor = DonorFactory(region_id=TIANYU)
    campaign = CampaignFactory(region_id=TIANYU)
    default_funds([(branch.pk, None), (branch.pk, campaign.pk)])  # opened by earlier gifts
    # 1 the branch (scoped), 2 the savepoint of the service's transaction (the test's
    # transaction holds the outer one), 3 the receipt number, 4 the default fund's id,
    # 5 the insert (the summary and balance triggers run inside it), 6 the savepoint's
    # release. No query per check constraint, no existence check of the branch and the
    # user, no reload of the new record.
    with django_assert_num_queries(6):
        assert client.post("/api/v1/donations/", payload(branch)).status_code == 201
    # A donor and a campaign: one scoped lookup each.
    with django_assert_num_queries(8):
        response = client.post(
            "/api/v1/donations/", payload(branch, donor=donor.pk, campaign=campaign.pk)
        )
    assert response.status_code == 201


def test_the_answer_is_the_record_as_read_back(api, county_staff, branch):
    client = api(county_staff)
    created = client.post("/api/v1/donations/", payload(branch, note=" 现场 "))
    assert created.status_code == 201
    read_back = client.get(f"/api/v1/donations/{created.json()['id']}/")
    assert created.json() == read_back.json()
    assert created.json()["status"] == "recorded"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"kind": "in_kind", "channel": "goods"}, "in_kind_description"),
        ({"designated": True}, "designation"),
        ({"received_on": "2999-01-01"}, "received_on"),
    ],
)
def test_the_service_still_refuses_what_the_constraints_forbid(
    api, county_staff, branch, changes, field
):
    response = api(county_staff).post("/api/v1/donations/", payload(branch, **changes))
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Donation.objects.filter(branch=branch).exists()


def test_a_constraint_the_database_refuses_reads_like_full_clean(branch):
    # What slipped past the service's rules: the database refuses it, in the model's words.
    donation = donation_record(
        branch=branch, amount=Decimal("5.00"), channel="cash", received_on=datetime.date.today()
    )
    unlabelled = Donation(
        branch=branch,
        region_code=branch.region_id,
        amount=Decimal("5.00"),
        channel="cash",
        received_on=donation.received_on,
        receipt_no="R-TEST-1",
        designated=True,
    )
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        save_or_refuse(unlabelled)
    assert refused.value.messages == ["A designated donation needs its purpose."]
