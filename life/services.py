"""Writes of branch life: recording an activity and correcting it.

Keyword-only, typed, one transaction each; the rules are life.rules', the scope the access
module's (core.access.check_write_scope).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from core.access import check_write_scope
from core.regions import ancestor_codes
from life.models import Activity, ActivityKind
from life.rules import held_on_errors, is_late, kind_errors
from orgs.models import Branch, Standard
from orgs.services import reject_unknown_fields, validate_model

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser as User

#: An activity's fields a correction may change (the branch, the entry and the flag stay).
ACTIVITY_FIELDS = (
    "kind",
    "held_on",
    "place",
    "members_present",
    "volunteers_present",
    "summary",
    "attachment",
)
#: When no standard says otherwise: an activity entered more than 30 days after it is late.
DEFAULT_LATE_AFTER_DAYS = Standard._meta.get_field("late_after_days").default


def late_after_days(*, branch: Branch, kind: ActivityKind) -> int:
    """The days after which an activity of ``kind`` at ``branch`` is entered late: the
    strictest of the standards applying at the branch's region that require the kind, else
    the default standard's (one query)."""
    codes = [*ancestor_codes(branch.region_id), branch.region_id]
    found = Standard.objects.filter(Q(region__isnull=True) | Q(region_id__in=codes)).aggregate(
        requiring=Min("late_after_days", filter=Q(requirements__kind=kind)),
        default=Min("late_after_days", filter=Q(is_default=True)),
    )
    for days in (found["requiring"], found["default"]):
        if days is not None:
            return days
    return DEFAULT_LATE_AFTER_DAYS


@transaction.atomic
def activity_record(
    *,
    branch: Branch,
    kind: ActivityKind,
    held_on: date,
    place: str = "",
    members_present: int = 0,
    volunteers_present: int = 0,
    summary: str = "",
    attachment=None,
    user: User | None = None,
) -> Activity:
    """Record an activity a branch held; entered late, it is flagged late (never refused)."""
    check_write_scope(user=user, code=branch.region_id, field="branch")
    activity = Activity(
        branch=branch,
        region_code=branch.region_id,
        kind=kind,
        held_on=held_on,
        place=place.strip(),
        members_present=members_present,
        volunteers_present=volunteers_present,
        summary=summary.strip(),
        attachment=attachment or "",
        recorded_by=user,
    )
    _check_and_save(activity, entered_on=timezone.localdate())
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, user: User | None = None, **fields) -> Activity:
    """Correct an activity; a changed date is judged late or not against the day it was
    entered, as at entry."""
    check_write_scope(user=user, code=activity.region_code, field="branch")
    reject_unknown_fields(fields, frozenset(ACTIVITY_FIELDS))
    for name, value in fields.items():
        setattr(activity, name, value.strip() if isinstance(value, str) else value)
    entered_on = timezone.localtime(activity.created_at).date()
    _check_and_save(activity, entered_on=entered_on)
    return activity


def _check_and_save(activity: Activity, *, entered_on: date) -> None:
    """Check the rules and the model, decide the late flag, save."""
    branch = activity.branch
    errors = {
        "held_on": held_on_errors(
            activity.held_on, founded_on=branch.founded_on, dissolved_on=branch.dissolved_on
        ),
        "kind": kind_errors(activity.kind.region_id, branch_region=branch.region_id),
    }
    if errors := {field: messages for field, messages in errors.items() if messages}:
        raise ValidationError(errors)
    validate_model(activity)
    days = late_after_days(branch=branch, kind=activity.kind)
    activity.late = is_late(held_on=activity.held_on, entered_on=entered_on, late_after_days=days)
    activity.save()
