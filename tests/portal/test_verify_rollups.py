"""manage.py verify_rollups: the summaries rebuilt from the records equal the live ones."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.utils import translation

from funds.choices import ReversalKind
from funds.models import Donation
from funds.summaries import CampaignSummary, DonationSummary, DonorCount, DonorPresence
from members.choices import ServiceRecordStatus
from members.models import Member, ServiceRecord
from members.summaries import MemberSummary
from orgs.choices import BranchKind, BranchStatus
from orgs.models import Assessment, Branch, Standard
from orgs.summaries import BranchSummary, LatestAssessment, TownshipSummary
from reports.rollups import subtree_changes
from tests.conftest import JIZHOU, QINGYUAN, TIANYU
from tests.factories import (
    BranchFactory,
    CampaignFactory,
    DonationFactory,
    MemberFactory,
    ServiceRecordFactory,
)

pytestmark = pytest.mark.django_db

CLEAN = "No differences: the summaries match the records."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def mixed_writes():
    """Records written every way the portal writes them: one at a time, in bulk, by update."""
    branch = BranchFactory()
    county = BranchFactory(name="青原区红十字会", region_id=QINGYUAN, kind=BranchKind.COUNTY)
    campaign = CampaignFactory()
    DonationFactory.create_batch(5, branch=branch, campaign=campaign)
    original = DonationFactory(branch=county, campaign=campaign, amount=Decimal("300.00"))
    Donation.objects.create(
        reverses=original,
        branch=county,
        campaign=campaign,
        channel=original.channel,
        amount=Decimal("-300.00"),
        received_on=original.received_on,
        receipt_no="R-1",
        reason="重复录入",
        reversal_kind=ReversalKind.REFUND,
    )
    MemberFactory.create_batch(4, branch=branch)
    Member.objects.bulk_create(
        Member(branch=county, name=f"会员{n}", joined_on=datetime.date(2020, 1, 1))
        for n in range(6)
    )
    first = Member.objects.filter(branch=county).values("pk")[:1]
    Member.objects.filter(pk__in=first).update(
        left_on=datetime.date(2021, 1, 1), leave_reason="退会"
    )
    ServiceRecordFactory.create_batch(3)
    ServiceRecord.objects.filter(pk__in=ServiceRecord.objects.values("pk")[:2]).update(
        status=ServiceRecordStatus.APPROVED, reviewed_at="2021-07-01T00:00Z"
    )
    standard = Standard.objects.get(is_default=True)
    Assessment.objects.create(
        branch=branch, standard=standard, assessed_on=datetime.date(2022, 1, 1),
        met_count=6, item_count=6,
    )  # fmt: skip
    Branch.objects.filter(pk=branch.pk).update(region_id="360802001", kind=BranchKind.TOWNSHIP)
    BranchFactory(status=BranchStatus.DORMANT)
    return branch


def verify(*args: str) -> str:
    out = io.StringIO()
    call_command("verify_rollups", *args, stdout=out)
    return out.getvalue()


def test_verify_finds_no_difference_after_mixed_writes(mixed_writes):
    assert CLEAN in verify()
    assert DonationSummary.objects.filter(region_code__startswith=JIZHOU).exists()


def test_verify_reports_a_tampered_summary_row_and_fails(mixed_writes):
    MemberSummary.objects.filter(region_code=QINGYUAN).update(members=F("members") + 1)
    # The township row, and its county's row, which follows every change of the township rows.
    with pytest.raises(CommandError, match="records: 2\\."):
        verify()


def test_verify_names_the_row_and_both_values(mixed_writes):
    BranchSummary.objects.filter(region_code=JIZHOU + "001", kind=BranchKind.TOWNSHIP).update(
        branches=7
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_rollups", stdout=out)
    assert "orgs_branchsummary 360802001/township/active (branches, compliant): " in (
        out.getvalue()
    )
    assert "summary (7,1), records (1,1)" in out.getvalue()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda: DonationSummary.objects.update(amount=F("amount") * 2),
        lambda: CampaignSummary.objects.all().delete(),
        lambda: TownshipSummary.objects.filter(region_code=TIANYU).update(villages=0),
        lambda: LatestAssessment.objects.update(compliant=False),
        lambda: MemberSummary.objects.create(region_code="110101001", members=3),
        lambda: DonorPresence.objects.update(donations=0),
        lambda: DonorCount.objects.filter(year=0).delete(),
    ],
    ids=["doubled", "deleted", "township", "flag", "stray", "presence", "donors"],
)
def test_repair_rewrites_the_summaries_from_the_records(mixed_writes, tamper):
    tamper()
    with pytest.raises(CommandError):
        verify()
    assert "Differences repaired: " in verify("--repair")
    assert CLEAN in verify()


def test_a_repair_changes_every_rollups_etag_and_a_clean_verify_none(mixed_writes):
    before = subtree_changes(QINGYUAN)[0]
    assert CLEAN in verify("--repair")
    assert subtree_changes(QINGYUAN)[0] == before
    DonationSummary.objects.update(amount=F("amount") * 2)
    verify("--repair")
    assert subtree_changes(QINGYUAN)[0] > before


def test_repaired_summaries_keep_following_new_writes(mixed_writes):
    DonationSummary.objects.all().delete()
    verify("--repair")
    DonationFactory(branch=mixed_writes, amount=Decimal("12.34"))
    assert CLEAN in verify()


@pytest.mark.django_db(transaction=True)
def test_repair_outside_a_transaction_holds_writers_off_and_commits():
    BranchFactory(name="天玉镇红十字会")
    BranchSummary.objects.update(branches=9)
    assert "Differences repaired: 1." in verify("--repair")
    assert BranchSummary.objects.get(region_code=TIANYU).branches == 1
    assert CLEAN in verify()
