"""The funds tables' own guarantees: named constraints, region codes, append-only donations.

Each constraint is shown twice: Django's ``full_clean()`` gives its message, and a raw save
proves the database refuses the row by itself, leaving nothing saved.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, connection, transaction
from django.utils import timezone, translation

from funds.choices import DonationKind, ReversalKind
from funds.models import Campaign, Donation, Donor
from orgs.choices import RegionLevel
from orgs.models import Branch, Region
from tests.conftest import JIZHOU, QINGYUAN, TIANYU
from tests.factories import BranchFactory, CampaignFactory, DonationFactory, DonorFactory

pytestmark = pytest.mark.django_db

UNUSED_ID = 10**12  # far above any id the sequences hand out


@pytest.fixture(autouse=True)
def english():
    """Messages in their English msgids, whatever the catalog holds."""
    with translation.override("en"):
        yield


def assert_refused(instance, *, message: str, constraint: str):
    """``full_clean()`` names the rule and the database refuses the row: nothing is saved."""
    model = type(instance)
    before = model.objects.count()
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    assert message in caught.value.messages
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        instance.save(force_insert=True)
    assert model.objects.count() == before


def new_donation(**overrides) -> Donation:
    """An unsaved cash donation to a saved branch at 天玉镇."""
    return DonationFactory.build(**({"branch": BranchFactory(), "donor": None} | overrides))


def new_reversal(**overrides) -> Donation:
    """An unsaved reversal entry of a saved 1,000-yuan donation."""
    original = DonationFactory()
    fields = {"amount": Decimal("-1000.00"), "reason": "录入错误"}
    return new_donation(reverses=original, **(fields | overrides))


# Donors ---------------------------------------------------------------------------------


def test_donor_identifier_is_unique_at_its_region():
    DonorFactory(identifier="91360803MA35XXXX0X")
    assert_refused(
        DonorFactory.build(identifier="91360803MA35XXXX0X"),
        message="A donor with this identifier is already registered at this region.",
        constraint="funds_donor_unique_identifier_in_region",
    )


def test_donor_identifier_may_repeat_at_another_region():
    DonorFactory(identifier="91360803MA35XXXX0X")
    DonorFactory(identifier="91360803MA35XXXX0X", region_id=JIZHOU)
    assert Donor.objects.filter(identifier="91360803MA35XXXX0X").count() == 2


def test_donors_without_identifier_do_not_collide():
    DonorFactory(identifier="")
    DonorFactory(identifier="").full_clean()
    assert Donor.objects.filter(identifier="", region_id=QINGYUAN).count() == 2


# Campaigns ------------------------------------------------------------------------------


def test_campaign_name_is_unique_at_its_region():
    CampaignFactory(name="2019年99公益日")
    assert_refused(
        CampaignFactory.build(name="2019年99公益日"),
        message="A campaign of this name already exists at this region.",
        constraint="funds_campaign_unique_name_in_region",
    )


def test_campaign_cannot_end_before_it_starts():
    assert_refused(
        CampaignFactory.build(
            starts_on=datetime.date(2019, 9, 9), ends_on=datetime.date(2019, 9, 7)
        ),
        message="A campaign cannot end before it starts.",
        constraint="funds_campaign_ends_after_starts",
    )


@pytest.mark.parametrize("target", [Decimal("0"), Decimal("-1.00")])
def test_campaign_target_must_be_positive(target):
    assert_refused(
        CampaignFactory.build(target_amount=target),
        message="The target amount must be more than 0.",
        constraint="funds_campaign_target_positive",
    )


def test_campaign_cannot_be_its_own_parent():
    campaign = CampaignFactory()
    campaign.parent = campaign
    with pytest.raises(ValidationError, match=r"A campaign cannot be its own parent\."):
        campaign.full_clean()
    with pytest.raises(IntegrityError, match="funds_campaign_not_own_parent"), transaction.atomic():
        campaign.save()
    assert Campaign.objects.get().parent_id is None


# Donations: check constraints -----------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message", "constraint"),
    [
        pytest.param(
            lambda: new_donation(amount=Decimal("0.00")),
            "The amount must be positive (a reversal entry is the negative of the original).",
            "funds_donation_amount_positive",
            id="zero amount",
        ),
        pytest.param(
            lambda: new_donation(amount=Decimal("-50.00")),
            "The amount must be positive (a reversal entry is the negative of the original).",
            "funds_donation_amount_positive",
            id="negative amount without reversal",
        ),
        pytest.param(
            lambda: new_reversal(amount=Decimal("1000.00")),
            "The amount must be positive (a reversal entry is the negative of the original).",
            "funds_donation_amount_positive",
            id="positive reversal",
        ),
        pytest.param(
            lambda: new_reversal(reason=""),
            "A reversal needs a reason.",
            "funds_donation_reversal_has_reason",
            id="reversal without reason",
        ),
        pytest.param(
            lambda: new_donation(kind=DonationKind.IN_KIND, in_kind_description=""),
            "A donation in kind needs the goods and their quantity.",
            "funds_donation_in_kind_described",
            id="goods without description",
        ),
        pytest.param(
            lambda: new_donation(designated=True, designation=""),
            "A designated donation needs its purpose.",
            "funds_donation_designation_given",
            id="designated without purpose",
        ),
        pytest.param(
            lambda: new_donation(received_on=timezone.localdate() + datetime.timedelta(days=1)),
            "The date cannot be later than today.",
            "funds_donation_received_on_not_future",
            id="received tomorrow",
        ),
    ],
)
def test_donation_check_constraint_refuses_the_row(make, message, constraint):
    assert_refused(make(), message=message, constraint=constraint)


def test_donation_cannot_reverse_itself():
    donation = new_donation(
        id=UNUSED_ID,
        reverses_id=UNUSED_ID,
        reversal_kind=ReversalKind.CORRECTION,
        amount=Decimal("-1"),
        reason="错",
    )
    # full_clean() stops at the missing row the new one points to; the rule itself still speaks.
    with pytest.raises(ValidationError, match=r"A donation cannot reverse itself\."):
        donation.validate_constraints()
    refused = pytest.raises(IntegrityError, match="funds_donation_not_own_reversal")
    with refused, transaction.atomic():
        donation.save(force_insert=True)
    assert not Donation.objects.exists()


def test_donation_received_today_is_accepted():
    donation = new_donation(received_on=timezone.localdate())
    donation.full_clean()
    donation.save()
    assert Donation.objects.filter(received_on=timezone.localdate()).count() == 1


def test_goods_with_description_and_designated_with_purpose_are_accepted():
    donation = new_donation(
        kind=DonationKind.IN_KIND,
        in_kind_description="口罩 7000 只",
        designated=True,
        designation="天玉贫困师生爱心助学",
    )
    donation.full_clean()
    donation.save()
    assert Donation.objects.get().designation == "天玉贫困师生爱心助学"


# Donations: unique columns --------------------------------------------------------------


def test_donation_unique_column_refuses_a_second_row():
    first = DonationFactory()
    assert_refused(
        new_donation(receipt_no=first.receipt_no),
        message="Donation with this Receipt number already exists.",
        constraint="funds_donation_receipt_no_key",
    )


def test_an_idempotency_key_is_unique_per_user(county_staff, outsider):
    first = DonationFactory(idempotency_key="pay-2019-0908-001", recorded_by=county_staff)
    assert_refused(
        new_donation(idempotency_key=first.idempotency_key, recorded_by=county_staff),
        message="This idempotency key is already in use.",
        constraint="funds_donation_idempotency_key_per_user",
    )
    other = new_donation(idempotency_key=first.idempotency_key, recorded_by=outsider)
    other.save()
    assert Donation.objects.filter(idempotency_key="pay-2019-0908-001").count() == 2


def test_a_donation_has_at_most_one_reversal():
    reversal = new_reversal()
    reversal.save()
    assert_refused(
        new_donation(reverses=reversal.reverses, amount=Decimal("-1000.00"), reason="重复冲正"),
        message="Donation with this Reverses donation already exists.",
        constraint="funds_donation_reverses_id_key",
    )


# Donations: region code -----------------------------------------------------------------


def test_region_code_is_copied_from_the_branch_whatever_the_writer_says():
    branch = BranchFactory()
    (donation,) = Donation.objects.bulk_create([new_donation(branch=branch, region_code="36")])
    donation.refresh_from_db()
    assert donation.region_code == branch.region_id == TIANYU


def test_moving_a_branch_moves_its_donations_region_code():
    donation = DonationFactory()
    other = DonationFactory()
    township = Region.objects.filter(parent_id=JIZHOU, level=RegionLevel.TOWNSHIP).first()
    Branch.objects.filter(pk=donation.branch_id).update(region_id=township.code)
    donation.refresh_from_db()
    other.refresh_from_db()
    assert (donation.region_code, other.region_code) == (township.code, TIANYU)
    assert list(Donation.objects.within(JIZHOU)) == [donation]


# Donations: append-only -----------------------------------------------------------------


def test_saving_a_changed_donation_is_refused_by_the_database():
    donation = DonationFactory()
    donation.amount = Decimal("1.00")
    with pytest.raises(InternalError, match="Cannot update rows"), transaction.atomic():
        donation.save()
    assert Donation.objects.get().amount == Decimal("1000.00")


@pytest.mark.parametrize(
    "change",
    [
        {"amount": Decimal("1.00")},
        {"note": "改备注"},
        {"receipt_no": "X-1"},
        {"received_on": datetime.date(2019, 9, 9)},
        {"idempotency_key": "late-key"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_queryset_update_of_a_donation_is_refused(change):
    donation = DonationFactory()
    with pytest.raises(InternalError, match="Cannot update rows"), transaction.atomic():
        Donation.objects.filter(pk=donation.pk).update(**change)
    stored = Donation.objects.values(*change).get()
    assert stored == {field: getattr(donation, field) for field in change}


def test_raw_sql_update_of_a_donation_is_refused():
    DonationFactory()
    refused = pytest.raises(InternalError, match="Cannot update rows")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE funds_donation SET amount = amount * 2")
    assert Donation.objects.get().amount == Decimal("1000.00")


def test_deleting_a_donation_is_refused_by_the_database():
    donation = DonationFactory()
    with pytest.raises(InternalError, match="Cannot delete rows"), transaction.atomic():
        donation.delete()
    assert Donation.objects.filter(pk=donation.pk).exists()


def test_queryset_delete_of_donations_is_refused():
    DonationFactory.create_batch(2)
    with pytest.raises(InternalError, match="Cannot delete rows"), transaction.atomic():
        Donation.objects.all().delete()
    assert Donation.objects.count() == 2


# Model behaviour ------------------------------------------------------------------------


def test_with_status_marks_reversed_donations():
    reversal = new_reversal()
    reversal.save()
    untouched = DonationFactory()
    flags = dict(Donation.objects.with_status().values_list("pk", "is_reversed"))
    assert flags == {reversal.reverses_id: True, reversal.pk: False, untouched.pk: False}


def test_donation_str_shows_receipt_and_amount():
    donation = DonationFactory(receipt_no="T-2019-1")
    assert str(donation) == "T-2019-1 ¥1,000.00"
    assert (donation.is_reversal, new_reversal().is_reversal) == (False, True)


def test_donor_and_campaign_str_show_their_names():
    assert str(DonorFactory(name="吉安市某商会")) == "吉安市某商会"
    assert str(CampaignFactory(name="塘尾老人幸福餐桌")) == "塘尾老人幸福餐桌"
