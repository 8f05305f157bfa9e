"""People: names and ID numbers, members and councils, volunteers and their service records."""

import datetime
import random
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from members.choices import (
    Gender,
    MemberKind,
    MembershipEventKind,
    PositionRole,
    ServiceRecordStatus,
    ServiceType,
    VolunteerStatus,
)
from members.models import (
    Member,
    MembershipEvent,
    Position,
    ServiceRecord,
    Volunteer,
    VolunteerTeam,
)
from orgs.choices import BranchKind, BranchStatus
from orgs.models import Branch
from orgs.validators import id_check_char
from portal.demo.facts import (
    ACTIVITIES,
    AREA_CODES,
    BRANDS,
    CITY,
    COMPANY_FORMS,
    FEMALE_CHARS,
    INDUSTRIES,
    LAST_DAY,
    LEAVE_REASONS,
    MALE_CHARS,
    MOBILE_PREFIXES,
    OCCUPATIONS,
    SERVICE_LABELS,
    SERVICE_WEIGHTS,
    SURNAMES,
    TIANYU_COUNCIL,
    TIANYU_MEMBERS,
    TIANYU_VOLUNTEERS,
    TIERS,
    Date,
    day_between,
)
from portal.demo.plan import Plan
from portal.demo.regions import RegionTree


class People:
    """Chinese names, valid ID numbers, phones and unit names from the seed's random source."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.id_numbers: set[str] = set()
        self.companies: set[str] = set()

    def name(self, gender: str) -> str:
        chars = MALE_CHARS if gender == Gender.MALE else FEMALE_CHARS
        given = "".join(self.rng.choice(chars) for _n in range(self.rng.choice([1, 2, 2])))
        return self.rng.choice(SURNAMES) + given

    def person(self, county: str, *, born: tuple[int, int] = (1955, 2001)) -> dict:
        """A person's fields: name, gender, ID number (most have one) and mobile number."""
        gender = self.rng.choice([Gender.MALE, Gender.FEMALE])
        birth = day_between(self.rng, Date(born[0], 1, 1), Date(born[1], 12, 31))
        has_id = self.rng.random() < 0.85
        return {
            "name": self.name(gender),
            "gender": gender,
            "id_number": self.id_number(county, birth, gender) if has_id else "",
            "phone": self.mobile(),
        }

    def id_number(self, county: str, birth: Date, gender: str) -> str:
        """A resident ID number with a valid check character, unique in the data set."""
        while True:
            sequence = self.rng.randrange(0, 1000, 2) + (gender == Gender.MALE)
            first17 = f"{county}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_char(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def landline(self, code: str) -> str:
        return f"{AREA_CODES.get(code[:4], '0791')}-{self.rng.randint(2000000, 8999999)}"

    def company(self, place: str) -> str:
        """An enterprise name, unique in the data set."""
        while True:
            brand, industry = self.rng.choice(BRANDS), self.rng.choice(INDUSTRIES)
            name = f"{place}{brand}{industry}{self.rng.choice(COMPANY_FORMS)}"
            if name not in self.companies:
                self.companies.add(name)
                return name


class PeopleMixin:
    """Members, councils, volunteer teams and service records, drawn for ``Builder``."""

    # Set by Builder.__init__.
    rng: random.Random
    people: People
    tree: RegionTree
    plan: Plan
    tianyu: Branch | None

    # members and leadership ---------------------------------------------------------------

    def member_count(self, branch: Branch) -> int:
        """Tens per township branch, fewer in villages and sectoral units, 232 at Tianyu."""
        if branch.status in (BranchStatus.PREPARING, BranchStatus.DISSOLVED):
            return 0
        if branch is self.tianyu:
            return TIANYU_MEMBERS
        jian = branch.region_id.startswith(CITY)
        ranges = {
            BranchKind.TOWNSHIP: (20, 50) if jian else (8, 30),
            BranchKind.COMMUNITY: (5, 15),
            BranchKind.COUNTY: (10, 30),
            BranchKind.CITY: (15, 30),
            BranchKind.PROVINCE: (20, 40),
        }
        if branch.kind in ranges:
            return self.rng.randint(*ranges[branch.kind])
        return self.rng.randint(3, 12) if self.rng.random() < 0.1 else 0

    def memberships(self) -> None:
        for branch in self.plan.branches:
            for _n in range(self.member_count(branch)):
                self.member(branch)

    def member(self, branch: Branch) -> None:
        """A member (a few are units) with a joined event; a few left, some of them rejoined."""
        county = self.tree.county_of(branch.region_id)
        unit = branch.kind in (BranchKind.COUNTY, BranchKind.CITY) and self.rng.random() < 0.1
        if unit:
            fields = {"kind": MemberKind.UNIT, "name": self.people.company("")}
            fields["phone"] = self.people.landline(county)
        else:
            fields = self.people.person(county) | {"occupation": self.rng.choice(OCCUPATIONS)}
        recruited_by = Date(2020, 12, 31) if branch is self.tianyu else LAST_DAY
        joined = day_between(self.rng, branch.founded_on, recruited_by)
        member = Member(branch=branch, region_code=branch.region_id, joined_on=joined, **fields)
        self.plan.members.append(member)
        self.event(member, MembershipEventKind.JOINED, joined)
        if branch is not self.tianyu and joined < LAST_DAY and self.rng.random() < 0.04:
            self.leave(member)

    def leave(self, member: Member) -> None:
        """The member left; one in three of the leavers rejoined later."""
        left = day_between(self.rng, member.joined_on + datetime.timedelta(1), LAST_DAY)
        reason = self.rng.choice(LEAVE_REASONS)
        self.event(member, MembershipEventKind.LEFT, left, reason)
        if left < LAST_DAY and self.rng.random() < 1 / 3:
            back = day_between(self.rng, left + datetime.timedelta(1), LAST_DAY)
            self.event(member, MembershipEventKind.REJOINED, back)
        else:
            member.left_on, member.leave_reason = left, reason

    def event(self, member: Member, kind: str, on: Date, reason: str = "") -> None:
        event = MembershipEvent(member=member, kind=kind, happened_on=on, reason=reason)
        self.plan.events.append(event)

    def councils(self) -> None:
        """Tianyu's council of 38; a small council at other active province to township branches."""
        members = defaultdict(list)
        for member in self.plan.members:
            members[id(member.branch)].append(member)
        for branch in self.plan.branches:
            if branch is self.tianyu:
                self.tianyu_council(branch, members[id(branch)])
            elif branch.kind in TIERS and branch.status == BranchStatus.ACTIVE:
                self.small_council(branch, members[id(branch)])

    def position(self, branch: Branch, role: str, started: Date, **fields) -> None:
        member = fields.get("member")
        holder = member.name if member else self.people.name(self.rng.choice(list(Gender)))
        position = Position(branch=branch, role=role, holder_name=holder, started_on=started)
        for name, value in fields.items():
            setattr(position, name, value)
        self.plan.positions.append(position)

    def tianyu_council(self, branch: Branch, members: list[Member]) -> None:
        individuals = [m for m in members if m.kind == MemberKind.INDIVIDUAL]
        holders = iter(
            self.rng.sample(individuals, sum(count for _role, count, _title in TIANYU_COUNCIL))
        )
        for role, count, title in TIANYU_COUNCIL:
            for holder in (next(holders) for _n in range(count)):
                started = max(branch.founded_on, holder.joined_on)
                self.position(branch, role, started, member=holder, holder_title=title)

    def small_council(self, branch: Branch, members: list[Member]) -> None:
        """President and secretary-general; more in Ji'an and above townships; some handovers."""
        started = branch.founded_on
        if branch.kind != BranchKind.TOWNSHIP and self.rng.random() < 0.5:
            handover = day_between(self.rng, Date(2020, 1, 1), Date(2024, 12, 31))
            ended = handover - datetime.timedelta(1)
            self.position(branch, PositionRole.PRESIDENT, started, ended_on=ended)
            started = handover
        self.position(branch, PositionRole.PRESIDENT, started)
        self.position(branch, PositionRole.SECRETARY_GENERAL, branch.founded_on)
        if branch.region_id.startswith(CITY) or branch.kind != BranchKind.TOWNSHIP:
            self.position(branch, PositionRole.PART_TIME_VICE_PRESIDENT, branch.founded_on)
            self.position(branch, PositionRole.SUPERVISORY_CHAIR, branch.founded_on)
            count = min(len(members), self.rng.randint(2, 5))
            for member in self.rng.sample(members, count):
                since = max(branch.founded_on, member.joined_on)
                self.position(branch, PositionRole.COUNCIL_MEMBER, since, member=member)

    # volunteers ------------------------------------------------------------------------------

    def team_plan(self, branch: Branch) -> list[tuple[str, int]]:
        """The teams of a branch: (service type, number of volunteers)."""
        jian = branch.region_id.startswith(CITY)
        if branch.status != BranchStatus.ACTIVE:
            return []
        if branch is self.tianyu:
            return [(ServiceType.EMERGENCY, TIANYU_VOLUNTEERS)]
        if branch.kind in (BranchKind.COUNTY, BranchKind.CITY):
            kinds = [ServiceType.EMERGENCY] + ([ServiceType.THREE_DONATIONS] if jian else [])
            return [(kind, self.rng.randint(15, 30)) for kind in kinds]
        chance, sizes = {
            BranchKind.TOWNSHIP: (1.0, (8, 20)) if jian else (0.3, (6, 15)),
            BranchKind.COMMUNITY: (0.3, (5, 12)),
            BranchKind.SCHOOL: (0.05, (6, 15)),
        }.get(branch.kind, (0, (0, 0)))
        if self.rng.random() >= chance:
            return []
        service_type = self.rng.choices(list(SERVICE_LABELS), SERVICE_WEIGHTS)[0]
        return [(service_type, self.rng.randint(*sizes))]

    def volunteering(self) -> None:
        """Teams with their volunteers; Tianyu's volunteers are drawn from its members."""
        tianyu_people = [
            m
            for m in self.plan.members
            if m.branch is self.tianyu and m.kind == MemberKind.INDIVIDUAL
        ]
        for branch in self.plan.branches:
            for service_type, size in self.team_plan(branch):
                team = self.team(branch, service_type)
                people = self.rng.sample(tianyu_people, size) if branch is self.tianyu else None
                self.volunteers(team, size, people)

    def team(self, branch: Branch, service_type: str) -> VolunteerTeam:
        place = branch.name.removesuffix("红十字会")
        label = "" if branch is self.tianyu else SERVICE_LABELS[service_type]
        share = 0.85 if branch.region_id.startswith(CITY) else 0.5
        unified = [self.rng.random() < share for _n in range(6)]
        start = max(branch.founded_on, Date(2019, 1, 1))
        formed = min(LAST_DAY, start + datetime.timedelta(self.rng.randint(0, 180)))
        team = VolunteerTeam(
            branch=branch,
            region_code=branch.region_id,
            name=f"{place}红十字{label}志愿服务队",
            service_type=service_type,
            founded_on=formed,
            unified_name=unified[0],
            unified_insignia=unified[1],
            unified_uniform=unified[2],
            unified_service=unified[3],
            commitment_signed=unified[4],
            managed_online=unified[5],
        )
        self.plan.teams.append(team)
        return team

    def volunteers(self, team: VolunteerTeam, size: int, people: list[Member] | None) -> None:
        """A team's volunteers (given people, or new ones) and their service records."""
        county = self.tree.county_of(team.region_code)
        for person in people or [None] * size:
            if person is None:
                fields = self.people.person(county, born=(1960, 2005))
            else:
                fields = {k: getattr(person, k) for k in ("name", "gender", "id_number", "phone")}
            active = self.rng.random() < 0.95
            volunteer = Volunteer(
                branch=team.branch,
                team=team,
                region_code=team.region_code,
                registered_on=self.soon_after(team.founded_on, days=120),
                status=VolunteerStatus.ACTIVE if active else VolunteerStatus.INACTIVE,
                **fields,
            )
            self.plan.volunteers.append(volunteer)
            for _n in range(self.rng.randint(0, 6) if active else self.rng.randint(0, 1)):
                self.service(volunteer)

    def soon_after(self, day: Date, *, days: int) -> Date:
        """A day after ``day``, ``days`` later on average (most soon, a few years on)."""
        return min(LAST_DAY, day + datetime.timedelta(int(self.rng.expovariate(1 / days))))

    def service(self, volunteer: Volunteer) -> None:
        """A service record: approved mostly, a few declined, recent ones often still pending."""
        served = day_between(self.rng, volunteer.registered_on, LAST_DAY)
        draw = self.rng.random()
        status = ServiceRecordStatus.DECLINED if draw < 0.04 else ServiceRecordStatus.APPROVED
        if served >= Date(2025, 11, 1) and draw > 0.4:
            status = ServiceRecordStatus.PENDING
        reviewed = None
        if status != ServiceRecordStatus.PENDING:
            day = served + datetime.timedelta(self.rng.randint(1, 7))
            reviewed = datetime.datetime.combine(
                day, datetime.time(10), tzinfo=ZoneInfo(settings.TIME_ZONE)
            )
        record = ServiceRecord(
            volunteer=volunteer,
            team=volunteer.team,
            region_code=volunteer.region_code,
            served_on=served,
            hours=Decimal(self.rng.randint(2, 16)) / 2,
            activity=self.rng.choice(ACTIVITIES[volunteer.team.service_type]),
            status=status,
            reviewed_at=reviewed,
        )
        self.plan.records.append(record)
