"""Writes of branch life: recording an activity and correcting it.

Keyword-only, typed, one transaction each; the rules are life.rules', the scope the access
module's (core.access.check_write_scope).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import check_write_scope, scope_of
from core.errors import coded
from core.regions import ancestor_codes
from life.choices import RectificationSource
from life.models import (
    Activity,
    ActivityKind,
    CommunityRequest,
    Evaluation,
    EvaluationCampaign,
    EvaluationDecision,
    RectificationCase,
    RectificationProgress,
)
from life.rules import (
    ALREADY_DECIDED,
    CASE_ALREADY_CLOSED,
    CASE_OPEN_FOR_BRANCH,
    EVIDENCE_NOT_OF_BRANCH,
    NOT_SUBMITTED,
    NOTHING_TO_PUBLISH,
    REQUEST_STEPS,
    acceptance_errors,
    branch_rating_for,
    campaign_branch_errors,
    campaign_level_errors,
    closing_errors,
    correction_errors,
    deadline_errors,
    held_on_errors,
    is_late,
    kind_errors,
    rating_errors,
    request_time_errors,
    review_errors,
    team_errors,
)
from orgs.choices import CODE_LENGTH, BranchRating, BranchStatus
from orgs.models import Branch, Region, Standard, StandardItem
from orgs.services import (
    STANDARD_NOT_APPLICABLE,
    check_items,
    reject_unknown_fields,
    standard_applies_at,
    validate_model,
)

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


class LateAfterDays:
    """The days after which an activity is entered late, for the branches of many regions
    at once: the strictest of the standards applying at the branch's region that require
    the activity's kind, else the default standard's (one query for all of them)."""

    def __init__(self, codes: Iterable[str]):
        regions = {code for region in set(codes) for code in (*ancestor_codes(region), region)}
        self._standards = list(
            Standard.objects.filter(Q(region__isnull=True) | Q(region_id__in=regions))
            .values_list("region_id", "is_default", "late_after_days", "requirements__kind_id")
            .order_by()
        )

    def __call__(self, *, region_code: str, kind_id: int) -> int:
        applying = {None, *ancestor_codes(region_code), region_code}
        rows = [row for row in self._standards if row[0] in applying]
        requiring = [days for _region, _default, days, kind in rows if kind == kind_id]
        default = [days for _region, is_default, days, _kind in rows if is_default]
        for days in (requiring, default):
            if days:
                return min(days)
        return DEFAULT_LATE_AFTER_DAYS


def late_after_days(*, branch: Branch, kind: ActivityKind) -> int:
    """The days after which an activity of ``kind`` at ``branch`` is entered late (one query)."""
    return LateAfterDays([branch.region_id])(region_code=branch.region_id, kind_id=kind.pk)


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
    reviewer = reviewer_region(user)
    if messages := acceptance_errors(reviewer_region=reviewer, branch_region=case.region_code):
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


# Annual evaluation --------------------------------------------------------------------------


@transaction.atomic
def evaluation_campaign_open(
    *,
    year: int,
    level: str,
    standard: Standard,
    scale: str,
    self_assessment_due: date,
    region: Region | None = None,
    note: str = "",
    user: User | None = None,
) -> EvaluationCampaign:
    """Open a year's evaluation of the branches of ``level`` below ``region`` (None: the
    whole country): every such branch that existed that year and is not in preparation is
    enrolled, its self-assessment waiting (two queries and one insert)."""
    region_code = region.code if region is not None else ""
    check_write_scope(user=user, code=region_code, field="region")
    campaign = EvaluationCampaign(
        year=year,
        region=region,
        level=level,
        standard=standard,
        scale=scale,
        self_assessment_due=self_assessment_due,
        note=note.strip(),
    )
    errors = {"level": campaign_level_errors(region=region.code if region else None, level=level)}
    if region is not None and not standard_applies_at(standard, region.code):
        message = _("This standard does not apply at the campaign's region.")
        errors["standard"] = [coded(STANDARD_NOT_APPLICABLE, message)]
    if errors := {field: messages for field, messages in errors.items() if messages}:
        raise ValidationError(errors)
    validate_model(campaign)
    campaign.save()
    item_count = standard.items.count()
    branches = (
        Branch.objects.within(region_code)
        .annotate(code_length=Length("region_id"))
        .filter(code_length=CODE_LENGTH[level])
        .exclude(status=BranchStatus.PREPARING)
        .exclude(founded_on__year__gt=year)
        .exclude(dissolved_on__year__lt=year)
        .values_list("pk", "region_id")
    )
    Evaluation.objects.bulk_create(
        Evaluation(campaign=campaign, branch_id=pk, region_code=code, item_count=item_count)
        for pk, code in branches
    )
    return campaign


def _evaluation_of(*, campaign: EvaluationCampaign, branch: Branch) -> Evaluation:
    """The branch's evaluation in the campaign, locked; enrolled now when the branch came
    after the campaign opened."""
    evaluation, _created = Evaluation.objects.select_for_update().get_or_create(
        campaign=campaign,
        branch=branch,
        defaults={"region_code": branch.region_id},
    )
    return evaluation


@transaction.atomic
def evaluation_submit(
    *,
    campaign: EvaluationCampaign,
    branch: Branch,
    items_met: Iterable[StandardItem] | None = (),
    self_assessment: str = "",
    activities: Iterable[Activity] | None = (),
    attachment=None,
    user: User | None = None,
) -> Evaluation:
    """The branch's self-assessment against the campaign's standard, with the activities of
    the year that show it; submitted again, it replaces the last one, until the level above
    publishes a rating."""
    check_write_scope(user=user, code=branch.region_id, field="branch")
    errors = {
        "branch": campaign_branch_errors(
            branch_region=branch.region_id, campaign_region=campaign.region_id, level=campaign.level
        )
    }
    if errors["branch"]:
        raise ValidationError(errors)
    evaluation = _evaluation_of(campaign=campaign, branch=branch)
    if evaluation.rating:
        message = _("The rating is published: the self-assessment can no longer change.")
        raise ValidationError({"branch": [coded(ALREADY_DECIDED, message)]})
    items = list({item.pk: item for item in items_met or ()}.values())
    check_items(items, campaign.standard)
    evidence = list({activity.pk: activity for activity in activities or ()}.values())
    if any(a.branch_id != branch.pk or a.held_on.year != campaign.year for a in evidence):
        message = _("Give as evidence only activities the branch held in the campaign's year.")
        raise ValidationError({"activities": [coded(EVIDENCE_NOT_OF_BRANCH, message)]})
    evaluation.self_assessment = self_assessment.strip()
    evaluation.met_count, evaluation.item_count = len(items), campaign.standard.items.count()
    evaluation.submitted_on, evaluation.submitted_by = timezone.localdate(), user
    if attachment:
        evaluation.attachment = attachment
    validate_model(evaluation)
    evaluation.save()
    evaluation.items_met.set(items)
    evaluation.activities.set(evidence)
    return evaluation


@transaction.atomic
def evaluation_decide(
    *,
    evaluation: Evaluation,
    rating: str,
    comment: str = "",
    reason: str = "",
    publish: bool = False,
    user: User | None = None,
) -> EvaluationDecision:
    """The level above rates a submitted self-assessment: a draft, kept until it is
    published (``publish`` at once, or ``evaluation_publish``). After a published rating, a
    decision corrects it and gives its reason; both stay."""
    check_write_scope(user=user, code=evaluation.region_code, field="evaluation")
    evaluation = (
        Evaluation.objects.select_for_update().select_related("campaign").get(pk=evaluation.pk)
    )
    _check_reviewer(evaluation, user)
    errors: dict[str, list] = {"rating": rating_errors(rating, scale=evaluation.campaign.scale)}
    published = evaluation.decisions.published().order_by("-published_on", "-id").first()
    errors["reason"] = correction_errors(reason, published_before=published is not None)
    if evaluation.submitted_on is None:
        message = _("The branch has not submitted its self-assessment yet.")
        errors["evaluation"] = [coded(NOT_SUBMITTED, message)]
    if errors := {field: messages for field, messages in errors.items() if messages}:
        raise ValidationError(errors)
    decision = evaluation.decisions.filter(published_on__isnull=True).first() or (
        EvaluationDecision(evaluation=evaluation, corrects=published)
    )
    decision.rating, decision.comment = rating, comment.strip()
    decision.reason = reason.strip() if published is not None else ""
    decision.decided_by = user
    validate_model(decision)
    decision.save()
    if publish:
        _publish(evaluation, decision)
    return decision


@transaction.atomic
def evaluation_publish(*, evaluation: Evaluation, user: User | None = None) -> EvaluationDecision:
    """Publish the drafted decision: it is final, and it is the branch's rating of the year."""
    check_write_scope(user=user, code=evaluation.region_code, field="evaluation")
    evaluation = (
        Evaluation.objects.select_for_update().select_related("campaign").get(pk=evaluation.pk)
    )
    _check_reviewer(evaluation, user)
    decision = evaluation.decisions.filter(published_on__isnull=True).first()
    if decision is None:
        message = _("There is no drafted decision to publish.")
        raise ValidationError({"evaluation": [coded(NOTHING_TO_PUBLISH, message)]})
    _publish(evaluation, decision)
    return decision


def reviewer_region(user: User | None) -> str | None:
    """The region a reviewer decides below (life.rules.is_level_above): the user's scope;
    the whole country ("") for the system itself (``user=None``)."""
    return "" if user is None else scope_of(user)


def _check_reviewer(evaluation: Evaluation, user: User | None) -> None:
    reviewer = reviewer_region(user)
    if messages := review_errors(reviewer_region=reviewer, branch_region=evaluation.region_code):
        raise ValidationError({"evaluation": messages})


def _publish(evaluation: Evaluation, decision: EvaluationDecision) -> None:
    """The decision becomes final and the evaluation's rating; the branch's standing follows
    the rating of its latest year (a correction of an earlier year leaves it), and a branch
    under rectification stays weak until the case is accepted."""
    decision.published_on = timezone.localdate()
    decision.save(update_fields=["published_on", "updated_at"])
    evaluation.rating = decision.rating
    evaluation.save(update_fields=["rating", "updated_at"])
    later = Evaluation.objects.filter(
        branch_id=evaluation.branch_id, campaign__year__gt=evaluation.campaign.year
    ).exclude(rating="")
    if later.exists():
        return
    standing = branch_rating_for(decision.rating, scale=evaluation.campaign.scale)
    if RectificationCase.objects.open().filter(branch_id=evaluation.branch_id).exists():
        standing = BranchRating.WEAK
    Branch.objects.filter(pk=evaluation.branch_id).exclude(rating=standing).update(rating=standing)


# Community requests (1310) ------------------------------------------------------------------

#: A request's fields its record may fill in later or correct (its unit stays).
REQUEST_FIELDS = ("team", "summary", "received_at", *REQUEST_STEPS)


@transaction.atomic
def community_request_record(
    *,
    region: Region,
    summary: str,
    received_at,
    contacted_at=None,
    on_site_at=None,
    resolved_at=None,
    team=None,
    user: User | None = None,
) -> CommunityRequest:
    """Record a resident's request at a grid or community unit, with the steps known so far
    (the others are filled in later with ``community_request_update``)."""
    check_write_scope(user=user, code=region.code, field="region")
    request = CommunityRequest(
        region=region,
        team=team,
        summary=summary.strip(),
        received_at=received_at,
        contacted_at=contacted_at,
        on_site_at=on_site_at,
        resolved_at=resolved_at,
        recorded_by=user,
    )
    _check_request(request)
    request.save()
    return request


@transaction.atomic
def community_request_update(
    *, request: CommunityRequest, user: User | None = None, **fields
) -> CommunityRequest:
    """Fill in a request's later steps, or correct it; the same rules as at its record."""
    check_write_scope(user=user, code=request.region_id, field="region")
    reject_unknown_fields(fields, frozenset(REQUEST_FIELDS))
    for name, value in fields.items():
        setattr(request, name, value.strip() if isinstance(value, str) else value)
    _check_request(request)
    request.save()
    return request


def _check_request(request: CommunityRequest) -> None:
    times = {name: getattr(request, name) for name in ("received_at", *REQUEST_STEPS)}
    errors = request_time_errors(times, now=timezone.now())
    team_region = request.team.region_code if request.team_id else None
    if messages := team_errors(team_region, unit_region=request.region_id):
        errors["team"] = messages
    if errors:
        raise ValidationError(errors)
    validate_model(request)
