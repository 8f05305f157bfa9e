"""Records of every kind in three places: our county, the sibling county and the city.

The attacker is a 青原区 (360803) user. The 吉州区 (360802) records and the 吉安市 (3608) records
carry a sentinel in their text, so a response that shows one of them is a leak, whatever
its shape. Campaigns and standards of the city are readable from the county by design
(funds.selectors.campaign_list, orgs.selectors): they may be read and linked, never changed.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.authtoken.models import Token

from core.access import UserRole
from funds.models import Campaign, Donation, Donor, Fund, Spending
from funds.services import fund_create, spending_record
from life.models import (
    Activity,
    ActivityKind,
    DueBranch,
    EvaluationCampaign,
    RectificationCase,
    RectificationProgress,
    Requirement,
)
from life.services import (
    activity_record,
    community_request_record,
    evaluation_campaign_open,
    evaluation_decide,
    evaluation_submit,
    rectification_close,
    rectification_open,
    rectification_progress_record,
)
from members.models import Member, Position, ServiceRecord, Volunteer, VolunteerTeam
from orgs.models import Assessment, Branch, Region, Standard, StandardItem
from portal.models import ApiToken, ServiceAccount, User
from portal.tokens import api_token_issue
from tests.factories import (
    BranchFactory,
    CampaignFactory,
    DonationFactory,
    DonorFactory,
    MemberFactory,
    PositionFactory,
    ServiceRecordFactory,
    StandardFactory,
    VolunteerFactory,
    VolunteerTeamFactory,
)

OWN = "360803"
SIBLING = "360802"
CITY = "3608"
#: Readable (and linkable) from below: organized above, used below (campaigns, and the
#: standards a region is assessed by); never changed from below.
READ_ABOVE = {Campaign, Standard, StandardItem, ActivityKind, Requirement, EvaluationCampaign}


@dataclass
class Place:
    """The records of one region; ``sentinel`` marks their text."""

    tag: str
    county: str  # where the records sit (a county or the city)
    township: str | None
    sentinel: str
    records: dict = field(default_factory=dict)  # model -> [instances]


def _township_of(county: str) -> str:
    return (
        Region.objects.filter(parent_id=county, code__regex=r"^\d{6}[01]\d\d$")
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )


def build_place(tag: str, county: str, *, city_level: bool = False) -> Place:
    """One of each record at ``county`` (a township branch) or at the city (a city branch)."""
    sentinel = f"LEAK{tag}Z"
    township = None if city_level else _township_of(county)
    branch_region, kind = (county, "city") if city_level else (township, "township")
    branch = BranchFactory(
        name=f"{sentinel}组织", region_id=branch_region, kind=kind, note=sentinel
    )
    standard = StandardFactory(code=f"{tag.lower()}-std", name=f"{tag}标准", region_id=county)
    assessment = Assessment.objects.create(
        branch=branch, standard=standard, assessed_on=datetime.date(2024, 1, 5), note=sentinel
    )
    assessment.items_met.set(standard.items.all()[:2])
    member = MemberFactory(branch=branch, name=f"{sentinel}会员", occupation=sentinel)
    position = PositionFactory(branch=branch, holder_name=f"{sentinel}会长", member=member)
    team = VolunteerTeamFactory(branch=branch, name=f"{sentinel}志愿服务队")
    volunteer = VolunteerFactory(team=team, name=f"{sentinel}志愿者")
    record = ServiceRecordFactory(volunteer=volunteer, activity=f"{sentinel}活动")
    donor = DonorFactory(name=f"{sentinel}捐赠人", region_id=county, address=sentinel)
    campaign = CampaignFactory(name=f"{sentinel}公益日", region_id=county, description=sentinel)
    donation = DonationFactory(
        branch=branch,
        donor=donor,
        campaign=campaign,
        note=sentinel,
        receipt_no=f"{sentinel}R1",
        amount=Decimal("777.77"),
    )
    user = User.objects.create_user(
        f"{tag.lower()}-user",
        password="pw-x",
        region_id=county,
        role=UserRole.STAFF,
        first_name=sentinel,
        is_staff=True,
    )
    Token.objects.create(user=user)
    token, _key = api_token_issue(user=user, name=f"{sentinel}令牌")
    service = ServiceAccount.objects.create(
        username=f"{tag.lower()}-feed",
        region_id=county,
        role=UserRole.VIEWER,
        last_name=sentinel,
        is_service_account=True,
    )
    fund = fund_create(
        branch=branch,
        kind="designated",
        name=f"{sentinel}资金",
        project=f"{sentinel}项目",
        user=user,
    )
    DonationFactory(branch=branch, fund=fund, receipt_no=f"{sentinel}R2", amount=Decimal("500.00"))
    spending = spending_record(
        fund=fund,
        amount=Decimal("123.45"),
        category="project",
        spent_on=datetime.date(2024, 1, 10),
        payee=f"{sentinel}收款人",
        purpose=sentinel,
        voucher_no=f"{sentinel}V1",
        project=f"{sentinel}项目",
        attachment=SimpleUploadedFile("凭证.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        user=user,
    )
    # The city's kinds are required of the counties' branches, whose pages name them: read
    # below (READ_ABOVE), they carry no sentinel; a county's must never reach its sibling.
    kind_name = f"{tag}活动" if city_level else f"{sentinel}活动"
    kind = ActivityKind.objects.create(name=kind_name, region_id=county)
    requirement = Requirement.objects.create(standard=standard, kind=kind, frequency="monthly")
    activity = activity_record(
        branch=branch,
        kind=kind,
        held_on=datetime.date(2024, 1, 8),
        place=sentinel,
        summary=sentinel,
        attachment=SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        user=user,
    )
    case = rectification_open(
        branch=branch,
        problems=sentinel,
        measures=sentinel,
        responsible=f"{sentinel}责任人",
        opened_on=datetime.date(2024, 1, 9),
        deadline=datetime.date(2024, 6, 30),
        user=user,
    )
    case.attachment.save("整改.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    progress = rectification_progress_record(
        case=case, note=sentinel, recorded_on=datetime.date(2024, 2, 1), user=user
    )
    # Accepted (by the system, above every region): the matrix opens a new case for the branch.
    case = rectification_close(
        case=case, evidence=sentinel, closed_on=datetime.date(2024, 6, 1), user=None
    )
    # The year's evaluation: a county's of its townships' branches, or for the city's branch
    # a national one of city-level branches; a decision drafted, not published (the matrix
    # submits the self-assessment again).
    campaign_year = evaluation_campaign_open(
        year=2024,
        region=None if city_level else Region.objects.get(code=county),
        level="city" if city_level else "township",
        standard=standard,
        scale="stars",
        self_assessment_due=datetime.date(2024, 12, 31),
        note=sentinel,
    )
    evaluation = evaluation_submit(
        campaign=campaign_year,
        branch=branch,
        items_met=standard.items.all()[:2],
        self_assessment=sentinel,
        activities=[activity],
        user=user,
    )
    evaluation.attachment.save("自评.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    decision = evaluation_decide(evaluation=evaluation, rating="stars_4", comment=sentinel)
    received = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC)
    community_request = community_request_record(
        region=Region.objects.get(code=branch_region),
        team=team,
        summary=sentinel,
        received_at=received,
        contacted_at=received + datetime.timedelta(minutes=2),
        user=user,
    )
    place = Place(tag, county, township, sentinel)
    _import_job(place, user)
    for instance in (
        branch,
        standard,
        assessment,
        member,
        position,
        team,
        volunteer,
        record,
        donor,
        campaign,
        donation,
        fund,
        spending,
        kind,
        requirement,
        activity,
        case,
        progress,
        campaign_year,
        evaluation,
        decision,
        community_request,
        user,
        token,
        service,
    ):
        place.records.setdefault(type(instance), []).append(instance)
    place.records[StandardItem] = list(standard.items.all())
    place.records[DueBranch] = [DueBranch.objects.get(pk=branch.pk)]
    place.records[Region] = [Region.objects.get(code=county)] + (
        [Region.objects.get(code=township)] if township else []
    )
    return place


def _import_job(place: Place, user) -> None:
    """An uploaded sheet of the place, when the imports app is installed."""
    try:
        job_model = apps.get_model("imports", "ImportJob")
    except LookupError:
        return
    job = job_model.objects.create(
        user=user,
        region_id=place.county,
        kind="donations",
        file_name=f"{place.sentinel}.xlsx",
        file_size=0,
        data=b"",
        status=job_model._meta.get_field("status").choices[0][0],
        message=place.sentinel,
    )
    place.records[job_model] = [job]


@dataclass
class World:
    own: Place
    sibling: Place
    city: Place

    def forbidden_ids(self, model) -> list[int]:
        """Ids of ``model`` the attacker must neither see nor link."""
        places = [self.sibling] if model in READ_ABOVE else [self.sibling, self.city]
        return [obj.pk for place in places for obj in place.records.get(model, [])]

    def foreign_ids(self, model) -> list:
        """Ids of ``model`` the attacker must never change (sibling and city)."""
        return [
            obj.pk for place in (self.sibling, self.city) for obj in place.records.get(model, [])
        ]

    def forbidden_sentinels(self, model=None) -> list[str]:
        """Text that must not appear in an answer (the city's, unless readable above)."""
        if model in READ_ABOVE:
            return [self.sibling.sentinel]
        return [self.sibling.sentinel, self.city.sentinel]

    def readable(self, model, pk) -> bool:
        """Whether the attacker may read (not change) this foreign record."""
        if model is Region:
            return pk in (CITY, "36")
        return pk not in self.forbidden_ids(model)

    def foreign_codes(self) -> list[str]:
        return [SIBLING, self.sibling.township, CITY, "36"]


def build_world() -> World:
    return World(
        own=build_place("OWN", OWN),
        sibling=build_place("JIZHOU", SIBLING),
        city=build_place("JIAN", CITY, city_level=True),
    )


#: Every record model whose rows outside the attacker's county must never change.
GUARDED = [
    Region,
    Branch,
    Standard,
    StandardItem,
    Assessment,
    Member,
    Position,
    VolunteerTeam,
    Volunteer,
    ServiceRecord,
    Donor,
    Campaign,
    Donation,
    Fund,
    Spending,
    ActivityKind,
    Requirement,
    Activity,
    RectificationCase,
    RectificationProgress,
    User,
    ApiToken,
]


def fingerprint(world: World) -> dict[str, str]:
    """md5 of every row outside 360803's subtree, per table, plus the row counts (one query each).

    Own records are left out: the positive controls of the matrix create some.
    """
    result = {}
    with connection.cursor() as cursor:
        for model in GUARDED:
            table = model._meta.db_table
            own = model.objects.filter(pk__in=_own_pks(model, world))
            sql, params = own.values("pk").query.sql_with_params()
            cursor.execute(
                f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t "  # noqa: S608
                f"WHERE t.{model._meta.pk.column} NOT IN ({sql})",
                params,
            )
            result[table] = cursor.fetchone()
    return result


def _own_pks(model, world):
    if model is Region:
        return Region.objects.filter(code__startswith=OWN).values("pk")
    if model is StandardItem:
        return StandardItem.objects.filter(standard__region__code__startswith=OWN).values("pk")
    if model is Assessment:
        return Assessment.objects.filter(branch__region__code__startswith=OWN).values("pk")
    if hasattr(model.objects, "within"):
        return model.objects.within(OWN).values("pk")
    return model.objects.filter(region__code__startswith=OWN).values("pk")


def model_of(app_label: str, model_name: str):
    return apps.get_model(app_label, model_name)
