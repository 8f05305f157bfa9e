"""Data no figure can count is refused: dates before 1900 (the database refuses them too)
and names with direction-changing or invisible characters, on every way in."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from funds.models import Donation
from funds.services import donation_record
from imports import cells
from members.models import Member
from tests.factories import BranchFactory, DonationFactory

pytestmark = pytest.mark.django_db

EARLY = ["0001-01-01", "1899-12-31"]


@pytest.mark.parametrize("day", EARLY)
def test_the_service_refuses_a_donation_before_1900(county_staff, day):
    branch = BranchFactory()
    with pytest.raises(ValidationError) as refused:
        donation_record(
            user=county_staff,
            branch=branch,
            amount=Decimal("10.00"),
            channel="cash",
            received_on=datetime.date.fromisoformat(day),
        )
    assert "received_on" in refused.value.message_dict
    assert not Donation.objects.exists()


@pytest.mark.parametrize("day", EARLY)
def test_the_api_refuses_a_donation_before_1900(api, county_staff, day):
    branch = BranchFactory()
    body = {"branch": branch.pk, "amount": "10.00", "channel": "cash", "received_on": day}
    answer = api(county_staff, HTTP_ACCEPT_LANGUAGE="en").post("/api/v1/donations/", body)
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"received_on": ["Dates before 1900 cannot be recorded."]}


@pytest.mark.parametrize("day", EARLY)
def test_the_import_refuses_a_date_before_1900(day):
    with pytest.raises(cells.CellError, match="1900"):
        cells.date_value(day)


def test_the_database_refuses_a_donation_before_1900_whatever_the_path():
    with pytest.raises(IntegrityError), transaction.atomic():
        DonationFactory(received_on=datetime.date(1899, 12, 31))


@pytest.mark.parametrize("name", ["张\u202e三", "张\u200b三"], ids=["RLO", "ZWSP"])
def test_the_api_refuses_a_member_name_with_hidden_characters(api, county_staff, name):
    branch = BranchFactory()
    body = {"branch": branch.pk, "name": name, "joined_on": "2020-01-01"}
    answer = api(county_staff).post("/api/v1/members/", body)
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["name"]
    assert not Member.objects.exists()


def test_the_admin_refuses_a_member_name_with_hidden_characters(client, county_staff):
    from django.urls import reverse

    branch = BranchFactory()
    client.force_login(county_staff)
    form = {"branch": branch.pk, "name": "张\u202e三", "kind": "person", "joined_on": "2020-01-01"}
    answer = client.post(reverse("admin:members_member_add"), form)
    assert answer.status_code == 200
    assert "name" in answer.context["adminform"].form.errors
    assert not Member.objects.exists()
