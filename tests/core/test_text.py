"""Numbers and names as people type them: full-width digits read, foreign digits and hidden
characters refused, on every way in (service, API, import)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.text import ascii_number, has_hidden_characters, validate_visible_text
from funds.models import Donation
from funds.validators import parse_amount
from imports import cells
from tests.factories import BranchFactory

FULL_WIDTH = "１２３．５０"
ARABIC_INDIC = "١٢٣"
DEVANAGARI = "१२३"


def test_full_width_digits_read_as_ascii():
    assert ascii_number("１，２３４．５０") == "1,234.50"
    assert ascii_number("－５") == "-5"


@pytest.mark.parametrize("read", [parse_amount, cells.amount])
def test_full_width_amount_is_read_in_the_service_and_the_import(read):
    assert read(FULL_WIDTH) == Decimal("123.50")


@pytest.mark.parametrize("typed", [ARABIC_INDIC, DEVANAGARI, "12٣"])
def test_digits_of_other_scripts_are_refused_by_the_service(typed):
    with pytest.raises(ValidationError) as refused:
        parse_amount(typed)
    assert refused.value.code == "amount_invalid"


@pytest.mark.parametrize("typed", [ARABIC_INDIC, DEVANAGARI])
def test_digits_of_other_scripts_are_refused_by_the_import(typed):
    with pytest.raises(cells.CellError):
        cells.amount(typed)


@pytest.mark.django_db
def test_the_api_reads_full_width_and_refuses_other_digits(api, county_staff):
    branch = BranchFactory()
    client = api(county_staff, HTTP_ACCEPT_LANGUAGE="en")
    body = {"branch": branch.pk, "channel": "online", "received_on": "2019-09-09"}
    accepted = client.post("/api/v1/donations/", {**body, "amount": FULL_WIDTH})
    assert accepted.status_code == 201
    assert accepted.json()["amount"] == "123.50"
    refused = client.post("/api/v1/donations/", {**body, "amount": ARABIC_INDIC})
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["amount"]
    assert Donation.objects.count() == 1


@pytest.mark.parametrize(
    "text", ["张\u202e三", "张\u200b三", "\ufeff张三", "张三\u2066", "abc\u00adde"], ids=repr
)
def test_hidden_characters_are_found_and_refused(text):
    assert has_hidden_characters(text)
    with pytest.raises(ValidationError):
        validate_visible_text(text)


@pytest.mark.parametrize("text", ["张三", "Zhang San", "天玉镇红十字会（第一）", "A-1 · 二"])
def test_visible_text_passes(text):
    assert not has_hidden_characters(text)
    validate_visible_text(text)
