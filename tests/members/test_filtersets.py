"""Every filter of the members FilterSets, on two records: one that matches, one that does not."""

import datetime
from decimal import Decimal

import pytest

from members.filtersets import (
    MemberFilterSet,
    PositionFilterSet,
    ServiceRecordFilterSet,
    VolunteerFilterSet,
    VolunteerTeamFilterSet,
)
from members.models import Member, Position, ServiceRecord, Volunteer, VolunteerTeam
from tests.factories import (
    BranchFactory,
    MemberFactory,
    PositionFactory,
    ServiceRecordFactory,
    VolunteerFactory,
    VolunteerTeamFactory,
)

pytestmark = pytest.mark.django_db

ZHIXIA = "360803101"  # 值夏镇, another town of 青原区


def filtered(filterset_class, queryset, params: dict) -> list:
    filterset = filterset_class(params, queryset=queryset)
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


@pytest.fixture
def zhixia_branch():
    return BranchFactory(name="值夏镇红十字会", region_id=ZHIXIA)


# Members --------------------------------------------------------------------------------


@pytest.fixture
def members(zhixia_branch) -> dict[str, Member]:
    return {
        "li": MemberFactory(name="李红", gender="female", joined_on=datetime.date(2020, 3, 1)),
        "wang": MemberFactory(
            branch=zhixia_branch,
            name="王建国",
            kind="unit",
            gender="male",
            occupation="村支书",
            joined_on=datetime.date(2018, 1, 1),
            left_on=datetime.date(2022, 1, 1),
            leave_reason="迁出",
        ),
    }


MEMBER_CASES = {
    "region": (lambda m: {"region": ZHIXIA}, "wang"),
    "branch": (lambda m: {"branch": m["li"].branch_id}, "li"),
    "active": (lambda m: {"active": "true"}, "li"),
    "joined_after": (lambda m: {"joined_after": "2019-01-01"}, "li"),
    "joined_before": (lambda m: {"joined_before": "2019-01-01"}, "wang"),
    "search": (lambda m: {"search": "村支书"}, "wang"),
    "kind": (lambda m: {"kind": "unit"}, "wang"),
    "gender": (lambda m: {"gender": "female"}, "li"),
}


@pytest.mark.parametrize("name", MEMBER_CASES)
def test_member_filter(members, name):
    params, expected = MEMBER_CASES[name]
    assert filtered(MemberFilterSet, Member.objects.all(), params(members)) == [members[expected]]


def test_member_ordering(members):
    rows = filtered(MemberFilterSet, Member.objects.all(), {"ordering": "joined_on"})
    assert rows == [members["wang"], members["li"]]


def test_member_filters_are_all_tested():
    assert set(MemberFilterSet.base_filters) == {*MEMBER_CASES, "ordering"}


# Positions ------------------------------------------------------------------------------


@pytest.fixture
def positions(zhixia_branch) -> dict[str, Position]:
    member = MemberFactory()
    return {
        "president": PositionFactory(
            branch=member.branch,
            member=member,
            role="president",
            holder_name="王会长",
            started_on=datetime.date(2021, 1, 1),
        ),
        "supervisor": PositionFactory(
            branch=zhixia_branch,
            role="supervisor",
            holder_name="赵监事",
            holder_title="值夏镇卫生院院长",
            started_on=datetime.date(2018, 1, 1),
            ended_on=datetime.date(2020, 12, 31),
        ),
    }


POSITION_CASES = {
    "region": (lambda p: {"region": ZHIXIA}, "supervisor"),
    "branch": (lambda p: {"branch": p["president"].branch_id}, "president"),
    "member": (lambda p: {"member": p["president"].member_id}, "president"),
    "current": (lambda p: {"current": "false"}, "supervisor"),
    "started_after": (lambda p: {"started_after": "2020-01-01"}, "president"),
    "started_before": (lambda p: {"started_before": "2020-01-01"}, "supervisor"),
    "search": (lambda p: {"search": "卫生院"}, "supervisor"),
    "role": (lambda p: {"role": "president"}, "president"),
}


@pytest.mark.parametrize("name", POSITION_CASES)
def test_position_filter(positions, name):
    params, expected = POSITION_CASES[name]
    rows = filtered(PositionFilterSet, Position.objects.all(), params(positions))
    assert rows == [positions[expected]]


def test_position_ordering(positions):
    rows = filtered(PositionFilterSet, Position.objects.all(), {"ordering": "-started_on"})
    assert rows == [positions["president"], positions["supervisor"]]


@pytest.mark.parametrize("ordering", [",", ",,"])
def test_an_empty_ordering_list_keeps_the_default_order(positions, ordering):
    filterset = PositionFilterSet({"ordering": ordering}, queryset=Position.objects.all())
    assert filterset.is_valid(), filterset.errors
    assert filterset.qs.ordered
    assert list(filterset.qs) == list(Position.objects.all())


def test_position_filters_are_all_tested():
    assert set(PositionFilterSet.base_filters) == {*POSITION_CASES, "ordering"}


# Volunteer teams ------------------------------------------------------------------------


@pytest.fixture
def teams(zhixia_branch) -> dict[str, VolunteerTeam]:
    return {
        "rescue": VolunteerTeamFactory(name="应急救护队", founded_on=datetime.date(2020, 6, 1)),
        "elderly": VolunteerTeamFactory(
            branch=zhixia_branch,
            name="养老服务队",
            service_type="elderly_care",
            founded_on=datetime.date(2017, 6, 1),
        ),
    }


TEAM_CASES = {
    "region": (lambda t: {"region": ZHIXIA}, "elderly"),
    "branch": (lambda t: {"branch": t["rescue"].branch_id}, "rescue"),
    "founded_after": (lambda t: {"founded_after": "2019-01-01"}, "rescue"),
    "founded_before": (lambda t: {"founded_before": "2019-01-01"}, "elderly"),
    "search": (lambda t: {"search": "养老"}, "elderly"),
    "service_type": (lambda t: {"service_type": "emergency"}, "rescue"),
}


@pytest.mark.parametrize("name", TEAM_CASES)
def test_team_filter(teams, name):
    params, expected = TEAM_CASES[name]
    rows = filtered(VolunteerTeamFilterSet, VolunteerTeam.objects.all(), params(teams))
    assert rows == [teams[expected]]


def test_team_ordering(teams):
    rows = filtered(VolunteerTeamFilterSet, VolunteerTeam.objects.all(), {"ordering": "name"})
    assert rows == sorted(teams.values(), key=lambda team: team.name)


def test_team_filters_are_all_tested():
    assert set(VolunteerTeamFilterSet.base_filters) == {*TEAM_CASES, "ordering"}


# Volunteers -----------------------------------------------------------------------------


@pytest.fixture
def volunteers(teams) -> dict[str, Volunteer]:
    return {
        "liu": VolunteerFactory(
            team=teams["rescue"], name="刘志愿", registered_on=datetime.date(2021, 3, 5)
        ),
        "chen": VolunteerFactory(
            team=teams["elderly"],
            name="陈志愿",
            gender="female",
            status="inactive",
            registered_on=datetime.date(2018, 3, 5),
        ),
    }


VOLUNTEER_CASES = {
    "region": (lambda v: {"region": ZHIXIA}, "chen"),
    "branch": (lambda v: {"branch": v["liu"].branch_id}, "liu"),
    "team": (lambda v: {"team": v["chen"].team_id}, "chen"),
    "registered_after": (lambda v: {"registered_after": "2020-01-01"}, "liu"),
    "registered_before": (lambda v: {"registered_before": "2020-01-01"}, "chen"),
    "search": (lambda v: {"search": "刘"}, "liu"),
    "status": (lambda v: {"status": "inactive"}, "chen"),
    "gender": (lambda v: {"gender": "female"}, "chen"),
}


@pytest.mark.parametrize("name", VOLUNTEER_CASES)
def test_volunteer_filter(volunteers, name):
    params, expected = VOLUNTEER_CASES[name]
    rows = filtered(VolunteerFilterSet, Volunteer.objects.all(), params(volunteers))
    assert rows == [volunteers[expected]]


def test_volunteer_ordering(volunteers):
    rows = filtered(VolunteerFilterSet, Volunteer.objects.all(), {"ordering": "registered_on"})
    assert rows == [volunteers["chen"], volunteers["liu"]]


def test_volunteer_filters_are_all_tested():
    assert set(VolunteerFilterSet.base_filters) == {*VOLUNTEER_CASES, "ordering"}


# Service records ------------------------------------------------------------------------


@pytest.fixture
def records(volunteers) -> dict[str, ServiceRecord]:
    return {
        "training": ServiceRecordFactory(
            volunteer=volunteers["liu"], served_on=datetime.date(2021, 6, 1)
        ),
        "visit": ServiceRecordFactory(
            volunteer=volunteers["chen"],
            served_on=datetime.date(2019, 10, 9),
            hours=Decimal("4"),
            activity="重阳节探访老人",
            status="approved",
            reviewed_at=datetime.datetime(2019, 10, 10, tzinfo=datetime.UTC),
        ),
    }


RECORD_CASES = {
    "region": (lambda r: {"region": ZHIXIA}, "visit"),
    "volunteer": (lambda r: {"volunteer": r["training"].volunteer_id}, "training"),
    "team": (lambda r: {"team": r["visit"].team_id}, "visit"),
    "served_after": (lambda r: {"served_after": "2020-01-01"}, "training"),
    "served_before": (lambda r: {"served_before": "2020-01-01"}, "visit"),
    "year": (lambda r: {"year": 2019}, "visit"),
    "search": (lambda r: {"search": "重阳"}, "visit"),
    "status": (lambda r: {"status": "pending"}, "training"),
}


@pytest.mark.parametrize("name", RECORD_CASES)
def test_service_record_filter(records, name):
    params, expected = RECORD_CASES[name]
    rows = filtered(ServiceRecordFilterSet, ServiceRecord.objects.all(), params(records))
    assert rows == [records[expected]]


def test_service_record_ordering(records):
    rows = filtered(ServiceRecordFilterSet, ServiceRecord.objects.all(), {"ordering": "-hours"})
    assert rows == [records["visit"], records["training"]]


def test_service_record_filters_are_all_tested():
    assert set(ServiceRecordFilterSet.base_filters) == {*RECORD_CASES, "ordering"}
