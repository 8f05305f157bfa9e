"""Every constraint and trigger of the members models: full_clean() explains, the database refuses."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, transaction
from django.utils import timezone, translation

from members.choices import MembershipEventKind, PositionRole, ServiceRecordStatus
from members.models import Member, MembershipEvent, Position, ServiceRecord
from orgs.models import Branch
from tests.conftest import TIANYU
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
NOT_FUTURE = "The date cannot be later than today."
ID_NUMBER = "360803199001011234"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def branch():
    return BranchFactory()


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def clean_errors(instance) -> dict[str, list[str]]:
    """The messages full_clean() raises for ``instance``, by field."""
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def assert_db_refuses(instance, constraint: str) -> None:
    """Saving ``instance`` raw (no full_clean) breaks the named constraint; nothing is saved."""
    model = type(instance)
    before = model.objects.count()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        instance.save()
    assert model.objects.count() == before


# Members


def test_member_id_number_is_unique_within_a_branch(branch):
    MemberFactory(branch=branch, id_number=ID_NUMBER)
    twin = MemberFactory.build(branch=branch, id_number=ID_NUMBER)
    assert clean_errors(twin) == {
        "__all__": ["This branch already has a member with this ID number."]
    }
    assert_db_refuses(twin, "members_member_unique_id_number_in_branch")


def test_member_id_number_may_repeat_in_another_branch_and_may_be_blank(branch):
    MemberFactory(branch=branch, id_number=ID_NUMBER)
    MemberFactory(id_number=ID_NUMBER)
    MemberFactory(branch=branch, id_number="")
    MemberFactory(branch=branch, id_number="")
    assert Member.objects.count() == 4


def test_member_cannot_leave_before_joining(branch):
    member = MemberFactory.build(
        branch=branch, left_on=datetime.date(2020, 2, 1), leave_reason="迁出"
    )
    assert clean_errors(member) == {"__all__": ["A member cannot leave before joining."]}
    assert_db_refuses(member, "members_member_left_after_joined")


def test_member_leaving_needs_a_reason(branch):
    member = MemberFactory.build(branch=branch, left_on=datetime.date(2021, 2, 1))
    assert clean_errors(member) == {"__all__": ["Leaving needs a reason."]}
    assert_db_refuses(member, "members_member_leave_reason_given")


@pytest.mark.parametrize("field", ["joined_on", "left_on"])
def test_member_dates_cannot_be_later_than_today(branch, field):
    member = MemberFactory.build(branch=branch, leave_reason="迁出", **{field: tomorrow()})
    if field == "joined_on":
        member.leave_reason = ""
    assert clean_errors(member) == {"__all__": [NOT_FUTURE]}
    assert_db_refuses(member, f"members_member_{field}_not_future")


def test_member_id_number_and_phone_are_validated_by_field(branch):
    member = MemberFactory.build(branch=branch, id_number="360803199001011235", phone="8221234")
    errors = clean_errors(member)
    assert errors["id_number"] == ["The ID number's check digit is wrong."]
    assert errors["phone"][0].startswith("Invalid phone number")


def test_membership_event_cannot_be_later_than_today(branch):
    event = MembershipEvent(
        member=MemberFactory(branch=branch), kind=MembershipEventKind.JOINED, happened_on=tomorrow()
    )
    assert clean_errors(event) == {"__all__": [NOT_FUTURE]}
    assert_db_refuses(event, "members_membershipevent_happened_on_not_future")


# Leadership positions


def test_branch_has_one_current_president(branch):
    PositionFactory(branch=branch, role=PositionRole.PRESIDENT)
    second = PositionFactory.build(branch=branch, role=PositionRole.PRESIDENT)
    assert clean_errors(second) == {
        "__all__": ["Someone already holds this position: end their term first."]
    }
    assert_db_refuses(second, "members_position_one_current_holder")


def test_president_whose_term_ended_can_be_succeeded(branch):
    PositionFactory(branch=branch, role=PositionRole.PRESIDENT, ended_on=datetime.date(2022, 1, 1))
    successor = PositionFactory.build(branch=branch, role=PositionRole.PRESIDENT)
    successor.full_clean()
    successor.save()
    assert Position.objects.filter(branch=branch, role=PositionRole.PRESIDENT).count() == 2


def test_branch_has_many_council_members(branch):
    PositionFactory.create_batch(3, branch=branch, role=PositionRole.COUNCIL_MEMBER)
    assert Position.objects.current().filter(branch=branch).count() == 3


def test_position_cannot_end_before_it_started(branch):
    position = PositionFactory.build(branch=branch, ended_on=datetime.date(2020, 1, 1))
    assert clean_errors(position) == {"__all__": ["A position cannot end before it started."]}
    assert_db_refuses(position, "members_position_ended_after_started")


@pytest.mark.parametrize("field", ["started_on", "ended_on"])
def test_position_dates_cannot_be_later_than_today(branch, field):
    position = PositionFactory.build(branch=branch, **{field: tomorrow()})
    assert clean_errors(position) == {"__all__": [NOT_FUTURE]}
    assert_db_refuses(position, f"members_position_{field}_not_future")


# Volunteer teams and volunteers


def test_team_name_is_unique_within_a_branch(branch):
    VolunteerTeamFactory(branch=branch, name="天玉镇应急救护志愿服务队")
    twin = VolunteerTeamFactory.build(branch=branch, name="天玉镇应急救护志愿服务队")
    assert clean_errors(twin) == {"__all__": ["This branch already has a team of this name."]}
    assert_db_refuses(twin, "members_volunteerteam_unique_name_in_branch")


def test_team_cannot_be_founded_later_than_today(branch):
    team = VolunteerTeamFactory.build(branch=branch, founded_on=tomorrow())
    assert clean_errors(team) == {"__all__": [NOT_FUTURE]}
    assert_db_refuses(team, "members_volunteerteam_founded_on_not_future")


def test_volunteer_id_number_is_unique_within_a_branch(branch):
    team = VolunteerTeamFactory(branch=branch)
    VolunteerFactory(team=team, id_number=ID_NUMBER)
    twin = VolunteerFactory.build(team=team, id_number=ID_NUMBER)
    assert clean_errors(twin) == {
        "__all__": ["This branch already has a volunteer with this ID number."]
    }
    assert_db_refuses(twin, "members_volunteer_unique_id_number_in_branch")


def test_volunteer_cannot_register_later_than_today(branch):
    volunteer = VolunteerFactory.build(
        team=VolunteerTeamFactory(branch=branch), registered_on=tomorrow()
    )
    assert clean_errors(volunteer) == {"__all__": [NOT_FUTURE]}
    assert_db_refuses(volunteer, "members_volunteer_registered_on_not_future")


# Service records


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("-1"), Decimal("24.5")])
def test_service_hours_lie_within_a_day(hours):
    record = ServiceRecordFactory.build(volunteer=VolunteerFactory(), hours=hours)
    assert list(clean_errors(record)) == ["hours"]
    with pytest.raises(ValidationError) as caught:
        record.validate_constraints()
    assert caught.value.messages == ["Service hours must be more than 0 and at most 24."]
    assert_db_refuses(record, "members_servicerecord_hours_in_day")


def test_reviewed_service_record_needs_its_review_time():
    record = ServiceRecordFactory.build(
        volunteer=VolunteerFactory(), status=ServiceRecordStatus.APPROVED
    )
    assert clean_errors(record) == {"__all__": ["A reviewed record needs its review time."]}
    assert_db_refuses(record, "members_servicerecord_reviewed_when_decided")


def test_service_cannot_be_dated_later_than_today():
    record = ServiceRecordFactory.build(volunteer=VolunteerFactory(), served_on=tomorrow())
    assert clean_errors(record) == {"__all__": [NOT_FUTURE]}
    assert_db_refuses(record, "members_servicerecord_served_on_not_future")


def test_service_record_can_never_be_deleted():
    record = ServiceRecordFactory()
    with pytest.raises(InternalError, match="Cannot delete rows"), transaction.atomic():
        record.delete()
    with pytest.raises(InternalError, match="Cannot delete rows"), transaction.atomic():
        ServiceRecord.objects.filter(pk=record.pk).delete()
    assert ServiceRecord.objects.filter(pk=record.pk).exists()


# Region code copies


@pytest.mark.parametrize(
    "factory", [MemberFactory, VolunteerTeamFactory, VolunteerFactory, ServiceRecordFactory]
)
def test_insert_copies_the_branch_region_code_whatever_was_written(factory):
    record = factory(region_code="11")
    record.refresh_from_db()
    assert record.region_code == TIANYU


def test_member_moved_to_another_branch_takes_its_region_code():
    member = MemberFactory()
    elsewhere = BranchFactory(region_id=ZHIXIA)
    Member.objects.filter(pk=member.pk).update(branch=elsewhere)
    member.refresh_from_db()
    assert member.region_code == ZHIXIA


def test_records_follow_their_branch_when_it_moves(branch):
    team = VolunteerTeamFactory(branch=branch)
    records = [
        MemberFactory(branch=branch),
        team,
        VolunteerFactory(team=team),
        ServiceRecordFactory(volunteer=VolunteerFactory(team=team)),
    ]
    bystander = MemberFactory()
    Branch.objects.filter(pk=branch.pk).update(region_id=ZHIXIA)
    for record in [*records, bystander]:
        record.refresh_from_db()
    assert [record.region_code for record in records] == [ZHIXIA] * 4
    assert bystander.region_code == TIANYU
