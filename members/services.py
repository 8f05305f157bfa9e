"""Writes of the members app: membership, leadership terms, volunteers and their service hours.

Every record copies its branch's region code (a trigger does it in the database too);
setting it here keeps the instance right without reading it back.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import check_write_scope, require_writer
from core.errors import code, field_error
from members.choices import (
    MemberKind,
    MembershipEventKind,
    ServiceRecordStatus,
)
from members.models import UNIFICATIONS as TEAM_UNIFICATIONS
from members.models import (
    Member,
    MembershipEvent,
    Position,
    ServiceRecord,
    Volunteer,
    VolunteerTeam,
)
from members.rules import volunteer_active_errors
from orgs.models import Branch
from orgs.rules import branch_open_errors
from orgs.services import (
    reject_unknown_fields,
    restore_on_error,
    validate_model,
)

MEMBER_ALREADY_LEFT = code("member_already_left", "The member has left already.")
MEMBER_NOT_LEFT = code("member_not_left", "Only a member who has left rejoins.")
REJOINED_BEFORE_LEFT = code("rejoined_before_left", "A member rejoins after the date they left.")
MEMBER_OF_ANOTHER_BRANCH = code("member_of_another_branch", "The member belongs to another branch.")
TERM_ALREADY_ENDED = code("term_already_ended", "The term has ended already.")
TEAM_OF_ANOTHER_BRANCH = code("team_of_another_branch", "The team belongs to another branch.")

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser as User

#: The "six unifications" (六统一) flags ``team_create`` takes.
UNIFICATIONS = frozenset(TEAM_UNIFICATIONS)

#: The field each named constraint is about, so that its message shows beside that field.
CONSTRAINT_FIELDS = {
    "members_member_unique_id_number_in_branch": "id_number",
    "members_member_left_after_joined": "left_on",
    "members_member_leave_reason_given": "leave_reason",
    "members_position_ended_after_started": "ended_on",
    "members_position_one_current_holder": "role",
    "members_volunteerteam_unique_name_in_branch": "name",
    "members_volunteer_unique_id_number_in_branch": "id_number",
    "members_servicerecord_hours_in_day": "hours",
    "members_servicerecord_reviewed_when_decided": "reviewed_at",
}


def _save(instance: models.Model) -> None:
    validate_model(instance, fields=CONSTRAINT_FIELDS)
    instance.save()


def _compact(value: str) -> str:
    """Without any whitespace: ID and phone numbers are often typed or pasted with spaces."""
    return "".join(value.split())


def _check_branch_open(branch: Branch, *, user: User | None) -> None:
    """The user may write at the branch, and it is not dissolved."""
    check_write_scope(user=user, code=branch.region_id, field="branch")
    if errors := branch_open_errors(branch):
        raise ValidationError({"branch": errors})


def _record_event(member: Member, kind: str, happened_on: date, reason: str = "") -> None:
    _save(MembershipEvent(member=member, kind=kind, happened_on=happened_on, reason=reason))


@transaction.atomic
def member_join(
    *,
    branch: Branch,
    name: str,
    joined_on: date,
    kind: str = MemberKind.INDIVIDUAL,
    gender: str = "",
    id_number: str = "",
    phone: str = "",
    occupation: str = "",
    user: User | None = None,
) -> Member:
    """Enrol a person or unit in a branch, with its "joined" event."""
    _check_branch_open(branch, user=user)
    member = Member(
        branch=branch,
        region_code=branch.region_id,
        name=name.strip(),
        joined_on=joined_on,
        kind=kind,
        gender=gender,
        id_number=_compact(id_number).upper(),
        phone=_compact(phone),
        occupation=occupation.strip(),
    )
    _save(member)
    _record_event(member, MembershipEventKind.JOINED, joined_on)
    return member


@transaction.atomic
def member_leave(*, member: Member, left_on: date, reason: str, user: User | None = None) -> Member:
    """A member leaves on a date, for a reason; the "left" event keeps both."""
    check_write_scope(user=user, code=member.region_code, field="branch")
    if not member.is_active:
        raise field_error("left_on", _("This member has already left."), MEMBER_ALREADY_LEFT)
    with restore_on_error(member, "left_on", "leave_reason"):
        member.left_on = left_on
        member.leave_reason = reason.strip()
        _save(member)
        _record_event(member, MembershipEventKind.LEFT, left_on, member.leave_reason)
    return member


@transaction.atomic
def member_rejoin(*, member: Member, rejoined_on: date, user: User | None = None) -> Member:
    """A member who left joins again: active from ``rejoined_on``; the events keep the past."""
    check_write_scope(user=user, code=member.region_code, field="branch")
    if member.is_active:
        raise field_error("joined_on", _("Only a member who has left can rejoin."), MEMBER_NOT_LEFT)
    if rejoined_on < member.left_on:
        message = _("A member cannot rejoin before the date they left.")
        raise field_error("joined_on", message, REJOINED_BEFORE_LEFT)
    with restore_on_error(member, "joined_on", "left_on", "leave_reason"):
        member.joined_on = rejoined_on
        member.left_on = None
        member.leave_reason = ""
        _save(member)
        _record_event(member, MembershipEventKind.REJOINED, rejoined_on)
    return member


@transaction.atomic
def position_assign(
    *,
    branch: Branch,
    role: str,
    holder_name: str,
    started_on: date,
    member: Member | None = None,
    holder_title: str = "",
    user: User | None = None,
) -> Position:
    """Start a person's term in a leadership position of a branch."""
    _check_branch_open(branch, user=user)
    if member is not None and member.branch_id != branch.pk:
        message = _("The member belongs to another branch.")
        raise field_error("member", message, MEMBER_OF_ANOTHER_BRANCH)
    position = Position(
        branch=branch,
        role=role,
        holder_name=holder_name.strip(),
        member=member,
        holder_title=holder_title.strip(),
        started_on=started_on,
    )
    _save(position)
    return position


@transaction.atomic
def position_end(*, position: Position, ended_on: date, user: User | None = None) -> Position:
    """End a term, which frees a single-holder position for a successor."""
    check_write_scope(user=user, code=position.branch.region_id, field="branch")
    if position.ended_on is not None:
        raise field_error("ended_on", _("This term has already ended."), TERM_ALREADY_ENDED)
    with restore_on_error(position, "ended_on"):
        position.ended_on = ended_on
        _save(position)
    return position


@transaction.atomic
def team_create(
    *,
    branch: Branch,
    name: str,
    service_type: str,
    founded_on: date | None = None,
    user: User | None = None,
    **unifications,
) -> VolunteerTeam:
    """Form a volunteer team of a branch; ``unifications`` are the flags of ``UNIFICATIONS``."""
    reject_unknown_fields(unifications, UNIFICATIONS)
    _check_branch_open(branch, user=user)
    team = VolunteerTeam(
        branch=branch,
        region_code=branch.region_id,
        name=name.strip(),
        service_type=service_type,
        founded_on=founded_on,
        **unifications,
    )
    _save(team)
    return team


@transaction.atomic
def volunteer_register(
    *,
    branch: Branch,
    name: str,
    registered_on: date,
    team: VolunteerTeam | None = None,
    gender: str = "",
    id_number: str = "",
    phone: str = "",
    user: User | None = None,
) -> Volunteer:
    """Register a volunteer of a branch, optionally in one of its teams."""
    _check_branch_open(branch, user=user)
    if team is not None and team.branch_id != branch.pk:
        raise field_error("team", _("The team belongs to another branch."), TEAM_OF_ANOTHER_BRANCH)
    volunteer = Volunteer(
        branch=branch,
        team=team,
        region_code=branch.region_id,
        name=name.strip(),
        registered_on=registered_on,
        gender=gender,
        id_number=_compact(id_number).upper(),
        phone=_compact(phone),
    )
    _save(volunteer)
    return volunteer


@transaction.atomic
def service_record_submit(
    *,
    volunteer: Volunteer,
    served_on: date,
    hours: Decimal,
    activity: str,
    team: VolunteerTeam | None = None,
    user: User | None = None,
) -> ServiceRecord:
    """Log a volunteer's hours, pending review; the team defaults to the volunteer's."""
    check_write_scope(user=user, code=volunteer.region_code, field="volunteer")
    if errors := volunteer_active_errors(volunteer):
        raise ValidationError({"volunteer": errors})
    team = team or volunteer.team
    if team is not None and team.branch_id != volunteer.branch_id:
        raise field_error("team", _("The team belongs to another branch."), TEAM_OF_ANOTHER_BRANCH)
    record = ServiceRecord(
        volunteer=volunteer,
        team=team,
        region_code=volunteer.region_code,
        served_on=served_on,
        hours=hours,
        activity=activity.strip(),
    )
    _save(record)
    return record


def _review(records: QuerySet[ServiceRecord], *, user: User, status: str) -> int:
    """Decide the pending records among ``records`` that ``user`` may see, in one UPDATE."""
    require_writer(user)
    now = timezone.now()
    # One UPDATE is atomic on its own; a record decided meanwhile is no longer pending.
    return (
        records.visible_to(user)
        .filter(status=ServiceRecordStatus.PENDING)
        .update(status=status, reviewed_by=user, reviewed_at=now, updated_at=now)
    )


def service_records_approve(*, records: QuerySet[ServiceRecord], user: User) -> int:
    """Approve the pending ones of ``records`` in the user's region; returns how many."""
    return _review(records, user=user, status=ServiceRecordStatus.APPROVED)


def service_records_decline(*, records: QuerySet[ServiceRecord], user: User) -> int:
    """Decline the pending ones of ``records`` in the user's region; returns how many."""
    return _review(records, user=user, status=ServiceRecordStatus.DECLINED)
