"""Region rollups: every figure against plain ORM aggregates over the records, at every level.

The summaries behind the rollups are kept by database triggers; the records here are written
the ways the portal and its imports write them (factories, bulk_create, QuerySet.update, raw
SQL, COPY), and each test compares the rollup with an independent count of the records.
"""

import datetime
import io
from decimal import Decimal

import factory
import pytest
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from funds.choices import DonationChannel, DonationKind, ReversalKind
from funds.models import Donation
from funds.summaries import DonationSummary
from members.choices import ServiceRecordStatus, VolunteerStatus
from members.models import Member, ServiceRecord, Volunteer
from orgs.choices import CODE_LENGTH, BranchKind, BranchStatus, RegionKind, RegionLevel
from orgs.models import Assessment, Branch, Region, Standard
from orgs.summaries import TownshipSummary
from reports.rollups import RegionFigures, coverage_gaps, region_rollup, rollup_rows
from tests.conftest import JIAN, JIANGXI, JIZHOU, QINGYUAN, TIANYU
from tests.factories import (
    BranchFactory,
    CampaignFactory,
    DonationFactory,
    DonorFactory,
    MemberFactory,
    ServiceRecordFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db

GIVING_DAY = datetime.date(2019, 9, 8)
ZERO = Decimal("0.00")
TOWNSHIP_KINDS = [RegionKind.STREET, RegionKind.TOWN, RegionKind.TOWNSHIP]
VILLAGE_KINDS = [RegionKind.COMMUNITY, RegionKind.VILLAGE]
FIGURES = ["branches", "coverage", "members", "volunteers", "donations", "donors"]


# The independent computation: plain ORM aggregates over the record tables.


def orm_figures(code: str, year: int | None = None) -> dict:
    """The rollup figures of the subtree ``code`` ('' for the country), from the records."""
    return {
        "branches": orm_branches(code),
        "coverage": {
            level.value: orm_coverage(code, level)
            for level, length in CODE_LENGTH.items()
            if length > len(code)
        },
        "members": {"active": Member.objects.within(code).active().count()},
        "volunteers": {
            "active": Volunteer.objects.within(code).active().count(),
            "service_hours": orm_hours(code, year),
        },
        "donations": orm_donations(code, year),
        "donors": {"count": orm_donors(code, year)},
    }


def orm_branches(code: str) -> dict:
    branches = Branch.objects.within(code)
    active = branches.active()
    latest = Assessment.objects.filter(branch=OuterRef("pk")).order_by("-assessed_on", "-id")
    compliant = active.annotate(
        met=Subquery(latest.values("met_count")[:1]),
        items=Subquery(latest.values("item_count")[:1]),
    ).filter(items__gt=0, met=F("items"))
    by_kind = dict(active.values_list("kind").annotate(n=Count("id")).order_by())
    return {
        "total": branches.exclude(status=BranchStatus.DISSOLVED).count(),
        "active": active.count(),
        "by_kind": {kind: by_kind.get(kind, 0) for kind in BranchKind.values},
        "standard_compliant": compliant.count(),
    }


def orm_coverage(code: str, level: RegionLevel) -> dict:
    units = Region.objects.within(code).filter(level=level, valid_to__isnull=True)
    if level == RegionLevel.TOWNSHIP:
        units = units.filter(kind__in=TOWNSHIP_KINDS)
    if level == RegionLevel.COMMUNITY:
        units = units.filter(kind__in=VILLAGE_KINDS)
    branch = Branch.objects.filter(region=OuterRef("pk"), kind=level, status=BranchStatus.ACTIVE)
    covered, total = units.filter(Exists(branch)).count(), units.count()
    return {
        "covered": covered,
        "total": total,
        "ratio": round(covered / total, 4) if total else None,
    }


def orm_hours(code: str, year: int | None) -> Decimal:
    records = ServiceRecord.objects.within(code).approved()
    if year:
        records = records.filter(served_on__year=year)
    return records.aggregate(h=Coalesce(Sum("hours"), Decimal("0.0")))["h"]


def net(condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum("amount", filter=condition), ZERO, output_field=DecimalField())


def orm_donations(code: str, year: int | None) -> dict:
    donations = Donation.objects.within(code)
    if year:
        donations = donations.filter(received_on__year=year)
    cash, goods = Q(kind=DonationKind.CASH), Q(kind=DonationKind.IN_KIND)
    totals = donations.aggregate(money=net(cash), goods=net(goods))
    entries = Sum(Case(When(reverses__isnull=True, then=Value(1)), default=Value(-1)))
    campaigns = (
        donations.filter(campaign__isnull=False)
        .values("campaign_id", "campaign__name")
        .annotate(n=entries, money=net(cash), goods=net(goods))
        .exclude(n=0, money=0, goods=0)
        .order_by("-money", "campaign_id")
    )
    return {
        "count": donations.filter(reverses__isnull=True).count()
        - donations.filter(reverses__isnull=False).count(),
        "amount": totals["money"],
        "in_kind_value": totals["goods"],
        "by_campaign": [
            {"id": c["campaign_id"], "name": c["campaign__name"], "amount": c["money"]}
            for c in campaigns
        ],
        "by_channel": {
            channel: donations.aggregate(v=net(Q(channel=channel)))["v"]
            for channel in DonationChannel.values
        },
    }


def orm_donors(code: str, year: int | None) -> int:
    """Donors whose entries in the subtree (and year) net to more than zero."""
    donations = Donation.objects.within(code).filter(donor__isnull=False)
    if year:
        donations = donations.filter(received_on__year=year)
    entries = Sum(Case(When(reverses__isnull=True, then=Value(1)), default=Value(-1)))
    return donations.values("donor").annotate(n=entries).filter(n__gt=0).count()


def figures_of(rollup: RegionFigures) -> dict:
    """The rollup's figures as the API shows them."""
    return {name: rollup.as_dict()[name] for name in FIGURES}


def assert_rollup_matches_records(region: Region | None, year: int | None = None) -> dict:
    """The region's figures and each child's equal the ORM's count of the records."""
    rollup = region_rollup(region=region, year=year)
    assert figures_of(rollup) == orm_figures(region.code if region else "", year)
    for child in rollup.children:
        assert figures_of(child) == orm_figures(child.code, year), child.code
    return rollup.as_dict()


# The data: Ji'an's township branches, its 99 Giving Day 2019, and a mix of everything else.


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def first_unit(code: str, level: RegionLevel, kinds: list[str]) -> Region:
    return Region.objects.within(code).filter(level=level, kind__in=kinds).first()


@pytest.fixture
def township_branches() -> list[Branch]:
    """An active township branch at every street, town and township of Ji'an: one bulk insert."""
    units = Region.objects.within(JIAN).filter(level=RegionLevel.TOWNSHIP, kind__in=TOWNSHIP_KINDS)
    return Branch.objects.bulk_create(
        Branch(name=f"{unit.name}红十字会", region=unit, kind=BranchKind.TOWNSHIP) for unit in units
    )


@pytest.fixture
def giving_day(township_branches):
    """Ji'an's 99 Giving Day 2019: 99 online gifts, 5,169,000.00 yuan in all."""
    campaign = CampaignFactory(name="2019年99公益日")
    DonationFactory.create_batch(
        99,
        branch=factory.Iterator(township_branches[::2]),
        campaign=campaign,
        amount=factory.Iterator([Decimal("73000.00")] + [Decimal("52000.00")] * 98),
        channel=DonationChannel.ONLINE,
        received_on=GIVING_DAY,
    )
    return campaign


def tianyu_villages() -> list[Region]:
    return list(
        Region.objects.filter(parent_id=TIANYU, kind__in=VILLAGE_KINDS).order_by("code")[:3]
    )


@pytest.fixture
def mixed(giving_day):
    """Every kind of record the figures distinguish, at every level of Ji'an and beyond."""
    villages = tianyu_villages()
    county = BranchFactory(name="青原区红十字会", region_id=QINGYUAN, kind=BranchKind.COUNTY)
    school = BranchFactory(name="天玉中学红十字会", kind=BranchKind.SCHOOL)
    shell = BranchFactory(name="天玉镇空壳组织", status=BranchStatus.DORMANT)
    BranchFactory(
        name="开发区红十字会",
        region_id=first_unit(JIAN, RegionLevel.TOWNSHIP, [RegionKind.SPECIAL]).code,
    )
    village = BranchFactory(
        name="村红十字会", region_id=villages[0].code, kind=BranchKind.COMMUNITY
    )
    BranchFactory(name="村第二红十字会", region_id=villages[0].code, kind=BranchKind.COMMUNITY)
    BranchFactory(name="社区红十字会", region_id=villages[1].code, kind=BranchKind.COMMUNITY)
    BranchFactory(
        name="空壳村红十字会",
        region_id=villages[2].code,
        kind=BranchKind.COMMUNITY,
        status=BranchStatus.DORMANT,
    )
    MemberFactory.create_batch(3, branch=village)
    MemberFactory(branch=county)
    MemberFactory(branch=village, left_on=datetime.date(2021, 1, 1), leave_reason="迁出")
    volunteer = VolunteerFactory(team__branch=village)
    VolunteerFactory(team__branch=county, status=VolunteerStatus.INACTIVE)
    approved = {"status": ServiceRecordStatus.APPROVED, "reviewed_at": "2021-07-01T00:00Z"}
    ServiceRecordFactory(volunteer=volunteer, served_on=datetime.date(2019, 5, 1), **approved)
    ServiceRecordFactory(volunteer=volunteer, hours=Decimal("3.5"), **approved)
    ServiceRecordFactory(volunteer=volunteer, hours=Decimal("8"))
    gift = DonationFactory(branch=county, received_on=datetime.date(2020, 2, 1))
    reverse(gift)
    DonationFactory(branch=county, received_on=datetime.date(2020, 2, 3))
    DonationFactory(
        branch=school,
        kind=DonationKind.IN_KIND,
        in_kind_description="口罩7000只",
        amount=Decimal("35000.00"),
        channel=DonationChannel.GOODS,
        received_on=datetime.date(2020, 2, 5),
    )
    beijing = first_unit("11", RegionLevel.TOWNSHIP, TOWNSHIP_KINDS)
    DonationFactory(
        branch__region_id=beijing.code, branch__name="街道红十字会", amount=Decimal("8.80")
    )
    DonationFactory(branch=village, amount=Decimal("66.60"), received_on=datetime.date(2021, 5, 1))
    assess(village, met=6, on=datetime.date(2022, 1, 1))
    assess(county, met=6, on=datetime.date(2021, 1, 1))
    assess(county, met=5, on=datetime.date(2022, 1, 1))
    assess(shell, met=6, on=datetime.date(2022, 1, 1))
    return villages


def reverse(donation: Donation, *, on: datetime.date | None = None) -> Donation:
    """A reversal entry as donation_reverse writes it (of its donor, branch, campaign…)."""
    return Donation.objects.create(
        reverses=donation,
        branch=donation.branch,
        donor=donation.donor,
        campaign=donation.campaign,
        kind=donation.kind,
        channel=donation.channel,
        amount=-donation.amount,
        received_on=on or donation.received_on,
        receipt_no=f"{donation.receipt_no}-R",
        reason="重复录入",
        reversal_kind=ReversalKind.REFUND,
    )


def assess(branch: Branch, *, met: int, on: datetime.date) -> Assessment:
    standard = Standard.objects.get(is_default=True)
    return Assessment.objects.create(
        branch=branch, standard=standard, assessed_on=on, met_count=met, item_count=6
    )


# The figures.


def test_rollup_of_jian_covers_all_224_townships(township_branches):
    rollup = region_rollup(region=region(JIAN)).as_dict()
    assert rollup["coverage"]["township"] == {"covered": 224, "total": 224, "ratio": 1.0}
    assert rollup["branches"]["by_kind"][BranchKind.TOWNSHIP] == 224


def test_rollup_of_jian_counts_99_giving_day_donations_to_the_fen(giving_day):
    donations = region_rollup(region=region(JIAN), year=2019).as_dict()["donations"]
    assert (donations["count"], donations["amount"]) == (99, Decimal("5169000.00"))
    assert donations["by_campaign"] == [
        {"id": giving_day.pk, "name": "2019年99公益日", "amount": Decimal("5169000.00")}
    ]
    assert donations["by_channel"][DonationChannel.ONLINE] == Decimal("5169000.00")


@pytest.mark.parametrize("year", [None, 2019, 2020])
@pytest.mark.parametrize("code", [JIANGXI, JIAN, QINGYUAN, TIANYU])
def test_rollup_figures_match_the_records_at_every_level(mixed, code, year):
    assert_rollup_matches_records(region(code), year)


def test_rollup_of_a_village_matches_its_records(mixed):
    rollup = assert_rollup_matches_records(mixed[0])
    assert (rollup["children"], rollup["coverage"]) == ([], {})
    assert rollup["members"]["active"] == 3


def test_country_rollup_has_the_31_provinces_as_children(mixed):
    rollup = assert_rollup_matches_records(None)
    assert (rollup["code"], rollup["level"]) == (None, "country")
    assert len(rollup["children"]) == 31
    assert rollup["coverage"]["township"]["total"] > 38000


def test_rollup_carries_the_time_its_figures_are_true_for(giving_day):
    rollup = region_rollup(region=region(JIAN))
    assert rollup.as_of.tzinfo is not None
    assert {child.as_of for child in rollup.children} == {rollup.as_of}


def test_records_at_the_region_itself_count_for_it_and_no_child(mixed):
    rollup = region_rollup(region=region(QINGYUAN), year=2020)
    children = sum(child.figures["donations.amount"] for child in rollup.children)
    assert rollup.figures["donations.amount"] - children == Decimal("1000.00")  # county branch


def test_reversal_nets_out_of_count_and_amount(giving_day):
    before = region_rollup(region=region(JIAN)).as_dict()["donations"]
    reverse(Donation.objects.filter(amount=Decimal("73000.00")).get())
    after = region_rollup(region=region(JIAN)).as_dict()["donations"]
    assert after["count"] == before["count"] - 1 == 98
    assert after["amount"] == Decimal("5096000.00")
    assert after["by_campaign"][0]["amount"] == Decimal("5096000.00")


def test_a_donor_who_gave_in_two_townships_counts_once_for_their_county(township_branches):
    donor = DonorFactory()
    first, second = [b for b in township_branches if b.region_id.startswith(QINGYUAN)][:2]
    DonationFactory.create_batch(2, branch=first, donor=donor)
    DonationFactory(branch=second, donor=donor)
    rollup = assert_rollup_matches_records(region(QINGYUAN), 2019)
    assert rollup["donors"]["count"] == 1
    assert sum(child["donors"]["count"] for child in rollup["children"]) == 2
    assert region_rollup(region=region(JIAN), year=2019).figures["donors.count"] == 1


def test_a_donor_who_gave_in_two_provinces_counts_once_for_the_country(township_branches):
    donor = DonorFactory()
    beijing = BranchFactory(region_id=first_unit("11", RegionLevel.TOWNSHIP, TOWNSHIP_KINDS).code)
    DonationFactory(branch=beijing, donor=donor)
    DonationFactory(branch=Branch.objects.get(region_id=TIANYU), donor=donor)
    DonationFactory(branch=Branch.objects.get(region_id=TIANYU))  # another donor
    rollup = assert_rollup_matches_records(None, 2019)
    assert rollup["donors"]["count"] == 2
    by_province = {child["code"]: child["donors"]["count"] for child in rollup["children"]}
    assert (by_province["11"], by_province[JIANGXI], sum(by_province.values())) == (1, 2, 3)
    assert_rollup_matches_records(None)
    # A village's own row: the donor gives again at a village of the town, where they are one
    # donor of the village and still one of the town.
    village = BranchFactory(
        region_id=first_unit(TIANYU, RegionLevel.COMMUNITY, VILLAGE_KINDS).code,
        kind=BranchKind.COMMUNITY,
    )
    DonationFactory(branch=village, donor=donor)
    assert assert_rollup_matches_records(region(TIANYU), 2019)["donors"]["count"] == 2
    assert assert_rollup_matches_records(region(village.region_id), 2019)["donors"]["count"] == 1


def test_a_donor_whose_only_donation_was_reversed_does_not_count(township_branches):
    gift = DonationFactory(branch=Branch.objects.get(region_id=TIANYU))
    DonationFactory(branch=Branch.objects.get(region_id=TIANYU), donor=None)  # anonymous
    assert region_rollup(region=region(TIANYU)).figures["donors.count"] == 1
    reverse(gift)
    assert region_rollup(region=region(TIANYU)).figures["donors.count"] == 0
    assert region_rollup(region=region(JIAN)).figures["donors.count"] == 0
    assert region_rollup(region=region(JIAN)).figures["donations.count"] == 1


def test_a_donation_reversed_a_year_later_counts_its_donor_in_its_own_year(township_branches):
    gift = DonationFactory(branch=Branch.objects.get(region_id=TIANYU))
    reverse(gift, on=datetime.date(2020, 1, 6))

    def donors(year):
        return assert_rollup_matches_records(region(QINGYUAN), year)["donors"]["count"]

    assert (donors(2019), donors(2020), donors(None)) == (1, 0, 0)


def test_dormant_branch_does_not_count_as_active_or_for_coverage(township_branches):
    Branch.objects.filter(region_id=TIANYU).update(status=BranchStatus.DORMANT)
    rollup = assert_rollup_matches_records(region(QINGYUAN))
    assert rollup["branches"]["total"] - rollup["branches"]["active"] == 1
    tianyu = next(child for child in rollup["children"] if child["code"] == TIANYU)
    assert tianyu["branches"]["by_kind"][BranchKind.TOWNSHIP] == 0
    assert region_rollup(region=region(JIAN)).figures["coverage"]["township"].covered == 223


def test_village_with_two_branches_is_covered_once(mixed):
    coverage = region_rollup(region=region(TIANYU)).as_dict()["coverage"]["community"]
    assert coverage["covered"] == 2
    assert coverage == orm_coverage(TIANYU, RegionLevel.COMMUNITY)


def test_standard_compliant_follows_the_latest_assessment(township_branches):
    branch = Branch.objects.get(region_id=TIANYU)
    assess(branch, met=6, on=datetime.date(2021, 1, 1))
    assert region_rollup(region=region(TIANYU)).figures["branches.standard_compliant"] == 1
    later = assess(branch, met=4, on=datetime.date(2022, 1, 1))
    assert region_rollup(region=region(TIANYU)).figures["branches.standard_compliant"] == 0
    later.delete()
    assert region_rollup(region=region(TIANYU)).figures["branches.standard_compliant"] == 1
    Branch.objects.filter(pk=branch.pk).update(status=BranchStatus.DORMANT)
    assert region_rollup(region=region(TIANYU)).figures["branches.standard_compliant"] == 0


def test_branch_move_moves_its_figures(mixed):
    village_branch = Branch.objects.get(name="村红十字会")
    target = first_unit(JIZHOU, RegionLevel.COMMUNITY, VILLAGE_KINDS)
    before = region_rollup(region=region(JIZHOU)).as_dict()
    Branch.objects.filter(pk=village_branch.pk).update(region=target)
    after = assert_rollup_matches_records(region(JIZHOU))
    assert after["members"]["active"] - before["members"]["active"] == 3
    assert after["volunteers"]["service_hours"] == Decimal("6.0")
    assert_rollup_matches_records(region(QINGYUAN))


def test_bulk_create_and_queryset_update_keep_figures_exact(township_branches):
    branch = Branch.objects.get(region_id=TIANYU)
    Member.objects.bulk_create(
        Member(branch=branch, name=f"会员{n}", joined_on=datetime.date(2020, 1, 1))
        for n in range(50)
    )
    Member.objects.filter(name__in=["会员1", "会员2"]).update(
        left_on=datetime.date(2021, 1, 1), leave_reason="退会"
    )
    Donation.objects.bulk_create(
        Donation(
            branch=branch,
            amount=Decimal("0.01") * n,
            channel=DonationChannel.CASH,
            received_on=datetime.date(2021, 3, 1),
            receipt_no=f"B{n}",
        )
        for n in range(1, 41)
    )
    ServiceRecordFactory.create_batch(4, volunteer=VolunteerFactory(team__branch=branch))
    ServiceRecord.objects.update(
        status=ServiceRecordStatus.APPROVED, reviewed_at="2021-07-01T00:00Z"
    )
    rollup = assert_rollup_matches_records(region(QINGYUAN), 2021)
    assert rollup["members"]["active"] == 48
    assert rollup["donations"]["amount"] == Decimal("8.20")
    assert rollup["volunteers"]["service_hours"] == Decimal("10.0")


def test_raw_sql_and_copy_keep_figures_exact(township_branches):
    branch = Branch.objects.get(region_id=TIANYU)
    columns = "created_at, updated_at, branch_id, region_code, kind, name, gender, id_number, phone, occupation, joined_on, leave_reason"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO members_member ({columns}) "  # noqa: S608 (a fixed column list)
            "VALUES (now(), now(), %s, '', 'individual', '张三', '', '', '', '', '2020-01-01', '')",
            [branch.pk],
        )
        rows = "".join(
            f'2020-01-01,2020-01-01,{branch.pk},"",individual,李{n},"","","","",2020-01-01,""\n'
            for n in range(5)
        )
        cursor.copy_expert(
            f"COPY members_member ({columns}) FROM STDIN WITH (FORMAT csv)", io.StringIO(rows)
        )
    rollup = assert_rollup_matches_records(region(TIANYU))
    assert rollup["members"]["active"] == 6


def test_region_loaded_later_gets_its_summary_row():
    township = Region.objects.create(
        code="360803198", name="新设镇", level=RegionLevel.TOWNSHIP, kind=RegionKind.TOWN,
        parent_id=QINGYUAN,
    )  # fmt: skip
    Region.objects.create(
        code="360803198201", name="新设村", level=RegionLevel.COMMUNITY,
        kind=RegionKind.VILLAGE, parent=township,
    )  # fmt: skip
    row = TownshipSummary.objects.get(region_code=township.code)
    assert (row.counted, row.covered, row.villages, row.villages_covered) == (True, False, 1, 0)
    assert_rollup_matches_records(region(QINGYUAN))


def test_closed_township_leaves_the_coverage_denominator(township_branches):
    Region.objects.filter(code=TIANYU).update(valid_to=datetime.date(2024, 1, 1))
    coverage = assert_rollup_matches_records(region(QINGYUAN))["coverage"]["township"]
    assert coverage["covered"] == coverage["total"]
    assert coverage == orm_coverage(QINGYUAN, RegionLevel.TOWNSHIP)


def test_summaries_are_kept_at_township_grain(mixed):
    keys = set(DonationSummary.objects.values_list("region_code", flat=True))
    assert QINGYUAN in keys  # the county branch keeps its own code
    assert {len(key) for key in keys} == {6, 9}


# The query budget.


def double_the_data(township_branches: list[Branch]) -> None:
    """Another branch at every township, with a donation and a member each."""
    twins = Branch.objects.bulk_create(
        Branch(name=f"{b.name}分会", region_id=b.region_id, kind=BranchKind.SCHOOL)
        for b in township_branches
    )
    DonationFactory.create_batch(len(twins), branch=factory.Iterator(twins))
    MemberFactory.create_batch(len(twins), branch=factory.Iterator(twins))


@pytest.mark.parametrize("code", [JIAN, QINGYUAN, TIANYU])
def test_rollup_runs_ten_queries_whatever_the_data(
    mixed, township_branches, code, django_assert_num_queries
):
    scope = region(code)
    # 1 children and as_of, 2 branches, 3 township and village coverage, 4 province, city and
    # county coverage, 5 members and volunteers, 6 service hours, 7 donations per channel,
    # 8 spendings per category, 9 activities, 10 money per campaign.
    with django_assert_num_queries(10):
        region_rollup(region=scope, year=2019)
    double_the_data(township_branches)
    with django_assert_num_queries(10):
        region_rollup(region=scope, year=2019)


def test_country_rollup_runs_ten_queries(django_assert_num_queries):
    # The same ten queries as any region's, over the 31 provinces.
    with django_assert_num_queries(10):
        assert len(region_rollup(region=None).children) == 31


# Coverage gaps and flat rows.


def test_coverage_gaps_lists_the_uncovered_units_by_code(township_branches):
    Branch.objects.filter(region_id=TIANYU).update(status=BranchStatus.DORMANT)
    gaps = coverage_gaps(region=region(JIAN), level=RegionLevel.TOWNSHIP)
    assert [unit.code for unit in gaps] == [TIANYU]
    villages = coverage_gaps(region=region(TIANYU), level=RegionLevel.COMMUNITY)
    expected = Region.objects.filter(parent_id=TIANYU, kind__in=VILLAGE_KINDS).order_by("code")
    assert list(villages) == list(expected)


def test_coverage_gaps_counts_with_the_rollup(mixed, django_assert_num_queries):
    qingyuan = region(QINGYUAN)
    with django_assert_num_queries(1):  # the units, with their parents joined
        gaps = list(coverage_gaps(region=qingyuan, level=RegionLevel.COMMUNITY))
        assert {gap.parent.level for gap in gaps} == {RegionLevel.TOWNSHIP}
    coverage = region_rollup(region=qingyuan).figures["coverage"]["community"]
    assert len(gaps) == coverage.total - coverage.covered


def test_coverage_gaps_of_a_level_not_below_the_region_is_empty():
    assert not coverage_gaps(region=region(QINGYUAN), level=RegionLevel.CITY).exists()


def test_rollup_rows_flatten_the_children(mixed):
    rows = rollup_rows(region=region(QINGYUAN), year=2020)
    tianyu = next(row for row in rows if row["code"] == TIANYU)
    expected = orm_figures(TIANYU, 2020)
    assert tianyu["members_active"] == expected["members"]["active"]
    assert tianyu["donations_in_kind_value"] == Decimal("35000.00")
    assert tianyu["coverage_community_covered"] == expected["coverage"]["community"]["covered"]
    assert [row["code"] for row in rows] == sorted(row["code"] for row in rows)


@pytest.mark.django_db(transaction=True)
def test_rollup_outside_a_transaction_reads_one_snapshot(django_assert_num_queries):
    qingyuan = region(QINGYUAN)
    # BEGIN, SET TRANSACTION, the ten queries, COMMIT.
    with django_assert_num_queries(13) as captured:
        region_rollup(region=qingyuan)
    statements = [query["sql"] for query in captured.captured_queries]
    assert statements[1] == "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"
    assert not connection.in_atomic_block
