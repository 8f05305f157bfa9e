"""The funds services and selectors: rights, region scope, rules, receipts, idempotency, reversals."""

import datetime
import re
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from core.errors import IdempotencyKeyReused
from funds.choices import CampaignKind, DonationChannel, DonationKind, DonationStatus, DonorKind
from funds.models import Campaign, Donation, Donor
from funds.selectors import campaign_list, donation_list, donor_list
from funds.services import (
    campaign_create,
    donation_record,
    donation_record_idempotent,
    donation_reverse,
    donor_create,
)
from funds.validators import parse_amount
from orgs.choices import BranchKind, BranchStatus
from orgs.models import Branch, Region
from tests.conftest import JIAN, JIANGXI, JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory, CampaignFactory, DonationFactory, DonorFactory

pytestmark = pytest.mark.django_db

GUNAN = "360802001"  # 古南街道, a street of 吉州区
OUTSIDE = "This lies outside your region."
SEPT_8 = datetime.date(2019, 9, 8)
CREDIT_CODE = "91350100M000100Y43"  # a real unified social credit code
ID_NUMBER = "360803199001011234"


@pytest.fixture(autouse=True)
def english():
    """Messages in their English msgids, whatever the catalog holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def branch(db):
    """天玉镇's society: in county_staff's region, outside outsider's."""
    return BranchFactory(name="天玉镇红十字会")


@pytest.fixture
def gunan_branch(db):
    """古南街道's society, in 吉州区: the outsider's region."""
    return BranchFactory(name="古南街道红十字会", region_id=GUNAN)


def record(**fields) -> Donation:
    """donation_record with a 1,000-yuan bank transfer on 99 Giving Day 2019 by default."""
    defaults = {"amount": "1,000", "channel": DonationChannel.BANK, "received_on": SEPT_8}
    return donation_record(**(defaults | fields))


def errors_of(call, **fields) -> dict[str, list[str]]:
    """The field errors ``call(**fields)`` raises."""
    with pytest.raises(ValidationError) as caught:
        call(**fields)
    return caught.value.message_dict


# parse_amount ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1,234.5", "1234.50"),
        (" 88 ", "88.00"),
        ("+5", "5.00"),
        ("1.500", "1.50"),
        (1234.5, "1234.50"),
        (100, "100.00"),
        (Decimal("0.01"), "0.01"),
        ("999,999,999,999.99", "999999999999.99"),
    ],
)
def test_parse_amount_reads_yuan_with_two_places(value, expected):
    amount = parse_amount(value)
    assert (amount, str(amount)) == (Decimal(expected), expected)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0", "amount_not_positive"),
        ("-5", "amount_not_positive"),
        (Decimal("-5"), "amount_not_positive"),
        ("1.234", "amount_fen"),
        (0.1 + 0.2, "amount_fen"),
        ("1000000000000", "amount_too_large"),
        (10**12, "amount_too_large"),
        ("1" * 30, "amount_too_large"),
        (Decimal("1" * 28 + ".5"), "amount_too_large"),
        ("abc", "amount_invalid"),
        ("", "amount_invalid"),
        ("1e3", "amount_invalid"),
        ("1,23,4", "amount_invalid"),
        (float("nan"), "amount_invalid"),
        (Decimal("Infinity"), "amount_invalid"),
        (True, "amount_invalid"),
        (None, "amount_invalid"),
    ],
)
def test_parse_amount_refuses_what_is_not_a_positive_amount_of_fen(value, code):
    with pytest.raises(ValidationError) as caught:
        parse_amount(value)
    assert caught.value.code == code


# donor_create ---------------------------------------------------------------------------


def test_donor_create_registers_a_donor_with_tidy_text(county_staff):
    region = Region.objects.get(code=TIANYU)
    donor = donor_create(
        kind=DonorKind.INDIVIDUAL,
        name=" 刘明 ",
        region=region,
        identifier=f" {ID_NUMBER} ",
        phone="13812345678",
        user=county_staff,
    )
    donor.refresh_from_db()
    assert (donor.name, donor.identifier, donor.region_id) == ("刘明", ID_NUMBER, TIANYU)


def test_donor_create_outside_the_region_is_refused_on_region(county_staff):
    errors = errors_of(
        donor_create,
        kind=DonorKind.ENTERPRISE,
        name="吉州某公司",
        region=Region.objects.get(code=JIZHOU),
        user=county_staff,
    )
    assert errors == {"region": [OUTSIDE]}
    assert not Donor.objects.exists()


def test_viewer_cannot_create_a_donor(city_official):
    with pytest.raises(PermissionDenied):
        donor_create(
            kind=DonorKind.CHAMBER,
            name="吉安市商会",
            region=city_official.region,
            user=city_official,
        )
    assert not Donor.objects.exists()


def test_superuser_registers_donors_anywhere(superuser):
    donor = donor_create(
        kind=DonorKind.ENTERPRISE,
        name="福建某公司",
        region=Region.objects.get(code="35"),
        identifier=CREDIT_CODE.lower(),
        user=superuser,
    )
    assert Donor.objects.get().identifier == CREDIT_CODE == donor.identifier


@pytest.mark.parametrize(
    ("kind", "identifier", "message"),
    [
        (DonorKind.INDIVIDUAL, "360803199001011235", "The ID number's check digit is wrong."),
        (
            DonorKind.ENTERPRISE,
            "91350100M000100Y44",
            "The unified social credit code's check character is wrong.",
        ),
        (
            DonorKind.ORGANIZATION,
            ID_NUMBER,
            "The unified social credit code's check character is wrong.",
        ),
        (DonorKind.CHAMBER, "91350100M000I00Y43", "A unified social credit code has 18 characters"),
        (DonorKind.ANONYMOUS, ID_NUMBER, "An anonymous donor has no identifier."),
    ],
)
def test_donor_identifier_is_checked_by_donor_kind(county_staff, kind, identifier, message):
    errors = errors_of(
        donor_create,
        kind=kind,
        name="某捐赠方",
        region=county_staff.region,
        identifier=identifier,
        user=county_staff,
    )
    assert list(errors) == ["identifier"]
    assert errors["identifier"][0].startswith(message)
    assert not Donor.objects.exists()


def test_donor_identifier_already_registered_at_the_region_is_refused(county_staff):
    DonorFactory(identifier=CREDIT_CODE, region_id=QINGYUAN)
    errors = errors_of(
        donor_create,
        kind=DonorKind.ENTERPRISE,
        name="重复登记",
        region=county_staff.region,
        identifier=CREDIT_CODE,
        user=county_staff,
    )
    assert errors == {
        "identifier": ["A donor with this identifier is already registered at this region."]
    }
    assert Donor.objects.count() == 1


def test_donor_create_reports_every_bad_field_at_once(county_staff):
    errors = errors_of(
        donor_create,
        kind="alien",
        name=" ",
        region=Region.objects.get(code=JIZHOU),
        phone="12345",
        user=county_staff,
    )
    assert set(errors) == {"kind", "name", "region", "phone"}


# campaign_create ------------------------------------------------------------------------


def test_campaign_create_parses_the_target(county_staff):
    campaign = campaign_create(
        name="天玉贫困师生爱心助学",
        kind=CampaignKind.PROJECT,
        region=Region.objects.get(code=TIANYU),
        starts_on=datetime.date(2020, 9, 7),
        target_amount="50,000",
        user=county_staff,
    )
    campaign.refresh_from_db()
    assert (campaign.target_amount, campaign.region_id) == (Decimal("50000.00"), TIANYU)


def test_county_campaign_may_sit_under_the_citys_campaign(county_staff):
    city_day = CampaignFactory(name="2020年99公益日", region_id=JIAN)
    campaign = campaign_create(
        name="2020年99公益日（青原区）",
        kind=CampaignKind.GIVING_DAY,
        region=county_staff.region,
        starts_on=datetime.date(2020, 9, 7),
        ends_on=datetime.date(2020, 9, 9),
        parent=city_day,
        user=county_staff,
    )
    assert Campaign.objects.get(parent=city_day) == campaign


def test_parent_campaign_below_the_region_is_refused(superuser):
    township_project = CampaignFactory(name="塘尾老人幸福餐桌", region_id=TIANYU)
    errors = errors_of(
        campaign_create,
        name="青原区助老",
        kind=CampaignKind.PROJECT,
        region=Region.objects.get(code=QINGYUAN),
        starts_on=datetime.date(2021, 1, 1),
        parent=township_project,
        user=superuser,
    )
    assert errors == {
        "parent": ["A sub-campaign must be organized at its parent campaign's region or below it."]
    }
    assert Campaign.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"ends_on": datetime.date(2020, 9, 6)},
            "ends_on",
            "A campaign cannot end before it starts.",
        ),
        ({"target_amount": "0"}, "target_amount", "The amount must be more than 0."),
        (
            {"name": "2020年99公益日"},
            "name",
            "A campaign of this name already exists at this region.",
        ),
        ({"region": JIZHOU}, "region", OUTSIDE),
    ],
)
def test_campaign_create_refuses_a_broken_rule_on_its_field(county_staff, fields, field, message):
    CampaignFactory(name="2020年99公益日", region_id=QINGYUAN)
    fields = {
        "name": "2020年助学",
        "region": QINGYUAN,
        "starts_on": datetime.date(2020, 9, 7),
    } | fields
    fields["region"] = Region.objects.get(code=fields["region"])
    errors = errors_of(campaign_create, kind=CampaignKind.GIVING_DAY, user=county_staff, **fields)
    assert errors == {field: [message]}
    assert Campaign.objects.count() == 1


def test_viewer_cannot_create_a_campaign(city_official):
    with pytest.raises(PermissionDenied):
        campaign_create(
            name="2021年99公益日",
            kind=CampaignKind.GIVING_DAY,
            region=city_official.region,
            starts_on=datetime.date(2021, 9, 7),
            user=city_official,
        )
    assert not Campaign.objects.exists()


# donation_record ------------------------------------------------------------------------


def test_donation_record_numbers_the_receipt_and_copies_the_region(county_staff, branch):
    donation = record(branch=branch, amount="1,234.5", user=county_staff)
    donation.refresh_from_db()
    assert re.fullmatch(r"R2019-\d{8}", donation.receipt_no)
    assert (donation.amount, donation.region_code) == (Decimal("1234.50"), TIANYU)
    assert (donation.recorded_by, donation.kind) == (county_staff, DonationKind.CASH)


def test_server_receipt_numbers_follow_the_sequence_and_the_year(branch):
    first = record(branch=branch)
    second = record(branch=branch, received_on=datetime.date(2020, 1, 2))
    assert second.receipt_no.startswith("R2020-")
    assert int(second.receipt_no[-8:]) > int(first.receipt_no[-8:])


def test_given_receipt_number_is_kept(branch):
    assert record(branch=branch, receipt_no=" 吉红捐字2019-0001 ").receipt_no == "吉红捐字2019-0001"


@pytest.mark.parametrize(
    ("receipt_no", "message"),
    [
        ("T-1", "Receipt number T-1 is already in use."),
        ("T-2-R", "Receipt numbers ending in “-R” are kept for reversal entries."),
        (
            "R2019-00000001",
            "Receipt numbers like R2024-00000001 are assigned by the server; "
            "leave the receipt number empty to get one.",
        ),
        ("9" * 39, "A receipt number has at most 38 characters."),
    ],
)
def test_given_receipt_number_must_be_free_and_not_reserved(branch, receipt_no, message):
    DonationFactory(receipt_no="T-1")
    assert errors_of(record, branch=branch, receipt_no=receipt_no) == {"receipt_no": [message]}
    assert Donation.objects.count() == 1


@pytest.mark.parametrize("amount", ["0", "-5", "1.234", "十元", 10**12])
def test_donation_record_refuses_a_bad_amount(branch, amount):
    errors = errors_of(record, branch=branch, amount=amount)
    assert list(errors) == ["amount"]
    assert not Donation.objects.exists()


def test_donation_record_outside_the_region_is_refused_on_branch(outsider, branch):
    assert errors_of(record, branch=branch, user=outsider) == {"branch": [OUTSIDE]}
    assert not Donation.objects.exists()


def test_viewer_cannot_record_a_donation(city_official, branch):
    with pytest.raises(PermissionDenied):
        record(branch=branch, user=city_official)
    assert not Donation.objects.exists()


def test_deactivated_staff_cannot_record_a_donation(county_staff, branch):
    county_staff.is_active = False
    with pytest.raises(PermissionDenied):
        record(branch=branch, user=county_staff)
    assert not Donation.objects.exists()


def test_dissolved_branch_cannot_receive_donations(county_staff):
    dissolved = BranchFactory(status=BranchStatus.DISSOLVED, dissolved_on=datetime.date(2021, 3, 1))
    errors = errors_of(record, branch=dissolved, user=county_staff)
    assert errors == {"branch": ["This branch is dissolved and cannot receive donations."]}
    assert not Donation.objects.exists()


@pytest.mark.parametrize("region", [JIANGXI, JIAN, QINGYUAN, TIANYU])
def test_donation_may_join_a_campaign_at_or_above_the_branch(county_staff, branch, region):
    campaign = CampaignFactory(region_id=region)
    assert record(branch=branch, campaign=campaign, user=county_staff).campaign == campaign


def test_campaign_of_a_sibling_county_is_outside_the_region(county_staff, branch):
    jizhou_day = CampaignFactory(region_id=JIZHOU)
    assert errors_of(record, branch=branch, campaign=jizhou_day, user=county_staff) == {
        "campaign": [OUTSIDE]
    }


def test_campaign_below_the_branch_is_refused(county_staff):
    county_branch = BranchFactory(name="青原区红十字会", region_id=QINGYUAN, kind=BranchKind.COUNTY)
    tianyu_project = CampaignFactory(region_id=TIANYU)
    errors = errors_of(record, branch=county_branch, campaign=tianyu_project, user=county_staff)
    assert errors == {
        "campaign": ["The campaign must be organized at the branch's region or a region above it."]
    }
    assert not Donation.objects.exists()


def test_donor_outside_the_region_is_refused(county_staff, branch):
    jizhou_donor = DonorFactory(region_id=JIZHOU)
    assert errors_of(record, branch=branch, donor=jizhou_donor, user=county_staff) == {
        "donor": [OUTSIDE]
    }


def test_donation_cannot_be_received_tomorrow(branch):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    errors = errors_of(record, branch=branch, received_on=tomorrow)
    assert errors == {"received_on": ["The date cannot be later than today."]}
    assert record(branch=branch, received_on=timezone.localdate()).pk


def test_donation_record_reports_every_broken_rule_at_once(branch):
    errors = errors_of(
        record,
        branch=branch,
        amount="-1",
        kind=DonationKind.IN_KIND,
        channel="pigeon",
        designated=True,
        designation=" ",
    )
    assert errors == {
        "amount": ["The amount must be more than 0."],
        "channel": ["Value 'pigeon' is not a valid choice."],
        "in_kind_description": ["A donation in kind needs the goods and their quantity."],
        "designation": ["A designated donation needs its purpose."],
    }
    assert not Donation.objects.exists()


def test_donation_in_kind_keeps_goods_and_designation(county_staff, branch):
    donation = record(
        branch=branch,
        amount="21000",
        kind=DonationKind.IN_KIND,
        channel=DonationChannel.GOODS,
        in_kind_description="口罩 7000 只",
        designated=True,
        designation="新冠肺炎疫情防控",
        matching=True,
        donor=DonorFactory(),
        user=county_staff,
    )
    stored = Donation.objects.values(
        "kind", "in_kind_description", "designation", "matching", "donor"
    ).get()
    assert stored == {
        "kind": DonationKind.IN_KIND,
        "in_kind_description": "口罩 7000 只",
        "designation": "新冠肺炎疫情防控",
        "matching": True,
        "donor": donation.donor_id,
    }


# donation_record_idempotent -------------------------------------------------------------


def test_same_idempotency_key_returns_the_first_donation(county_staff, branch):
    fields = {"branch": branch, "amount": "500", "channel": "online", "received_on": SEPT_8}
    first, created = donation_record_idempotent(
        idempotency_key="tx-20190908-1", user=county_staff, **fields
    )
    again, created_again = donation_record_idempotent(
        idempotency_key="tx-20190908-1", user=county_staff, **(fields | {"amount": "500.00"})
    )
    assert (again, created, created_again) == (first, True, False)
    with pytest.raises(IdempotencyKeyReused):
        donation_record_idempotent(
            idempotency_key="tx-20190908-1", user=county_staff, **(fields | {"amount": "600"})
        )
    assert Donation.objects.get().amount == Decimal("500.00")


def test_different_idempotency_keys_record_different_donations(branch):
    fields = {"branch": branch, "amount": "500", "channel": "online", "received_on": SEPT_8}
    donation_record_idempotent(idempotency_key="a", **fields)
    donation_record_idempotent(idempotency_key="b", **fields)
    assert sorted(Donation.objects.values_list("idempotency_key", flat=True)) == ["a", "b"]


@pytest.mark.parametrize("key", ["", "k" * 65])
def test_idempotency_key_has_1_to_64_characters(branch, key):
    errors = errors_of(
        donation_record_idempotent,
        idempotency_key=key,
        branch=branch,
        amount="1",
        channel="cash",
        received_on=SEPT_8,
    )
    assert errors == {"idempotency_key": ["An idempotency key has 1 to 64 characters."]}
    assert not Donation.objects.exists()


def test_idempotency_key_of_64_characters_is_kept(branch):
    donation, _ = donation_record_idempotent(
        idempotency_key="k" * 64, branch=branch, amount="1", channel="cash", received_on=SEPT_8
    )
    assert Donation.objects.get().idempotency_key == "k" * 64 == donation.idempotency_key


def test_refused_attempt_leaves_the_key_free_for_the_retry(branch):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    fields = {"branch": branch, "amount": "1", "channel": "cash", "idempotency_key": "retry-1"}
    with pytest.raises(ValidationError):
        donation_record_idempotent(received_on=tomorrow, **fields)
    donation, created = donation_record_idempotent(received_on=SEPT_8, **fields)
    assert created and Donation.objects.get() == donation


def test_a_key_is_each_users_own(county_staff, outsider, branch, gunan_branch):
    fields = {"amount": "1", "channel": "cash", "received_on": SEPT_8}
    ours, _ = donation_record_idempotent(
        idempotency_key="shared", branch=branch, user=county_staff, **fields
    )
    theirs, created = donation_record_idempotent(
        idempotency_key="shared", branch=gunan_branch, user=outsider, **fields
    )
    assert created and ours != theirs
    assert (ours.branch, theirs.branch) == (branch, gunan_branch)


def test_idempotent_record_refuses_viewers_and_unknown_fields(city_official, branch):
    fields = {"branch": branch, "amount": "1", "channel": "cash", "received_on": SEPT_8}
    with pytest.raises(PermissionDenied):
        donation_record_idempotent(idempotency_key="v", user=city_official, **fields)
    with pytest.raises(TypeError):
        donation_record_idempotent(idempotency_key="v", region_code=JIZHOU, **fields)
    assert not Donation.objects.exists()


# donation_reverse -----------------------------------------------------------------------


def test_reversal_mirrors_the_original_with_the_negative_amount(county_staff, branch):
    campaign = CampaignFactory(region_id=JIAN)
    original = DonationFactory(
        branch=branch,
        campaign=campaign,
        kind=DonationKind.IN_KIND,
        channel=DonationChannel.GOODS,
        in_kind_description="防护服 200 套",
        receipt_no="吉红2020-17",
    )
    reversal = donation_reverse(donation=original, reason=" 重复录入 ", user=county_staff)
    reversal.refresh_from_db()
    mirrored = ["branch_id", "donor_id", "campaign_id", "kind", "channel", "in_kind_description"]
    assert [getattr(reversal, f) for f in mirrored] == [getattr(original, f) for f in mirrored]
    assert (reversal.amount, reversal.reverses, reversal.reason) == (
        Decimal("-1000.00"),
        original,
        "重复录入",
    )
    assert (reversal.receipt_no, reversal.received_on) == ("吉红2020-17-R", timezone.localdate())
    assert (reversal.recorded_by, reversal.region_code) == (county_staff, TIANYU)


def test_reversal_nets_the_branch_total_to_what_stands(branch):
    kept = record(branch=branch, amount="300")
    mistaken = record(branch=branch, amount="1,000,000")
    donation_reverse(donation=mistaken, reason="多录了三个零")
    total = Donation.objects.filter(branch=branch).aggregate(
        total=Coalesce(Sum("amount"), Decimal("0"))
    )["total"]
    assert total == kept.amount == Decimal("300.00")
    assert Donation.objects.filter(branch=branch).count() == 3


@pytest.mark.parametrize("reason", ["", "   "])
def test_reversal_needs_a_reason(branch, reason):
    original = DonationFactory(branch=branch)
    errors = errors_of(donation_reverse, donation=original, reason=reason)
    assert errors == {"reason": ["A reversal needs a reason."]}
    assert Donation.objects.count() == 1


def test_donation_cannot_be_reversed_twice(county_staff, branch):
    original = DonationFactory(branch=branch)
    donation_reverse(donation=original, reason="录错金额", user=county_staff)
    errors = errors_of(donation_reverse, donation=original, reason="再冲一次", user=county_staff)
    assert errors == {"donation": ["This donation has already been reversed."]}
    assert Donation.objects.count() == 2


def test_reversal_entry_cannot_itself_be_reversed(branch):
    reversal = donation_reverse(donation=DonationFactory(branch=branch), reason="录错")
    errors = errors_of(donation_reverse, donation=reversal, reason="撤销冲正")
    assert errors == {"donation": ["A reversal entry cannot itself be reversed."]}
    assert Donation.objects.count() == 2


def test_reversal_outside_the_region_is_refused(outsider, city_official, branch):
    original = DonationFactory(branch=branch)
    errors = errors_of(donation_reverse, donation=original, reason="越权", user=outsider)
    assert errors == {"donation": [OUTSIDE]}
    with pytest.raises(PermissionDenied):
        donation_reverse(donation=original, reason="只读", user=city_official)
    assert Donation.objects.count() == 1


def test_reversal_number_already_taken_is_refused(branch):
    original = DonationFactory(branch=branch, receipt_no="T-9")
    DonationFactory(branch=branch, receipt_no="T-9-R")
    errors = errors_of(donation_reverse, donation=original, reason="录错")
    assert errors == {"receipt_no": ["Receipt number T-9-R is already in use."]}
    assert Donation.objects.count() == 2


def test_donation_of_a_branch_since_dissolved_can_still_be_reversed(county_staff, branch):
    original = record(branch=branch)
    Branch.objects.filter(pk=branch.pk).update(
        status=BranchStatus.DISSOLVED, dissolved_on=timezone.localdate()
    )
    reversal = donation_reverse(donation=original, reason="撤并前清账", user=county_staff)
    assert Donation.objects.get(reverses=original) == reversal


# Selectors ------------------------------------------------------------------------------


@pytest.fixture
def donations(branch, gunan_branch):
    """One donation at 天玉镇 (青原区) and one at 古南街道 (吉州区)."""
    return {"tianyu": DonationFactory(branch=branch), "gunan": DonationFactory(branch=gunan_branch)}


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("superuser", {"tianyu", "gunan"}),
        ("city_official", {"tianyu", "gunan"}),
        ("county_staff", {"tianyu"}),
        ("outsider", {"gunan"}),
    ],
)
def test_donation_list_shows_the_users_region(request, donations, persona, visible):
    user = request.getfixturevalue(persona)
    expected = {donations[name].pk for name in visible}
    assert set(donation_list(user=user).values_list("pk", flat=True)) == expected


def test_donation_list_marks_recorded_reversed_and_reversal(county_staff, branch):
    standing = DonationFactory(branch=branch)
    mistaken = DonationFactory(branch=branch)
    reversal = donation_reverse(donation=mistaken, reason="录错")
    statuses = dict(donation_list(user=county_staff).values_list("pk", "status"))
    assert statuses == {
        standing.pk: DonationStatus.RECORDED,
        mistaken.pk: DonationStatus.REVERSED,
        reversal.pk: DonationStatus.REVERSAL,
    }


@pytest.mark.parametrize("rows", [3, 6])
def test_donation_list_is_one_query_however_many_rows(
    county_staff, branch, rows, django_assert_num_queries
):
    campaign = CampaignFactory()
    DonationFactory.create_batch(rows, branch=branch, campaign=campaign)
    # 1: donations joined to branch, donor and campaign, the status by EXISTS on reversals.
    with django_assert_num_queries(1):
        listed = [
            (d.branch.name, d.donor.name, d.campaign.name, d.status)
            for d in donation_list(user=county_staff)
        ]
    assert len(listed) == rows


def test_donor_list_shows_donors_registered_in_the_users_region(county_staff):
    mine = [DonorFactory(region_id=QINGYUAN), DonorFactory(region_id=TIANYU)]
    DonorFactory(region_id=JIZHOU)
    DonorFactory(region_id=JIAN)
    assert sorted(d.pk for d in donor_list(user=county_staff)) == sorted(d.pk for d in mine)


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("superuser", {"35", JIANGXI, JIAN, QINGYUAN, TIANYU, JIZHOU}),
        ("city_official", {JIANGXI, JIAN, QINGYUAN, TIANYU, JIZHOU}),
        ("county_staff", {JIANGXI, JIAN, QINGYUAN, TIANYU}),
        ("outsider", {JIANGXI, JIAN, JIZHOU}),
    ],
)
def test_campaign_list_adds_the_campaigns_above_the_users_region(request, persona, visible):
    for code in ["35", JIANGXI, JIAN, QINGYUAN, TIANYU, JIZHOU]:
        CampaignFactory(region_id=code)
    user = request.getfixturevalue(persona)
    assert {campaign.region_id for campaign in campaign_list(user=user)} == visible


def test_campaign_list_is_empty_for_an_inactive_user(county_staff):
    CampaignFactory(region_id=JIAN)
    county_staff.is_active = False
    assert not campaign_list(user=county_staff).exists()


# Concurrency (real transactions, one connection per thread) -----------------------------


def run_at_once(count: int, target) -> list:
    """Run ``target()`` in ``count`` threads released together; return results or errors."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target()
        except Exception as error:  # the test inspects every outcome
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_posts_of_one_key_record_one_donation(transactional_db, county_staff):
    branch = BranchFactory()
    results = run_at_once(
        20,
        lambda: donation_record_idempotent(
            idempotency_key="99-giving-day-batch-7",
            branch=branch,
            amount="99.99",
            channel=DonationChannel.ONLINE,
            received_on=SEPT_8,
            user=county_staff,
        ),
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    assert Donation.objects.count() == 1
    assert {donation.pk for donation, _ in results} == {Donation.objects.get().pk}
    assert sorted(created for _, created in results) == [False] * 19 + [True]


@pytest.mark.django_db(transaction=True)
def test_concurrent_reversals_of_one_donation_make_one_entry(transactional_db):
    original = DonationFactory(branch=BranchFactory())
    results = run_at_once(5, lambda: donation_reverse(donation=original, reason="重复录入"))
    reversals = [r for r in results if isinstance(r, Donation)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(reversals), len(refused)) == (1, 4)
    # Threads run in the default language: compare codes, not messages.
    assert {error.error_dict["donation"][0].code for error in refused} == {
        "donation_already_reversed"
    }
    assert Donation.objects.get(reverses=original) == reversals[0]
