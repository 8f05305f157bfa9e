"""Membership, leadership, volunteer and service-hour services, and the members selectors."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from members.choices import (
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
from members.selectors import (
    member_list,
    position_list,
    service_record_list,
    team_list,
    volunteer_list,
)
from members.services import (
    member_join,
    member_leave,
    member_rejoin,
    position_assign,
    position_end,
    service_record_submit,
    service_records_approve,
    service_records_decline,
    team_create,
    volunteer_register,
)
from orgs.choices import BranchStatus
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

GUNAN = "360802001"  # 古南街道, a street of 吉州区
OUTSIDE = "This lies outside your region."
NOT_FUTURE = "The date cannot be later than today."
OTHER_BRANCH_TEAM = "The team belongs to another branch."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def branch():
    return BranchFactory(name="天玉镇红十字会")


@pytest.fixture
def team(branch):
    return VolunteerTeamFactory(branch=branch)


@pytest.fixture
def volunteer(team):
    return VolunteerFactory(team=team)


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def errors_of(service, **kwargs) -> dict[str, list[str]]:
    """The field messages of the ValidationError ``service(**kwargs)`` raises."""
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    return caught.value.message_dict


def join(branch, **kwargs) -> Member:
    return member_join(
        **{"branch": branch, "name": "刘志华", "joined_on": datetime.date(2020, 3, 1)} | kwargs
    )


# Membership


def test_join_saves_the_member_and_its_joined_event(branch, county_staff):
    member = join(branch, user=county_staff)
    assert member.region_code == TIANYU
    assert Member.objects.get(pk=member.pk).region_code == TIANYU
    assert list(member.events.values_list("kind", "happened_on")) == [
        (MembershipEventKind.JOINED, datetime.date(2020, 3, 1))
    ]


def test_join_normalises_id_and_phone_numbers(branch):
    member = join(branch, id_number=" 11010519491231002x ", phone="138 1234 5678")
    saved = Member.objects.get(pk=member.pk)
    assert (saved.id_number, saved.phone) == ("11010519491231002X", "13812345678")


def test_join_refuses_an_invalid_id_number_and_saves_nothing(branch):
    errors = errors_of(join, branch=branch, id_number="360803199001011235")
    assert errors == {"id_number": ["The ID number's check digit is wrong."]}
    assert not Member.objects.exists()
    assert not MembershipEvent.objects.exists()


def test_join_refuses_an_id_number_already_in_the_branch(branch):
    join(branch, id_number="360803199001011234")
    errors = errors_of(join, branch=branch, name="刘志", id_number="360803199001011234")
    assert errors == {"id_number": ["This branch already has a member with this ID number."]}
    assert Member.objects.count() == 1


def test_join_refuses_an_invalid_phone(branch):
    assert list(errors_of(join, branch=branch, phone="12345")) == ["phone"]


def test_join_refuses_a_date_later_than_today(branch):
    assert errors_of(join, branch=branch, joined_on=tomorrow()) == {"joined_on": [NOT_FUTURE]}
    assert not Member.objects.exists()


def test_join_refuses_a_dissolved_branch(branch):
    branch.status, branch.dissolved_on = BranchStatus.DISSOLVED, datetime.date(2022, 1, 1)
    branch.save()
    errors = errors_of(join, branch=branch)
    assert errors == {"branch": ["A dissolved branch takes no new records."]}


def test_join_refuses_an_outsider_and_denies_a_viewer(branch, outsider, city_official):
    assert errors_of(join, branch=branch, user=outsider) == {"branch": [OUTSIDE]}
    with pytest.raises(PermissionDenied):
        join(branch, user=city_official)
    assert not Member.objects.exists()


def test_leave_and_rejoin_keep_the_history_in_events(branch, county_staff):
    member = join(branch)
    member_leave(
        member=member, left_on=datetime.date(2021, 5, 1), reason="外出务工", user=county_staff
    )
    assert not Member.objects.active().filter(pk=member.pk).exists()
    member_rejoin(member=member, rejoined_on=datetime.date(2022, 2, 1), user=county_staff)
    saved = Member.objects.get(pk=member.pk)
    assert (saved.is_active, saved.joined_on, saved.leave_reason) == (
        True,
        datetime.date(2022, 2, 1),
        "",
    )
    assert list(saved.events.values_list("kind", "happened_on", "reason")) == [
        (MembershipEventKind.JOINED, datetime.date(2020, 3, 1), ""),
        (MembershipEventKind.LEFT, datetime.date(2021, 5, 1), "外出务工"),
        (MembershipEventKind.REJOINED, datetime.date(2022, 2, 1), ""),
    ]


def test_leave_needs_a_reason(branch):
    member = join(branch)
    errors = errors_of(member_leave, member=member, left_on=datetime.date(2021, 5, 1), reason=" ")
    assert errors == {"leave_reason": ["Leaving needs a reason."]}
    assert Member.objects.get(pk=member.pk).is_active
    assert member.is_active  # the refused change is not left on the instance
    assert member.events.count() == 1


def test_leave_refuses_a_date_before_joining(branch):
    member = join(branch)
    errors = errors_of(
        member_leave, member=member, left_on=datetime.date(2019, 1, 1), reason="迁出"
    )
    assert errors == {"left_on": ["A member cannot leave before joining."]}


def test_leave_refuses_a_member_who_already_left(branch):
    member = join(branch)
    member_leave(member=member, left_on=datetime.date(2021, 5, 1), reason="迁出")
    errors = errors_of(
        member_leave, member=member, left_on=datetime.date(2021, 6, 1), reason="迁出"
    )
    assert errors == {"left_on": ["This member has already left."]}
    assert member.events.count() == 2


def test_rejoin_refuses_an_active_member(branch):
    member = join(branch)
    errors = errors_of(member_rejoin, member=member, rejoined_on=datetime.date(2021, 1, 1))
    assert errors == {"joined_on": ["Only a member who has left can rejoin."]}


def test_rejoin_refuses_a_date_before_leaving(branch):
    member = join(branch)
    member_leave(member=member, left_on=datetime.date(2021, 5, 1), reason="迁出")
    errors = errors_of(member_rejoin, member=member, rejoined_on=datetime.date(2021, 4, 1))
    assert errors == {"joined_on": ["A member cannot rejoin before the date they left."]}
    assert not Member.objects.get(pk=member.pk).is_active


def test_leave_refuses_an_outsider(branch, outsider):
    member = join(branch)
    errors = errors_of(
        member_leave, member=member, left_on=datetime.date(2021, 5, 1), reason="迁出", user=outsider
    )
    assert errors == {"branch": [OUTSIDE]}


# Leadership positions


def assign(branch, **kwargs) -> Position:
    values = {
        "branch": branch,
        "role": PositionRole.PRESIDENT,
        "holder_name": "周建国",
        "started_on": datetime.date(2019, 5, 8),
    }
    return position_assign(**values | kwargs)


def test_assign_links_the_member_record(branch, county_staff):
    member = join(branch)
    position = assign(branch, member=member, holder_title="天玉镇副镇长", user=county_staff)
    saved = Position.objects.get(pk=position.pk)
    assert (saved.member, saved.holder_title, saved.ended_on) == (member, "天玉镇副镇长", None)


def test_branch_has_one_current_president(branch):
    assign(branch)
    errors = errors_of(assign, branch=branch, holder_name="王明")
    assert errors == {"role": ["Someone already holds this position: end their term first."]}
    assert Position.objects.count() == 1


def test_ending_a_term_frees_the_presidency(branch):
    first = assign(branch)
    position_end(position=first, ended_on=datetime.date(2022, 12, 31))
    successor = assign(branch, holder_name="王明", started_on=datetime.date(2023, 1, 1))
    current = Position.objects.current().get(branch=branch, role=PositionRole.PRESIDENT)
    assert current == successor


def test_assign_refuses_a_member_of_another_branch(branch):
    stranger = MemberFactory()
    errors = errors_of(assign, branch=branch, member=stranger)
    assert errors == {"member": ["The member belongs to another branch."]}


def test_end_refuses_a_date_before_the_start_or_a_second_end(branch):
    position = assign(branch)
    errors = errors_of(position_end, position=position, ended_on=datetime.date(2019, 1, 1))
    assert errors == {"ended_on": ["A position cannot end before it started."]}
    position_end(position=position, ended_on=datetime.date(2022, 12, 31))
    errors = errors_of(position_end, position=position, ended_on=datetime.date(2023, 1, 1))
    assert errors == {"ended_on": ["This term has already ended."]}


def test_assign_refuses_a_start_later_than_today(branch):
    assert errors_of(assign, branch=branch, started_on=tomorrow()) == {"started_on": [NOT_FUTURE]}


# Teams and volunteers


def test_team_create_records_the_six_unifications(branch, county_staff):
    team = team_create(
        branch=branch,
        name="天玉镇应急救护志愿服务队",
        service_type=ServiceType.EMERGENCY,
        founded_on=datetime.date(2020, 1, 10),
        user=county_staff,
        unified_name=True,
        unified_uniform=True,
        managed_online=True,
    )
    saved = VolunteerTeam.objects.get(pk=team.pk)
    assert (saved.region_code, saved.six_unifications_met) == (TIANYU, 3)


def test_team_create_refuses_a_duplicate_name(team):
    errors = errors_of(
        team_create, branch=team.branch, name=team.name, service_type=ServiceType.ARTS
    )
    assert errors == {"name": ["This branch already has a team of this name."]}
    assert VolunteerTeam.objects.count() == 1


def test_team_create_rejects_unknown_flags(branch):
    with pytest.raises(TypeError, match="unified_hat"):
        team_create(branch=branch, name="队", service_type=ServiceType.ARTS, unified_hat=True)


def test_volunteer_register_in_a_team_of_the_branch(team, county_staff):
    volunteer = volunteer_register(
        branch=team.branch,
        team=team,
        name="李芳",
        registered_on=datetime.date(2020, 4, 1),
        id_number="11010519491231002x",
        user=county_staff,
    )
    saved = Volunteer.objects.get(pk=volunteer.pk)
    assert (saved.team, saved.region_code, saved.id_number) == (team, TIANYU, "11010519491231002X")


def test_volunteer_register_refuses_a_team_of_another_branch(branch):
    foreign_team = VolunteerTeamFactory()
    errors = errors_of(
        volunteer_register,
        branch=branch,
        team=foreign_team,
        name="李芳",
        registered_on=datetime.date(2020, 4, 1),
    )
    assert errors == {"team": [OTHER_BRANCH_TEAM]}
    assert not Volunteer.objects.exists()


# Service records


def submit(volunteer, **kwargs) -> ServiceRecord:
    values = {
        "volunteer": volunteer,
        "served_on": datetime.date(2021, 6, 1),
        "hours": Decimal("2.5"),
        "activity": "应急救护培训",
    }
    return service_record_submit(**values | kwargs)


def test_submit_is_pending_in_the_volunteers_team(volunteer, county_staff):
    record = submit(volunteer, user=county_staff)
    saved = ServiceRecord.objects.get(pk=record.pk)
    assert (saved.status, saved.team, saved.region_code) == ("pending", volunteer.team, TIANYU)
    assert record.region_code == TIANYU


def test_submit_refuses_a_team_of_another_branch(volunteer):
    errors = errors_of(submit, volunteer=volunteer, team=VolunteerTeamFactory())
    assert errors == {"team": [OTHER_BRANCH_TEAM]}
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("25")])
def test_submit_refuses_hours_outside_a_day(volunteer, hours):
    assert list(errors_of(submit, volunteer=volunteer, hours=hours)) == ["hours"]
    assert not ServiceRecord.objects.exists()


def test_submit_refuses_a_date_later_than_today(volunteer):
    assert errors_of(submit, volunteer=volunteer, served_on=tomorrow()) == {
        "served_on": [NOT_FUTURE]
    }


def test_submit_refuses_a_deregistered_volunteer(volunteer):
    volunteer.status = VolunteerStatus.INACTIVE
    errors = errors_of(submit, volunteer=volunteer)
    assert errors == {"volunteer": ["A deregistered volunteer cannot log hours."]}


def test_submit_refuses_an_outsider(volunteer, outsider):
    assert errors_of(submit, volunteer=volunteer, user=outsider) == {"volunteer": [OUTSIDE]}


def test_approve_decides_only_pending_records_in_one_update(
    volunteer, county_staff, django_assert_num_queries
):
    pending = ServiceRecordFactory.create_batch(3, volunteer=volunteer)
    declined = ServiceRecordFactory(
        volunteer=volunteer, status=ServiceRecordStatus.DECLINED, reviewed_at=timezone.now()
    )
    # 1. UPDATE … SET status, reviewed_by, reviewed_at WHERE pending and in the user's region
    with django_assert_num_queries(1):
        approved = service_records_approve(records=ServiceRecord.objects.all(), user=county_staff)
    assert approved == 3
    statuses = dict(ServiceRecord.objects.values_list("pk", "status"))
    assert {statuses[r.pk] for r in pending} == {ServiceRecordStatus.APPROVED}
    assert statuses[declined.pk] == ServiceRecordStatus.DECLINED
    reviewed = ServiceRecord.objects.get(pk=pending[0].pk)
    assert reviewed.reviewed_by == county_staff and reviewed.reviewed_at is not None


def test_approve_leaves_records_outside_the_users_region(volunteer, outsider):
    record = ServiceRecordFactory(volunteer=volunteer)
    assert service_records_approve(records=ServiceRecord.objects.all(), user=outsider) == 0
    assert ServiceRecord.objects.get(pk=record.pk).status == ServiceRecordStatus.PENDING


def test_decline_decides_only_pending_records(volunteer, county_staff):
    pending = ServiceRecordFactory(volunteer=volunteer)
    approved = ServiceRecordFactory(volunteer=volunteer)
    service_records_approve(records=ServiceRecord.objects.filter(pk=approved.pk), user=county_staff)
    assert service_records_decline(records=ServiceRecord.objects.all(), user=county_staff) == 1
    statuses = dict(ServiceRecord.objects.values_list("pk", "status"))
    assert statuses == {
        pending.pk: ServiceRecordStatus.DECLINED,
        approved.pk: ServiceRecordStatus.APPROVED,
    }


def test_review_denies_a_viewer(volunteer, city_official):
    ServiceRecordFactory(volunteer=volunteer)
    with pytest.raises(PermissionDenied):
        service_records_approve(records=ServiceRecord.objects.all(), user=city_official)
    assert not ServiceRecord.objects.approved().exists()


# Selectors


@pytest.mark.parametrize(
    ("selector", "factory"),
    [
        (member_list, MemberFactory),
        (volunteer_list, VolunteerFactory),
        (team_list, VolunteerTeamFactory),
        (service_record_list, ServiceRecordFactory),
        (position_list, PositionFactory),
    ],
)
def test_lists_show_only_the_users_region(selector, factory, county_staff, outsider, superuser):
    mine = factory()
    theirs = factory(**_at_gunan(factory))
    assert list(selector(user=county_staff)) == [mine]
    assert list(selector(user=outsider)) == [theirs]
    assert set(selector(user=superuser)) == {mine, theirs}


def _at_gunan(factory) -> dict:
    """Factory arguments for a record at a branch of 古南街道 (吉州区)."""
    branch = BranchFactory(region_id=GUNAN)
    if factory is VolunteerFactory:
        return {"team__branch": branch}
    if factory is ServiceRecordFactory:
        return {"volunteer__team__branch": branch}
    return {"branch": branch}


def test_team_list_counts_registered_volunteers(team, county_staff):
    VolunteerFactory.create_batch(3, team=team)
    VolunteerFactory(team=team, status=VolunteerStatus.INACTIVE)
    empty = VolunteerTeamFactory(branch=team.branch)
    counts = {t.pk: t.volunteer_count for t in team_list(user=county_staff)}
    assert counts == {team.pk: 3, empty.pk: 0}


@pytest.mark.parametrize("count", [2, 4])
def test_team_list_takes_one_query_whatever_the_number_of_teams(
    county_staff, django_assert_num_queries, count
):
    for team in VolunteerTeamFactory.create_batch(count):
        VolunteerFactory.create_batch(2, team=team)
    # 1. teams joined with their branch, volunteers counted by GROUP BY
    with django_assert_num_queries(1):
        rows = [(t.branch.name, t.volunteer_count) for t in team_list(user=county_staff)]
    assert [n for _, n in rows] == [2] * count
