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
from django.utils.translation import gettext as _

from core.access import check_write_scope
from core.errors import coded
from core.regions import ancestor_codes
from life.choices import RectificationSource
from life.models import Activity, ActivityKind, RectificationCase, RectificationProgress
from life.rules import (
    CASE_ALREADY_CLOSED,
    CASE_OPEN_FOR_BRANCH,
    acceptance_errors,
    closing_errors,
    deadline_errors,
    held_on_errors,
    is_late,
    kind_errors,
)
from orgs.choices import BranchRating
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


# Rectification ------------------------------------------------------------------------------


@transaction.atomic
def rectification_open(
    *,
    branch: Branch,
    problems: str,
    measures: str,
    responsible: str,
    deadline: date,
    opened_on: date | None = None,
    source: str = RectificationSource.BY_HAND,
    user: User | None = None,
) -> RectificationCase:
    """Put a branch under rectification; it is flagged weak and lax until the case is
    accepted. A branch has one open case at a time."""
    check_write_scope(user=user, code=branch.region_id, field="branch")
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    case = RectificationCase(
        branch=branch,
        region_code=branch.region_id,
        source=source,
        opened_on=opened_on or timezone.localdate(),
        problems=problems.strip(),
        measures=measures.strip(),
        responsible=responsible.strip(),
        deadline=deadline,
        opened_by=user,
    )
    errors = {"deadline": deadline_errors(deadline, opened_on=case.opened_on)}
    if RectificationCase.objects.open().filter(branch=branch).exists():
        message = _("The branch already has an open rectification case: add progress to it.")
        errors["branch"] = [coded(CASE_OPEN_FOR_BRANCH, message)]
    if errors := {field: messages for field, messages in errors.items() if messages}:
        raise ValidationError(errors)
    validate_model(case)
    case.save()
    if branch.rating != BranchRating.WEAK:
        Branch.objects.filter(pk=branch.pk).update(rating=BranchRating.WEAK)
    return case


@transaction.atomic
def rectification_progress_record(
    *,
    case: RectificationCase,
    note: str,
    recorded_on: date | None = None,
    user: User | None = None,
) -> RectificationProgress:
    """Add a step to an open case."""
    check_write_scope(user=user, code=case.region_code, field="case")
    case = RectificationCase.objects.select_for_update().get(pk=case.pk)
    if case.closed_on is not None:
        message = _("The case is closed: open a new one if the branch needs it again.")
        raise ValidationError({"case": [coded(CASE_ALREADY_CLOSED, message)]})
    progress = RectificationProgress(
        case=case,
        recorded_on=recorded_on or timezone.localdate(),
        note=note.strip(),
        recorded_by=user,
    )
    if errors := held_on_errors(progress.recorded_on):
        raise ValidationError({"recorded_on": errors})
    validate_model(progress)
    progress.save()
    return progress


@transaction.atomic
def rectification_close(
    *,
    case: RectificationCase,
    evidence: str,
    closed_on: date | None = None,
    attachment=None,
    user: User | None = None,
) -> RectificationCase:
    """The level above accepts the results: the case closes and the branch's weak flag is
    lifted (it becomes ordinary)."""
    check_write_scope(user=user, code=case.region_code, field="case")
    case = RectificationCase.objects.select_for_update().get(pk=case.pk)
    if case.closed_on is not None:
        message = _("The rectification case is already closed.")
        raise ValidationError({"case": [coded(CASE_ALREADY_CLOSED, message)]})
    closed_on = closed_on or timezone.localdate()
    errors: dict[str, list] = {}
    for field, message in closing_errors(closed_on, opened_on=case.opened_on, evidence=evidence):
        errors.setdefault(field, []).append(message)
    reviewer = None if user is None or user.is_superuser else user.region_id
    if user is not None and (
        messages := acceptance_errors(reviewer_region=reviewer, branch_region=case.region_code)
    ):
        errors["case"] = messages
    if errors:
        raise ValidationError(errors)
    case.closed_on, case.evidence, case.accepted_by = closed_on, evidence.strip(), user
    if attachment:
        case.attachment = attachment
    validate_model(case)
    case.save()
    Branch.objects.filter(pk=case.branch_id, rating=BranchRating.WEAK).update(
        rating=BranchRating.NORMAL
    )
    return case
