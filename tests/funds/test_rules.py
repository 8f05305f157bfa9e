"""funds.rules: each rule on its own, then each bad value through every way in.

A rule's message is the same whether the value comes through the service, the API, the
admin's add form or an import: every path asks the same function.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from funds import rules
from funds.choices import DonationKind, DonorKind
from funds.models import Donation, Donor
from funds.services import donation_record, donation_record_idempotent, donor_create
from orgs.choices import BranchKind, BranchStatus
from orgs.models import Region
from tests.conftest import QINGYUAN, TIANYU
from tests.factories import BranchFactory, CampaignFactory, DonationFactory, DonorFactory
from tests.imports.conftest import row_errors

ID_NUMBER = "360803199001011234"
BAD_ID_NUMBER = "360803199001011235"  # the check digit is wrong
CREDIT_CODE = "91350100M000100Y43"  # a real unified social credit code
BAD_CREDIT_CODE = "91350100M000100Y44"
GUNAN = "360802001"  # 古南街道, a street of 吉州区 (outside county_staff's region)


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


# new_donation_errors --------------------------------------------------------------------

BRANCH = SimpleNamespace(status=BranchStatus.ACTIVE, region_id=TIANYU)
GOOD = {"amount": "1,000", "kind": DonationKind.CASH, "received_on": datetime.date(2019, 9, 8)}


# The tests without the database show that the rules ask it nothing: a query would raise.


def test_a_good_donation_breaks_no_rule():
    assert rules.new_donation_errors(GOOD, branch=BRANCH, campaign_region="3608") == {}


def test_every_broken_rule_of_a_donation_is_reported_by_field(english):
    values = {
        "amount": "-1",
        "kind": DonationKind.IN_KIND,
        "in_kind_description": " ",
        "received_on": tomorrow(),
        "designated": True,
        "designation": "",
        "receipt_no": "A1-R",
        "idempotency_key": "",
    }
    dissolved = SimpleNamespace(status=BranchStatus.DISSOLVED, region_id=QINGYUAN)
    errors = rules.new_donation_errors(values, branch=dissolved, campaign_region=TIANYU)
    assert errors == {
        "branch": ["This branch is dissolved and cannot receive donations."],
        "campaign": ["The campaign must be organized at the branch's region or a region above it."],
        "amount": ["The amount must be more than 0."],
        "received_on": ["The date cannot be later than today."],
        "in_kind_description": ["A donation in kind needs the goods and their quantity."],
        "designation": ["A designated donation needs its purpose."],
        "receipt_no": ["Receipt numbers ending in “-R” are kept for reversal entries."],
        "idempotency_key": ["An idempotency key has 1 to 64 characters."],
    }


def test_values_left_out_are_the_fields_own_required_checks():
    assert rules.new_donation_errors({"amount": None}, branch=BRANCH) == {}


# One rule each --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "messages"),
    [
        (BranchStatus.ACTIVE, []),
        (BranchStatus.DISSOLVED, ["This branch is dissolved and cannot receive donations."]),
    ],
)
def test_a_dissolved_branch_receives_no_donation(english, status, messages):
    assert rules.branch_errors(SimpleNamespace(status=status)) == messages


@pytest.mark.parametrize(
    ("campaign_region", "refused"),
    [(None, False), ("36", False), ("3608", False), (QINGYUAN, False), (TIANYU, True)],
)
def test_campaign_errors_allow_the_branchs_region_and_those_above(
    english, campaign_region, refused
):
    messages = rules.campaign_errors(campaign_region, branch_region=QINGYUAN)
    expected = "The campaign must be organized at the branch's region or a region above it."
    assert messages == ([expected] if refused else [])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1,234.5", None),
        (Decimal("0.01"), None),
        ("0", "The amount must be more than 0."),
        (Decimal("-5"), "The amount must be more than 0."),
        ("1.234", "An amount has at most 2 decimal places."),
        (10**12, "The amount must be less than 1,000,000,000,000 yuan."),
        ("十元", "Enter an amount in yuan, such as 1234.50."),
    ],
)
def test_amount_errors_are_those_of_parse_amount(english, value, message):
    assert rules.amount_errors(value) == ([message] if message else [])


@pytest.mark.parametrize(
    ("received_on", "refused"),
    [(None, False), ("2999-01-01", False), (timezone.localdate(), False), (tomorrow(), True)],
)
def test_received_on_errors_refuse_a_date_after_today(english, received_on, refused):
    expected = ["The date cannot be later than today."] if refused else []
    assert rules.received_on_errors(received_on) == expected


@pytest.mark.parametrize(
    ("kind", "description", "refused"),
    [
        (DonationKind.CASH, "", False),
        (None, None, False),
        (DonationKind.IN_KIND, "口罩 7000 只", False),
        (DonationKind.IN_KIND, "  ", True),
        (DonationKind.IN_KIND, None, True),
    ],
)
def test_goods_need_their_description(english, kind, description, refused):
    expected = ["A donation in kind needs the goods and their quantity."] if refused else []
    assert rules.in_kind_description_errors(kind, description) == expected


@pytest.mark.parametrize(
    ("designated", "designation", "refused"),
    [(False, "", False), (None, None, False), (True, "助学", False), (True, " ", True)],
)
def test_a_designated_gift_needs_its_purpose(english, designated, designation, refused):
    expected = ["A designated donation needs its purpose."] if refused else []
    assert rules.designation_errors(designated, designation) == expected


@pytest.mark.parametrize(
    ("receipt_no", "message"),
    [
        ("", None),
        ("吉红捐字2019-0001", None),
        ("9" * 38, None),
        ("R2024-0000001", None),
        ("9" * 39, "A receipt number has at most 38 characters."),
        ("T-2-R", "Receipt numbers ending in “-R” are kept for reversal entries."),
        (
            "R2019-00000001",
            "Receipt numbers like R2024-00000001 are assigned by the server; "
            "leave the receipt number empty to get one.",
        ),
    ],
)
def test_a_given_receipt_number_is_short_and_in_no_reserved_shape(english, receipt_no, message):
    assert rules.receipt_no_errors(receipt_no) == ([message] if message else [])


@pytest.mark.django_db
def test_receipt_no_taken_errors_ask_one_query(english, django_assert_num_queries):
    DonationFactory(receipt_no="T-1")
    with django_assert_num_queries(1):
        assert rules.receipt_no_taken_errors("T-1") == ["Receipt number T-1 is already in use."]
    assert rules.receipt_no_taken_errors("T-2") == []


@pytest.mark.parametrize(
    ("key", "refused"), [("k", False), ("k" * 64, False), ("", True), ("k" * 65, True), (7, True)]
)
def test_an_idempotency_key_has_1_to_64_characters(english, key, refused):
    expected = ["An idempotency key has 1 to 64 characters."] if refused else []
    assert rules.idempotency_key_errors(key) == expected


@pytest.mark.parametrize(
    ("kind", "identifier", "message"),
    [
        (DonorKind.ENTERPRISE, "", None),
        (DonorKind.INDIVIDUAL, ID_NUMBER, None),
        (DonorKind.CHAMBER, CREDIT_CODE, None),
        (DonorKind.INDIVIDUAL, BAD_ID_NUMBER, "The ID number's check digit is wrong."),
        (
            DonorKind.ENTERPRISE,
            BAD_CREDIT_CODE,
            "The unified social credit code's check character is wrong.",
        ),
        (
            DonorKind.ORGANIZATION,
            ID_NUMBER,
            "The unified social credit code's check character is wrong.",
        ),
        (DonorKind.ANONYMOUS, ID_NUMBER, "An anonymous donor has no identifier."),
    ],
)
def test_donor_identifier_errors_follow_the_donor_kind(english, kind, identifier, message):
    assert rules.donor_identifier_errors(kind, identifier) == ([message] if message else [])


@pytest.mark.django_db
def test_donor_identifier_taken_errors_look_at_the_region_only(english, django_assert_num_queries):
    DonorFactory(region_id=QINGYUAN, identifier=CREDIT_CODE)
    with django_assert_num_queries(1):
        assert rules.donor_identifier_taken_errors(QINGYUAN, CREDIT_CODE) == [
            "A donor with this identifier is already registered at this region."
        ]
    assert rules.donor_identifier_taken_errors(TIANYU, CREDIT_CODE) == []
    with django_assert_num_queries(0):
        assert rules.donor_identifier_taken_errors(QINGYUAN, "") == []


# Every way in ---------------------------------------------------------------------------
#
# Each case is a bad value and the rule function that refuses it; each path submits the
# value its own way (keyword arguments, a JSON body, an admin form, a sheet row) as
# county_staff, in Chinese, and must answer that function's message beside the field.


@dataclass(frozen=True)
class Case:
    """A rule, the bad value that breaks it, and the paths that can carry that value."""

    field: str
    #: The rule function's own answer for the bad value.
    expected: Callable[[], list[str]]
    #: The values that break the rule (made in the test's database).
    changes: Callable[[], dict]
    paths: tuple[str, ...] = ("service", "api", "admin", "import")


def dissolved_branch():
    return BranchFactory(
        name="塘尾村红十字会", status=BranchStatus.DISSOLVED, dissolved_on=datetime.date(2021, 3, 1)
    )


def county_branch_and_township_campaign():
    return {
        "branch": BranchFactory(name="青原区红十字会", region_id=QINGYUAN, kind=BranchKind.COUNTY),
        "campaign": CampaignFactory(name="塘尾老人幸福餐桌", region_id=TIANYU),
    }


def receipt_of_another_county():
    DonationFactory(receipt_no="Z-1", branch=BranchFactory(region_id=GUNAN))
    return {"receipt_no": "Z-1"}


NO_RECEIPT_IN_API = ("service", "admin", "import")  # the API numbers every receipt itself
DONATION_CASES = {
    "amount_not_positive": Case(
        "amount", lambda: rules.amount_errors("-5"), lambda: {"amount": "-5"}
    ),
    "received_tomorrow": Case(
        "received_on",
        lambda: rules.received_on_errors(tomorrow()),
        lambda: {"received_on": tomorrow()},
    ),
    "goods_undescribed": Case(
        "in_kind_description",
        lambda: rules.in_kind_description_errors(DonationKind.IN_KIND, ""),
        lambda: {"kind": DonationKind.IN_KIND, "channel": "goods"},
    ),
    "designation_missing": Case(
        "designation",
        lambda: rules.designation_errors(True, ""),
        lambda: {"designated": True},
    ),
    "branch_dissolved": Case(
        "branch",
        lambda: rules.branch_errors(SimpleNamespace(status=BranchStatus.DISSOLVED)),
        lambda: {"branch": dissolved_branch()},
    ),
    "campaign_below_branch": Case(
        "campaign",
        lambda: rules.campaign_errors(TIANYU, branch_region=QINGYUAN),
        county_branch_and_township_campaign,
    ),
    "receipt_no_of_a_reversal": Case(
        "receipt_no",
        lambda: rules.receipt_no_errors("A1-R"),
        lambda: {"receipt_no": "A1-R"},
        NO_RECEIPT_IN_API,
    ),
    "receipt_no_of_the_server": Case(
        "receipt_no",
        lambda: rules.receipt_no_errors("R2024-00000001"),
        lambda: {"receipt_no": "R2024-00000001"},
        NO_RECEIPT_IN_API,
    ),
    "receipt_no_too_long": Case(
        "receipt_no",
        lambda: rules.receipt_no_errors("9" * 39),
        lambda: {"receipt_no": "9" * 39},
        NO_RECEIPT_IN_API,
    ),
    "receipt_no_taken": Case(
        "receipt_no",
        lambda: [rules.receipt_no_in_use("Z-1")],
        receipt_of_another_county,
        NO_RECEIPT_IN_API,
    ),
    # A sheet's rows are keyed by their receipt numbers, not by idempotency keys.
    "idempotency_key_too_long": Case(
        "idempotency_key",
        lambda: rules.idempotency_key_errors("k" * 65),
        lambda: {"idempotency_key": "k" * 65},
        ("service", "api"),
    ),
}


def identifier_taken_at_the_township():
    DonorFactory(name="甲公司", region_id=TIANYU, identifier=CREDIT_CODE)
    return {"kind": DonorKind.ENTERPRISE, "identifier": CREDIT_CODE}


DONOR_CASES = {
    "id_number_check_digit": Case(
        "identifier",
        lambda: rules.donor_identifier_errors(DonorKind.INDIVIDUAL, BAD_ID_NUMBER),
        lambda: {"kind": DonorKind.INDIVIDUAL, "identifier": BAD_ID_NUMBER},
    ),
    "credit_code_check_character": Case(
        "identifier",
        lambda: rules.donor_identifier_errors(DonorKind.ENTERPRISE, BAD_CREDIT_CODE),
        lambda: {"kind": DonorKind.ENTERPRISE, "identifier": BAD_CREDIT_CODE},
    ),
    "anonymous_with_identifier": Case(
        "identifier",
        lambda: rules.donor_identifier_errors(DonorKind.ANONYMOUS, ID_NUMBER),
        lambda: {"kind": DonorKind.ANONYMOUS, "identifier": ID_NUMBER},
    ),
    "identifier_taken_at_the_region": Case(
        "identifier",
        lambda: [rules.donor_identifier_in_use()],
        identifier_taken_at_the_township,
    ),
}


def wire(value):
    """A value as a request body carries it: records by id, dates as ISO text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def form_data(values: dict) -> dict:
    """An admin form's POST: a ticked box is "on", an unticked one is left out."""
    data = {name: wire(value) for name, value in values.items() if value is not False}
    return {name: "on" if value is True else value for name, value in data.items()}


def admin_errors(user, page: str, values: dict) -> dict:
    client = Client()
    client.force_login(user)
    response = client.post(reverse(f"admin:funds_{page}_add"), form_data(values))
    if response.status_code == 302:
        return {}
    return {
        field: list(messages)
        for field, messages in response.context["adminform"].form.errors.items()
    }


def api_errors(response) -> dict:
    return {} if response.status_code < 300 else response.json()["errors"]


# Donations through each path


def new_donation(**changes) -> dict:
    """A 100-yuan bank transfer to 天玉镇's society on 99 Giving Day 2024, with ``changes``."""
    if "branch" not in changes:
        changes["branch"] = BranchFactory(name="天玉镇红十字会", region_id=TIANYU)
    return {
        "amount": "100.00",
        "kind": DonationKind.CASH,
        "channel": "bank",
        "received_on": datetime.date(2024, 9, 8),
    } | changes


def donation_through_service(user, values: dict) -> dict:
    values = dict(values)
    key = values.pop("idempotency_key", None)
    try:
        if key is None:
            donation_record(**values, user=user)
        else:
            donation_record_idempotent(idempotency_key=key, **values, user=user)
    except ValidationError as error:
        return error.message_dict
    return {}


def donation_through_api(user, values: dict) -> dict:
    values, headers = dict(values), {}
    if "idempotency_key" in values:
        headers["HTTP_IDEMPOTENCY_KEY"] = values.pop("idempotency_key")
    client = APIClient(**headers)
    client.force_authenticate(user)
    body = {name: wire(value) for name, value in values.items()}
    return api_errors(client.post("/api/v1/donations/", body, format="json"))


def donation_through_admin(user, values: dict) -> dict:
    return admin_errors(user, "donation", {"receipt_no": ""} | values)


def donation_through_import(user, values: dict) -> dict:
    values = dict(values)
    branch, campaign = values.pop("branch"), values.pop("campaign", None)
    cells = {name: wire(value) for name, value in values.items()}
    designated = cells.pop("designated", None)
    cells |= {
        "receipt_no": cells.get("receipt_no") or "A1",
        "region": branch.region_id,
        "branch": branch.name,
        "campaign": campaign.name if campaign else "",
        "designated": {True: "是", False: "否", None: ""}[designated],
    }
    return row_errors("donations", user, cells)


DONATION_PATHS = {
    "service": donation_through_service,
    "api": donation_through_api,
    "admin": donation_through_admin,
    "import": donation_through_import,
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "path"),
    [(rule, path) for rule, case in DONATION_CASES.items() for path in case.paths],
)
def test_a_donation_rule_says_the_same_on_every_path(county_staff, rule, path):
    case = DONATION_CASES[rule]
    values = new_donation(**case.changes())
    before = Donation.objects.count()
    with translation.override("zh-hans"):
        expected = case.expected()
        errors = DONATION_PATHS[path](county_staff, values)
    assert errors == {case.field: expected}
    assert Donation.objects.count() == before


# Donors through each path


def new_donor(**changes) -> dict:
    return {"name": "某捐赠方", "region": TIANYU} | changes


def donor_through_service(user, values: dict) -> dict:
    region = Region.objects.get(code=values.pop("region"))
    try:
        donor_create(**values, region=region, user=user)
    except ValidationError as error:
        return error.message_dict
    return {}


def donor_through_api(user, values: dict) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    return api_errors(client.post("/api/v1/donors/", values, format="json"))


def donor_through_admin(user, values: dict) -> dict:
    return admin_errors(user, "donor", values)


def donor_through_import(user, values: dict) -> dict:
    """A donation from the donor: an import registers the donors its rows name."""
    cells = {
        "donor": values["name"],
        "donor_kind": values["kind"],
        "donor_identifier": values["identifier"],
    }
    errors = donation_through_import(user, new_donation() | cells)
    return {"identifier" if key == "donor_identifier" else key: e for key, e in errors.items()}


DONOR_PATHS = {
    "service": donor_through_service,
    "api": donor_through_api,
    "admin": donor_through_admin,
    "import": donor_through_import,
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rule", "path"), [(rule, path) for rule, case in DONOR_CASES.items() for path in case.paths]
)
def test_a_donor_rule_says_the_same_on_every_path(county_staff, rule, path):
    case = DONOR_CASES[rule]
    values = new_donor(**case.changes())
    before = Donor.objects.count()
    with translation.override("zh-hans"):
        expected = case.expected()
        errors = DONOR_PATHS[path](county_staff, values)
    assert errors == {case.field: expected}
    assert Donor.objects.count() == before
