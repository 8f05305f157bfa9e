"""Errors an integrator can program against: a stable code per rule, listed once."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

from core.errors import FIELD_CODES, RESPONSE_CODES
from tests.factories import BranchFactory, DonationFactory, MemberFactory

API_DOC = Path(settings.BASE_DIR) / "docs" / "API.md"

pytestmark = pytest.mark.django_db


def documented_codes(header: str) -> set[str]:
    """The codes of the table that starts with ``header`` in docs/API.md."""
    text = API_DOC.read_text(encoding="utf-8")
    table = text[text.index(header) :].split("\n\n", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", table, flags=re.MULTILINE))


def test_docs_list_every_code_and_no_other():
    SchemaGenerator().get_schema(request=None, public=True)  # every app's rules loaded
    assert documented_codes("| Code |") == set(RESPONSE_CODES)
    assert documented_codes("| Field code |") == set(FIELD_CODES)


def test_the_schema_lists_the_codes_as_enums():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    assert components["ErrorCodeEnum"]["enum"] == sorted(RESPONSE_CODES)
    assert components["FieldErrorCodeEnum"]["enum"] == sorted(FIELD_CODES)
    assert {"donation_already_reversed", "amount_not_positive"} <= set(FIELD_CODES)


def payload(branch, **changes) -> dict:
    base = {"branch": branch.pk, "amount": "100", "channel": "bank", "received_on": "2026-09-08"}
    return base | changes


def test_each_broken_rule_answers_its_own_code_beside_its_message(api, county_staff):
    branch = BranchFactory()
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        "/api/v1/donations/",
        payload(branch, amount="0", received_on="2999-01-01", designated=True),
    )
    answer = response.json()
    assert (response.status_code, answer["code"]) == (400, "invalid")
    assert answer["codes"] == {
        "amount": ["amount_not_positive"],
        "received_on": ["date_in_future"],
        "designation": ["designation_required"],
    }
    assert answer["errors"]["amount"] == ["The amount must be more than 0."]


def test_a_second_reversal_says_donation_already_reversed(api, county_staff):
    donation = DonationFactory()
    client = api(county_staff)
    url = f"/api/v1/donations/{donation.pk}/reverse/"
    assert client.post(url, {"reason": "录入错误"}).status_code == 201
    again = client.post(url, {"reason": "录入错误"})
    assert again.json()["codes"] == {"donation": ["donation_already_reversed"]}


def test_rules_of_other_records_have_codes_too(api, county_staff):
    member = MemberFactory(left_on=None)
    client = api(county_staff)
    response = client.post(f"/api/v1/members/{member.pk}/rejoin/", {"rejoined_on": "2026-01-01"})
    assert response.json()["codes"] == {"joined_on": ["member_not_left"]}
    branch = BranchFactory(status="dissolved", dissolved_on="2020-01-01")
    response = client.post(
        f"/api/v1/branches/{branch.pk}/dissolve/", {"dissolved_on": "2021-01-01"}
    )
    assert response.json()["codes"] == {"status": ["branch_already_dissolved"]}


def test_field_shapes_keep_the_codes_of_their_checks(api, county_staff):
    response = api(county_staff).post("/api/v1/donations/", {"channel": "carrier-pigeon"})
    codes = response.json()["codes"]
    assert codes["channel"] == ["invalid_choice"]
    assert codes["branch"] == codes["amount"] == codes["received_on"] == ["required"]
