"""factory_boy factories: realistic records at 天玉镇 (青原区, 吉安市) unless told otherwise."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from funds.choices import CampaignKind, DonationChannel, DonationKind, DonorKind, ReversalKind
from funds.models import Campaign, Donation, Donor, Fund
from funds.services import default_funds, donation_record, spending_record
from members.choices import PositionRole, ServiceType
from members.models import Member, Position, ServiceRecord, Volunteer, VolunteerTeam
from orgs.choices import BranchKind, BranchStatus
from orgs.models import Branch, Standard, StandardItem

factory.Faker._DEFAULT_LOCALE = "zh_CN"
TIANYU = "360803100"


class BranchFactory(DjangoModelFactory):
    class Meta:
        model = Branch

    name = factory.Sequence(lambda n: f"天玉镇红十字会{n}")
    region_id = TIANYU
    kind = BranchKind.TOWNSHIP
    status = BranchStatus.ACTIVE
    founded_on = datetime.date(2019, 5, 8)


class StandardFactory(DjangoModelFactory):
    class Meta:
        model = Standard
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"std-{n}")
    name = factory.Sequence(lambda n: f"标准{n}")

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        for number in range(1, (extracted or 6) + 1):
            StandardItem.objects.create(standard=self, number=number, title=f"条目{number}")


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    branch = factory.SubFactory(BranchFactory)
    region_code = factory.SelfAttribute("branch.region_id")
    name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    joined_on = datetime.date(2020, 3, 1)


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    branch = factory.SubFactory(BranchFactory)
    role = PositionRole.COUNCIL_MEMBER
    holder_name = factory.Faker("name")
    started_on = datetime.date(2020, 3, 1)


class VolunteerTeamFactory(DjangoModelFactory):
    class Meta:
        model = VolunteerTeam

    branch = factory.SubFactory(BranchFactory)
    region_code = factory.SelfAttribute("branch.region_id")
    name = factory.Sequence(lambda n: f"应急救护志愿服务队{n}")
    service_type = ServiceType.EMERGENCY


class VolunteerFactory(DjangoModelFactory):
    class Meta:
        model = Volunteer

    team = factory.SubFactory(VolunteerTeamFactory)
    branch = factory.SelfAttribute("team.branch")
    region_code = factory.SelfAttribute("branch.region_id")
    name = factory.Faker("name")
    registered_on = datetime.date(2020, 4, 1)


class ServiceRecordFactory(DjangoModelFactory):
    class Meta:
        model = ServiceRecord

    volunteer = factory.SubFactory(VolunteerFactory)
    team = factory.SelfAttribute("volunteer.team")
    region_code = factory.SelfAttribute("volunteer.region_code")
    served_on = datetime.date(2021, 6, 1)
    hours = Decimal("2.5")
    activity = "应急救护培训"


class DonorFactory(DjangoModelFactory):
    class Meta:
        model = Donor

    kind = DonorKind.ENTERPRISE
    name = factory.Faker("company")
    region_id = "360803"


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"99公益日 {n}")
    kind = CampaignKind.GIVING_DAY
    region_id = "3608"
    starts_on = datetime.date(2019, 9, 7)
    ends_on = datetime.date(2019, 9, 9)


def default_fund(donation) -> Fund:
    """The fund a donation goes to by ``funds.rules.default_fund`` (opened on demand); a
    reversal entry's is its original's."""
    if donation.reverses is not None:
        return donation.reverses.fund
    key = (donation.branch.pk, donation.campaign.pk if donation.campaign else None)
    return Fund.objects.get(pk=default_funds([key])[key])


class DonationFactory(DjangoModelFactory):
    class Meta:
        model = Donation

    branch = factory.SubFactory(BranchFactory)
    region_code = factory.SelfAttribute("branch.region_id")
    donor = factory.SubFactory(DonorFactory)
    kind = DonationKind.CASH
    amount = Decimal("1000.00")
    channel = DonationChannel.BANK
    received_on = datetime.date(2019, 9, 8)
    receipt_no = factory.Sequence(lambda n: f"T{n:08d}")
    reverses = None
    campaign = None
    fund = factory.LazyAttribute(default_fund)
    # A reversal entry made here is dated as given: a refund, booked on its own date.
    reversal_kind = factory.LazyAttribute(lambda o: ReversalKind.REFUND if o.reverses else "")


def fund_at(region: str, amount, received_on=datetime.date(2023, 1, 2), **branch) -> Fund:
    """The default fund of a new branch at ``region`` after one donation of ``amount``."""
    return donation_record(
        branch=BranchFactory(region_id=region, **branch),
        amount=amount,
        channel="bank",
        received_on=received_on,
    ).fund


def pay(fund, amount, category, spent_on: datetime.date, voucher_no: str):
    """A spending out of ``fund``, recorded through the service as staff do."""
    return spending_record(
        fund=fund,
        amount=amount,
        category=category,
        spent_on=spent_on,
        payee="收款单位",
        purpose="用途",
        voucher_no=voucher_no,
    )
