"""manage.py seed_demo: the published figures, the demo accounts, determinism and idempotence."""

import datetime
import io
import re
from decimal import Decimal

import pgtrigger
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, Left
from django.utils import translation

from core.access import UserRole
from funds.choices import CampaignKind, DonationKind, FundKind, SpendingCategory
from funds.models import Campaign, Donation, Donor, FundBalance, Spending
from life.models import Activity, Requirement
from life.selectors import branches_behind
from members.choices import PositionRole, ServiceRecordStatus, ServiceType
from members.models import (
    Member,
    MembershipEvent,
    Position,
    ServiceRecord,
    Volunteer,
    VolunteerTeam,
)
from orgs.choices import (
    TERRITORIAL_KINDS,
    BranchKind,
    BranchRating,
    BranchStatus,
    RegionKind,
    RegionLevel,
)
from orgs.models import Assessment, Branch, Region, Standard
from orgs.validators import validate_id_number, validate_phone
from portal import demo
from portal.demo.facts import TANGWEI
from portal.models import User
from tests.conftest import JIAN, JIANGXI, QINGYUAN, TIANYU

pytestmark = pytest.mark.django_db
COVERED_KINDS = [RegionKind.STREET, RegionKind.TOWN, RegionKind.TOWNSHIP]


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """The demo set seeded once for a class of tests, in a transaction rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        # Check the seed's deferred foreign keys now, once: each test's teardown checks the
        # pending ones inside its savepoint, and would check all of them again every time.
        connection.check_constraints()
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def fingerprint_2019(django_db_setup, django_db_blocker) -> str:
    with django_db_blocker.unblock():
        return demo.build(seed=2019).fingerprint()


def net(donations) -> Decimal:
    """Sum of the amounts, reversal entries (negative) included (one query)."""
    return donations.aggregate(total=Coalesce(Sum("amount"), Decimal(0)))["total"]


def giving_day(year: int):
    return Donation.objects.filter(
        campaign__kind=CampaignKind.GIVING_DAY, campaign__starts_on__year=year
    )


def tianyu_branch() -> Branch:
    return Branch.objects.get(region_id=TIANYU, kind=BranchKind.TOWNSHIP)


def record_counts() -> dict[str, int]:
    models = [Branch, Member, Position, Volunteer, ServiceRecord, Assessment, Donor, Donation]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.usefixtures("seeded")
class TestSeededDemo:
    def test_every_street_town_and_township_of_jian_has_an_active_township_branch(self):
        townships = Region.objects.within(JIAN).filter(
            level=RegionLevel.TOWNSHIP, kind__in=COVERED_KINDS
        )
        branches = Branch.objects.within(JIAN).filter(kind=BranchKind.TOWNSHIP)
        assert branches.count() == 224
        assert set(branches.values_list("region_id", flat=True)) == set(
            townships.values_list("code", flat=True)
        )
        assert not branches.exclude(status=BranchStatus.ACTIVE).exists()

    def test_township_like_units_get_no_township_branch(self):
        special = Region.objects.within(JIANGXI).filter(kind=RegionKind.SPECIAL)
        branches = Branch.objects.filter(kind=BranchKind.TOWNSHIP, region__in=special)
        assert not branches.exists()

    def test_jian_has_its_county_city_and_province_branches(self):
        counties = Region.objects.within(JIAN).filter(level=RegionLevel.COUNTY)
        county_branches = Branch.objects.within(JIAN).filter(kind=BranchKind.COUNTY)
        assert set(county_branches.values_list("region_id", flat=True)) == set(
            counties.values_list("code", flat=True)
        )
        assert Branch.objects.filter(region_id=JIAN, kind=BranchKind.CITY).count() == 1
        assert Branch.objects.filter(region_id=JIANGXI, kind=BranchKind.PROVINCE).count() == 1

    def test_township_coverage_elsewhere_in_jiangxi_is_below_full(self):
        current = Branch.objects.within(JIANGXI).filter(kind=BranchKind.TOWNSHIP)
        current = current.exclude(status=BranchStatus.DISSOLVED)
        assert current.count() == 851
        outside = Region.objects.within(JIANGXI).exclude(code__startswith=JIAN)
        townships = outside.filter(level=RegionLevel.TOWNSHIP, kind__in=COVERED_KINDS)
        covered = townships.filter(branches__in=current.filter(status=BranchStatus.ACTIVE))
        assert 0 < covered.distinct().count() < townships.count()

    def test_sectoral_branches_follow_jiangxi_mix(self):
        counts = dict(
            Branch.objects.within(JIANGXI)
            .exclude(kind__in=list(TERRITORIAL_KINDS))
            .values_list("kind")
            .annotate(n=Count("id"))
        )
        assert counts == {
            BranchKind.SCHOOL: 822,
            BranchKind.SCENIC_AREA: 10,
            BranchKind.ENTERPRISE: 35,
            BranchKind.OTHER: 435,
        }

    def test_community_branches_sit_in_jian_villages(self):
        branches = Branch.objects.filter(kind=BranchKind.COMMUNITY)
        assert branches.count() == 110
        assert branches.within(JIAN).count() == 110
        assert branches.filter(region__parent_id=TIANYU).exists()

    def test_some_branches_are_dormant_preparing_dissolved_model_or_weak(self):
        statuses = set(Branch.objects.values_list("status", flat=True))
        ratings = set(Branch.objects.values_list("rating", flat=True))
        assert statuses == set(BranchStatus.values)
        assert {BranchRating.MODEL, BranchRating.WEAK} <= ratings
        dissolved = Branch.objects.filter(status=BranchStatus.DISSOLVED)
        assert not dissolved.filter(dissolved_on__isnull=True).exists()

    def test_tianyu_has_232_members_and_a_council_of_38(self):
        tianyu = tianyu_branch()
        assert Member.objects.filter(branch=tianyu).active().count() == 232
        positions = Position.objects.filter(branch=tianyu).current()
        assert positions.count() == 38
        roles = set(positions.values_list("role", flat=True))
        assert {
            PositionRole.PRESIDENT,
            PositionRole.SECRETARY_GENERAL,
            PositionRole.COUNCIL_MEMBER,
            PositionRole.SUPERVISORY_CHAIR,
            PositionRole.SUPERVISOR,
        } <= roles
        assert not positions.exclude(member__branch=tianyu).exists()

    def test_tianyu_volunteer_team_has_thirty_odd_volunteers(self):
        teams = tianyu_branch().teams.annotate(n=Count("volunteers"))
        assert [30 <= team.n < 40 for team in teams] == [True]

    def test_members_per_township_branch_are_tens(self):
        sizes = sorted(
            Member.objects.filter(branch__kind=BranchKind.TOWNSHIP)
            .values("branch")
            .annotate(n=Count("id"))
            .values_list("n", flat=True)
        )
        typical = sizes[len(sizes) // 2]
        assert 10 <= typical < 100

    def test_some_members_left_and_some_rejoined(self):
        left = Member.objects.filter(left_on__isnull=False)
        assert left.exists()
        assert not left.filter(leave_reason="").exists()
        rejoined = MembershipEvent.objects.filter(kind="rejoined")
        assert rejoined.exists()
        assert not Member.objects.filter(events__in=rejoined, left_on__isnull=False).exists()

    def test_records_carry_their_branch_region_code(self):
        assert not Member.objects.exclude(region_code=F("branch__region_id")).exists()
        assert not Volunteer.objects.exclude(region_code=F("branch__region_id")).exists()
        assert not Donation.objects.exclude(region_code=F("branch__region_id")).exists()
        assert not ServiceRecord.objects.exclude(region_code=F("volunteer__region_code")).exists()

    def test_personal_identifiers_are_valid(self):
        people = [Member.objects.exclude(id_number=""), Volunteer.objects.exclude(id_number="")]
        for queryset in people:
            for id_number in queryset.values_list("id_number", flat=True):
                validate_id_number(id_number)
        for phone in Member.objects.exclude(phone="").values_list("phone", flat=True):
            validate_phone(phone)

    def test_teams_cover_the_seven_service_types(self):
        types = set(VolunteerTeam.objects.values_list("service_type", flat=True))
        assert types == set(ServiceType.values)

    def test_service_records_span_2019_to_2025_mostly_approved(self):
        years = set(ServiceRecord.objects.values_list("served_on__year", flat=True))
        assert years == set(range(2019, 2026))
        statuses = dict(ServiceRecord.objects.values_list("status").annotate(n=Count("id")))
        assert statuses[ServiceRecordStatus.APPROVED] > 0.8 * sum(statuses.values())
        assert statuses[ServiceRecordStatus.PENDING] > 0
        assert statuses[ServiceRecordStatus.DECLINED] > 0

    def test_most_branches_have_a_six_haves_assessment(self):
        assessed = Branch.objects.filter(assessments__standard__code="six-haves").distinct()
        assert assessed.count() > 0.7 * Branch.objects.count()
        assessment = Assessment.objects.filter(met_count__gt=0).first()
        assert assessment.items_met.count() == assessment.met_count

    def test_jian_branches_keep_a_year_of_activities_with_gaps(self):
        standard = Standard.objects.get(code="six-haves")
        assert Requirement.objects.filter(standard=standard).count() == 4
        activities = Activity.objects.within(JIAN)
        assert set(activities.values_list("held_on__year", flat=True)) == {2025}
        # Every active or dormant branch keeps a ledger (a dormant one may have held none);
        # every township branch holds some.
        keeping = Branch.objects.within(JIAN).filter(
            status__in=[BranchStatus.ACTIVE, BranchStatus.DORMANT]
        )
        holding = set(activities.values_list("branch", flat=True))
        assert holding <= set(keeping.values_list("id", flat=True))
        assert len(holding) > 0.9 * keeping.count()
        township_branches = keeping.filter(kind=BranchKind.TOWNSHIP)
        assert set(township_branches.values_list("id", flat=True)) <= holding
        assert township_branches.count() == 224
        late = activities.filter(late=True).count()
        assert 0.05 * activities.count() < late < 0.25 * activities.count()
        behind = branches_behind(
            user=User.objects.get(username="admin"),
            code=JIAN,
            start=datetime.date(2025, 1, 1),
            end=datetime.date(2025, 12, 31),
        )
        townships = Branch.objects.within(JIAN).filter(kind=BranchKind.TOWNSHIP)
        township_ids = set(townships.values_list("id", flat=True))
        assert 0 < len({row.branch_id for row in behind} & township_ids) < 224

    def test_jian_99_giving_day_2019_nets_the_reported_figure(self):
        donations = giving_day(2019).within(JIAN)
        assert donations.filter(reverses__isnull=False).exists()
        assert net(donations.filter(amount__gt=0)) > Decimal("5169000.00")
        assert net(donations) == Decimal("5169000.00")

    def test_jian_money_raised_in_2019_is_the_reported_figure(self):
        donations = Donation.objects.within(JIAN).filter(received_on__year=2019)
        assert net(donations.filter(kind=DonationKind.CASH)) == Decimal("25510000.00")

    def test_jian_99_giving_day_2020_is_the_reported_figure(self):
        assert net(giving_day(2020).within(JIAN)) == Decimal("14000000.00")

    def test_covid_appeal_at_jian_is_the_reported_money_and_goods(self):
        covid = Donation.objects.filter(
            campaign__kind=CampaignKind.EMERGENCY, campaign__region=JIAN
        )
        assert net(covid) == Decimal("70139000.00")
        assert net(covid.filter(kind=DonationKind.IN_KIND)) > 0
        assert net(covid.filter(kind=DonationKind.CASH)) > 0

    def test_tianyu_raised_330_thousand_and_7000_masks_for_covid(self):
        tianyu = Donation.objects.filter(
            branch=tianyu_branch(), campaign__kind=CampaignKind.EMERGENCY
        )
        assert Decimal("330000") <= net(tianyu.filter(kind=DonationKind.CASH)) < Decimal("340000")
        goods = tianyu.filter(kind=DonationKind.IN_KIND, reverses__isnull=True)
        descriptions = goods.values_list("in_kind_description", flat=True)
        masks = [int(re.sub(r"\D", "", text)) for text in descriptions if "口罩" in text]
        assert sum(masks) == 7000

    def test_every_donation_goes_to_its_branchs_default_fund(self):
        assert not Donation.objects.filter(fund__isnull=True).exists()
        assert not Donation.objects.exclude(branch=F("fund__branch")).exists()
        # A 99 Giving Day gift in Ji'an goes to the branch's fund designated to that campaign.
        giving = giving_day(2019).within(JIAN)
        assert giving.exists()
        assert not giving.exclude(fund__kind=FundKind.DESIGNATED, fund__campaign=F("campaign"))
        assert not Donation.objects.filter(campaign__isnull=True).exclude(
            fund__kind=FundKind.UNRESTRICTED
        )

    def test_jian_spends_on_named_projects_aid_and_some_administrative_costs(self):
        spent = Spending.objects.within(JIAN)
        by_category = dict(
            spent.values("category").annotate(total=Sum("amount")).values_list("category", "total")
        )
        assert set(by_category) == set(SpendingCategory.values)
        share = by_category[SpendingCategory.ADMINISTRATIVE] / sum(by_category.values())
        assert 0 < share < Decimal("0.10")
        designated = spent.filter(fund__kind=FundKind.DESIGNATED)
        assert not designated.exclude(project=F("fund__project")).exists()
        assert spent.filter(project=TANGWEI).exists()
        # Every fund still holds money: the database would have refused an overdraft.
        assert not FundBalance.objects.filter(balance__lt=0).exists()

    def test_jian_raised_most_of_jiangxi_cities_on_99_giving_day_2019(self):
        by_city = (
            giving_day(2019)
            .exclude(region_code=JIANGXI)
            .annotate(city=Left("region_code", 4))
            .values("city")
            .annotate(total=Sum("amount"))
            .order_by("-total")
        )
        cities = [row["city"] for row in by_city]
        assert cities[0] == JIAN
        assert len(cities) == 11

    def test_campaigns_each_year_with_jian_part_and_tianyu_projects(self):
        roots = Campaign.objects.filter(kind=CampaignKind.GIVING_DAY, region_id=JIANGXI)
        assert sorted(roots.values_list("starts_on__year", flat=True)) == list(range(2019, 2026))
        assert Campaign.objects.filter(parent__in=roots, region_id=JIAN).count() == 7
        projects = Campaign.objects.filter(region_id=TIANYU, kind=CampaignKind.PROJECT)
        assert set(projects.values_list("name", flat=True)) == {
            "塘尾老人幸福餐桌",
            "天玉贫困师生爱心助学",
        }
        assert not projects.filter(donations__isnull=True).exists()

    def test_donations_mix_donors_channels_and_kinds(self):
        donations = Donation.objects.all()
        assert donations.filter(donor__isnull=True).exists()
        assert set(Donor.objects.values_list("kind", flat=True)) >= {
            "individual", "enterprise", "chamber", "organization",
        }  # fmt: skip
        assert len(set(donations.values_list("channel", flat=True))) == 4
        assert donations.filter(designated=True).exists()
        assert donations.filter(matching=True).exists()
        years = set(donations.values_list("received_on__year", flat=True))
        assert years == set(range(2019, 2026))

    def test_receipt_numbers_name_the_demo_and_the_year(self):
        for receipt, received in Donation.objects.values_list("receipt_no", "received_on"):
            assert re.fullmatch(rf"DEMO-{received.year}-\d{{6}}", receipt)

    def test_demo_accounts_exist_with_their_scopes(self):
        admin = User.objects.get(username="admin")
        jian = User.objects.get(username="jian")
        qingyuan = User.objects.get(username="qingyuan")
        assert admin.is_superuser and admin.check_password("demo-admin-2026")
        assert (jian.region_id, jian.role, jian.is_staff) == (JIAN, UserRole.VIEWER, True)
        assert (qingyuan.region_id, qingyuan.role, qingyuan.is_staff) == (
            QINGYUAN,
            UserRole.STAFF,
            True,
        )
        assert not jian.is_superuser and jian.check_password("demo-jian-2026")
        assert qingyuan.check_password("demo-qingyuan-2026")

    def test_output_lists_the_figures_and_how_to_sign_in(self, seeded):
        assert "5,169,000.00" in seeded
        assert "70,139,000.00" in seeded
        assert "http://127.0.0.1:8000/admin/" in seeded
        for account in demo.ACCOUNTS:
            assert re.search(rf"{account.username}\s+{account.password}", seeded)

    def test_second_run_changes_no_record_and_resets_demo_passwords(self):
        before = record_counts()
        money = net(Donation.objects.all())
        jian = User.objects.get(username="jian")
        jian.set_password("changed-by-someone")
        jian.save()
        out = io.StringIO()
        with translation.override("en"):
            call_command("seed_demo", stdout=out)
        assert record_counts() == before
        assert net(Donation.objects.all()) == money
        assert "nothing generated" in out.getvalue()
        assert User.objects.get(username="jian").check_password("demo-jian-2026")


def test_same_seed_plans_the_same_data(fingerprint_2019):
    assert demo.build(seed=2019).fingerprint() == fingerprint_2019


def test_another_seed_plans_other_data_with_the_same_figures(fingerprint_2019):
    plan = demo.build(seed=7)
    assert plan.fingerprint() != fingerprint_2019
    entries = plan.donations + plan.reversals
    jian_2019 = [
        d.amount
        for d in entries
        if d.region_code.startswith(JIAN)
        and d.campaign is not None
        and d.campaign.kind == CampaignKind.GIVING_DAY
        and d.received_on.year == 2019
    ]
    assert sum(jian_2019) == Decimal("5169000.00")


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("岭上村委会", "岭上村"),
        ("峰岭民族村民委员会", "峰岭民族村"),
        ("临江社区居委会", "临江社区"),
        ("文昌居民委员会", "文昌社区"),
        ("井冈山大学生活区", "井冈山大学生活区"),
    ],
)
def test_village_branches_take_the_village_short_name(name, short):
    assert demo.village_short(name) == short


def test_allocate_keeps_fixed_amounts_and_shares_the_rest_exactly():
    day = datetime.date(2019, 9, 7)
    gifts = [
        demo.Gift(None, day, None, "online", amount=Decimal("1000")),
        demo.Gift(None, day, None, "online", weight=1.0),
        demo.Gift(None, day, None, "online", weight=2.0, step=Decimal(1000)),
    ]
    amounts = demo.allocate(Decimal("100000.01"), gifts)
    # 99,000.01 shared 1:2, rounded to a cent and to a thousand; the largest takes the cent.
    assert amounts == [Decimal("1000"), Decimal("33000.00"), Decimal("66000.01")]


def test_allocate_refuses_a_total_the_fixed_amounts_exceed():
    day = datetime.date(2019, 9, 7)
    gifts = [
        demo.Gift(None, day, None, "cash", amount=Decimal("500")),
        demo.Gift(None, day, None, "cash", weight=1.0),
    ]
    with pytest.raises(ValueError, match="Cannot share"):
        demo.allocate(Decimal("100"), gifts)


def delete_regions(regions) -> None:
    """Remove regions (never done in production: a trigger forbids it) to stage a fresh install."""
    with pgtrigger.ignore("orgs.Region:orgs_region_never_deleted"):
        regions.delete()


@translation.override("en")
def test_missing_villages_name_the_command_that_loads_them():
    delete_regions(Region.objects.within(JIAN).filter(level=RegionLevel.COMMUNITY))
    with pytest.raises(CommandError, match=r"load_regions --levels 5 --province 3608") as error:
        call_command("seed_demo", stdout=io.StringIO())
    assert "manage.py load_regions\n" not in str(error.value)
    assert not Branch.objects.exists()
    assert not User.objects.exists()


@translation.override("en")
def test_missing_townships_name_both_commands():
    jiangxi = Region.objects.within(JIANGXI)
    delete_regions(jiangxi.filter(level=RegionLevel.COMMUNITY))
    delete_regions(jiangxi.filter(level=RegionLevel.TOWNSHIP))
    with pytest.raises(CommandError) as error:
        call_command("seed_demo", stdout=io.StringIO())
    assert "manage.py load_regions\n" in str(error.value)
    assert "load_regions --levels 5 --province 3608" in str(error.value)
    assert not Branch.objects.exists()
