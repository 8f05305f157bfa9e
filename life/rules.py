"""The rules of branch life, written once for every way an activity comes in.

Pure functions, no queries: the services (and through them the admin and the API) call
them, and the selectors and the to-do item count with ``expected_occurrences``. A rule
returning messages returns those of every rule its values break, empty when all hold.

Periods: a requirement is due once per calendar month, quarter or year (``period_of``). A
branch owes a requirement for every period of a window in which it existed: from the period
of its founding (a branch founded on 20 March owes March's meeting) to that of its
dissolution, and not before it was founded or after it was dissolved; a branch still in
preparation owes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import code, coded
from core.models import FIRST_RECORD_DATE
from life.choices import EvaluationRating, EvaluationScale, RequirementFrequency
from orgs.choices import CODE_LENGTH, BranchRating, BranchStatus

DATE_IN_FUTURE = code("date_in_future", "The date is later than today.")
DATE_BEFORE_1900 = code("date_before_1900", "The date is before 1900.")
HELD_BEFORE_FOUNDED = code(
    "held_before_founded", "The activity is dated before its branch was founded."
)
HELD_AFTER_DISSOLVED = code(
    "held_after_dissolved", "The activity is dated after its branch was dissolved."
)
KIND_OUTSIDE_BRANCH = code(
    "kind_outside_branch", "The activity kind is set below or beside the branch's region."
)

#: The months a period of each frequency spans.
PERIOD_MONTHS = {
    RequirementFrequency.MONTHLY: 1,
    RequirementFrequency.QUARTERLY: 3,
    RequirementFrequency.YEARLY: 12,
}


# An activity --------------------------------------------------------------------------------


def held_on_errors(held_on, *, founded_on=None, dissolved_on=None) -> list[str]:
    """An activity is recorded once held: not later than today, not before 1900, and within
    its branch's life (not before it was founded, not after it was dissolved)."""
    if not isinstance(held_on, date):
        return []
    if held_on > timezone.localdate():
        return [coded(DATE_IN_FUTURE, _("The date cannot be later than today."))]
    if held_on < FIRST_RECORD_DATE:
        return [coded(DATE_BEFORE_1900, _("Dates before 1900 cannot be recorded."))]
    if founded_on is not None and held_on < founded_on:
        message = _("The activity is dated before the branch was founded.")
        return [coded(HELD_BEFORE_FOUNDED, message)]
    if dissolved_on is not None and held_on > dissolved_on:
        message = _("The activity is dated after the branch was dissolved.")
        return [coded(HELD_AFTER_DISSOLVED, message)]
    return []


def kind_errors(kind_region: str | None, *, branch_region: str) -> list[str]:
    """A kind set everywhere, or at the branch's region or a region above it."""
    if kind_region is None or branch_region.startswith(kind_region):
        return []
    message = _("The activity kind must be set at the branch's region or a region above it.")
    return [coded(KIND_OUTSIDE_BRANCH, message)]


def is_late(*, held_on: date, entered_on: date, late_after_days: int) -> bool:
    """Whether an activity entered on ``entered_on`` is late: more than ``late_after_days``
    days after it was held (entered on the last allowed day is on time)."""
    return (entered_on - held_on).days > late_after_days


# Periods and what a branch owes ---------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year: ``start`` and ``end`` inclusive."""

    start: date
    end: date


def period_of(frequency: str, day: date) -> Period:
    """The period of ``frequency`` that ``day`` falls in."""
    months = PERIOD_MONTHS[RequirementFrequency(frequency)]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return Period(start, _add_months(start, months) - timedelta(days=1))


def periods(frequency: str, start: date, end: date) -> Iterator[Period]:
    """The periods of ``frequency`` that overlap ``start`` … ``end`` (inclusive), in order."""
    if end < start:
        return
    period = period_of(frequency, start)
    while period.start <= end:
        yield period
        period = period_of(frequency, period.end + timedelta(days=1))


def expected_occurrences(
    *,
    frequency: str,
    minimum: int,
    start: date,
    end: date,
    status: str = BranchStatus.ACTIVE,
    founded_on: date | None = None,
    dissolved_on: date | None = None,
) -> int:
    """How many activities of a requirement (``minimum`` per period of ``frequency``) a branch
    owes in the window ``start`` … ``end``: ``minimum`` for each period of the window in which
    the branch existed (from its founding's period to its dissolution's)."""
    if status == BranchStatus.PREPARING:
        return 0
    first = max(start, founded_on) if founded_on else start
    last = min(end, dissolved_on) if dissolved_on else end
    return minimum * _period_count(str(frequency), first, last)


@lru_cache(maxsize=4096)
def _period_count(frequency: str, first: date, last: date) -> int:
    """The periods of ``frequency`` in ``first`` … ``last``: the same few windows recur for
    every branch of a region, so a count is worked out once."""
    return sum(1 for _period in periods(frequency, first, last))


def _add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s (``day`` is a first of a month)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# Rectification --------------------------------------------------------------------------------

#: Open rectification cases are listed on the to-do this many days before their deadline.
RECTIFICATION_NOTICE_DAYS = 30

DEADLINE_BEFORE_OPENED = code(
    "deadline_before_opened", "The rectification deadline is before the case was opened."
)
CLOSED_BEFORE_OPENED = code("closed_before_opened", "The case is closed before it was opened.")
CASE_ALREADY_CLOSED = code("case_already_closed", "The rectification case is already closed.")
CASE_OPEN_FOR_BRANCH = code(
    "case_open_for_branch", "The branch already has an open rectification case."
)
ACCEPTED_BY_OWN_LEVEL = code(
    "accepted_by_own_level",
    "A rectification is accepted by the level above the branch's region.",
)
EVIDENCE_MISSING = code("evidence_missing", "A rectification is closed with its evidence.")


def deadline_errors(deadline, *, opened_on) -> list[str]:
    """A deadline on or after the day the case was opened (it may lie in the future)."""
    if isinstance(deadline, date) and isinstance(opened_on, date) and deadline < opened_on:
        message = _("The deadline cannot be earlier than the day the case was opened.")
        return [coded(DEADLINE_BEFORE_OPENED, message)]
    return []


def closing_errors(closed_on, *, opened_on, evidence: str) -> list[tuple[str, str]]:
    """A case closes on a day from its opening to today, with the evidence of its results
    (field, message) pairs."""
    errors = []
    if isinstance(closed_on, date):
        if closed_on > timezone.localdate():
            errors.append(
                ("closed_on", coded(DATE_IN_FUTURE, _("The date cannot be later than today.")))
            )
        elif closed_on < opened_on:
            message = _("The case cannot be closed before the day it was opened.")
            errors.append(("closed_on", coded(CLOSED_BEFORE_OPENED, message)))
    if not evidence.strip():
        message = _("Describe the results that show the problems are corrected.")
        errors.append(("evidence", coded(EVIDENCE_MISSING, message)))
    return errors


def is_level_above(reviewer_region: str | None, branch_region: str) -> bool:
    """Whether a reviewer at ``reviewer_region`` is the level above a branch at
    ``branch_region``: a region strictly above the branch's (a county over a township's
    branches, a city over a county's); "" is the whole country (a superuser, the system),
    None nowhere (life.services.reviewer_region)."""
    return (
        reviewer_region is not None
        and branch_region.startswith(reviewer_region)
        and len(reviewer_region) < len(branch_region)
    )


def acceptance_errors(*, reviewer_region: str | None, branch_region: str) -> list[str]:
    """The level above accepts a rectification (``is_level_above``)."""
    if is_level_above(reviewer_region, branch_region):
        return []
    message = _("A rectification is accepted by the level above the branch's region.")
    return [coded(ACCEPTED_BY_OWN_LEVEL, message)]


def is_overdue(*, deadline: date, closed_on: date | None, today: date) -> bool:
    """An open case past its deadline (the deadline day itself is not overdue)."""
    return closed_on is None and deadline < today


# Annual evaluation ----------------------------------------------------------------------------

#: The ratings of each scale, best first: the best makes a branch a model one (示范), the
#: worst flags it weak and lax (软弱涣散), to be put under rectification.
SCALE_RATINGS: dict[str, tuple[str, ...]] = {
    EvaluationScale.STARS: (
        EvaluationRating.STARS_5,
        EvaluationRating.STARS_4,
        EvaluationRating.STARS_3,
        EvaluationRating.STARS_2,
        EvaluationRating.STARS_1,
    ),
    EvaluationScale.GRADES: (
        EvaluationRating.EXCELLENT,
        EvaluationRating.GOOD,
        EvaluationRating.PASS,
        EvaluationRating.FAIL,
    ),
    EvaluationScale.FLAGS: (
        EvaluationRating.RED_FLAG,
        EvaluationRating.MET,
        EvaluationRating.YELLOW_CARD,
    ),
}

RATING_NOT_IN_SCALE = code("rating_not_in_scale", "The rating is not one of the campaign's scale.")
BRANCH_NOT_IN_CAMPAIGN = code(
    "branch_not_in_campaign",
    "The branch is not at the level and within the region the campaign evaluates.",
)
EVIDENCE_NOT_OF_BRANCH = code(
    "evidence_not_of_branch", "An activity given as evidence is not one the branch held that year."
)
LEVEL_NOT_BELOW = code(
    "level_not_below", "A campaign rates branches of a level below its own region's."
)
REVIEWED_BY_OWN_LEVEL = code(
    "reviewed_by_own_level", "A branch's evaluation is decided by the level above its region."
)
NOT_SUBMITTED = code("not_submitted", "The branch has not submitted its self-assessment.")
ALREADY_DECIDED = code(
    "already_decided", "The rating is published: the self-assessment can no longer change."
)
CORRECTION_REASON_MISSING = code(
    "correction_reason_missing", "A correction of a published rating needs its reason."
)
NOTHING_TO_PUBLISH = code("nothing_to_publish", "There is no drafted decision to publish.")


def rating_errors(rating: str, *, scale: str) -> list[str]:
    """A decision's rating is one of its campaign's scale."""
    if rating in SCALE_RATINGS[EvaluationScale(scale)]:
        return []
    names = "、".join(str(EvaluationRating(r).label) for r in SCALE_RATINGS[scale])
    message = _("Choose one of the campaign's ratings: %(ratings)s.") % {"ratings": names}
    return [coded(RATING_NOT_IN_SCALE, message)]


def branch_rating_for(rating: str, *, scale: str) -> str:
    """The branch's standing a published rating gives it: model for the best of the scale,
    weak and lax for the worst, ordinary between."""
    ratings = SCALE_RATINGS[EvaluationScale(scale)]
    if rating == ratings[0]:
        return BranchRating.MODEL
    if rating == ratings[-1]:
        return BranchRating.WEAK
    return BranchRating.NORMAL


def in_campaign(*, branch_region: str, campaign_region: str | None, level: str) -> bool:
    """Whether a campaign of ``campaign_region`` (None: the whole country) for branches of
    ``level`` evaluates a branch at ``branch_region``: within the region, at the level."""
    within = campaign_region is None or branch_region.startswith(campaign_region)
    return within and len(branch_region) == CODE_LENGTH[level]


def campaign_branch_errors(*, branch_region: str, campaign_region, level: str) -> list[str]:
    if in_campaign(branch_region=branch_region, campaign_region=campaign_region, level=level):
        return []
    message = _(
        "The campaign does not evaluate this branch: it is not at the campaign's level "
        "or not within its region."
    )
    return [coded(BRANCH_NOT_IN_CAMPAIGN, message)]


def review_errors(*, reviewer_region: str | None, branch_region: str) -> list[str]:
    """The level above decides a branch's rating (``is_level_above``): a branch never
    rates itself."""
    if is_level_above(reviewer_region, branch_region):
        return []
    message = _("A branch's rating is decided by the level above its region.")
    return [coded(REVIEWED_BY_OWN_LEVEL, message)]


def correction_errors(reason: str, *, published_before: bool) -> list[str]:
    """A decision after a published one corrects it, and says why."""
    if not published_before or reason.strip():
        return []
    message = _("The rating is already published: give the reason for the correction.")
    return [coded(CORRECTION_REASON_MISSING, message)]


def campaign_level_errors(*, region: str | None, level: str) -> list[str]:
    """A region's campaign rates the branches of a level below it (a county its townships'
    or villages'); a national one any level."""
    if region is None or CODE_LENGTH[level] > len(region):
        return []
    message = _("Choose a level below the campaign's region (a lower level).")
    return [coded(LEVEL_NOT_BELOW, message)]


# Community requests (1310) --------------------------------------------------------------------

#: Minutes from a request's receipt to contact with the person responsible, and to someone on
#: site, where no region above the request sets its own (life.models.ResponseTarget): the
#: "3" and "10" of 1310 (the "1", a resident knowing whom to call, precedes the receipt).
DEFAULT_TARGETS = (3, 10)
#: A request's steps in the order they happen, after its receipt.
REQUEST_STEPS = ("contacted_at", "on_site_at", "resolved_at")

STEP_BEFORE_RECEIPT = code(
    "step_before_receipt", "A step of the request is timed before the request was received."
)
STEPS_OUT_OF_ORDER = code(
    "steps_out_of_order", "A step of the request is timed before the step it follows."
)
TEAM_OUTSIDE_UNIT = code(
    "team_outside_unit", "The volunteer team's branch lies beside or below the request's unit."
)


def request_time_errors(times: dict, *, now) -> dict[str, list[str]]:
    """A request's times (``received_at`` and the ``REQUEST_STEPS`` recorded): none later
    than now, each step not before the receipt nor before the step it follows."""
    errors: dict[str, list[str]] = {}
    received = times.get("received_at")
    if received is not None and received > now:
        errors["received_at"] = [coded(DATE_IN_FUTURE, _("The time cannot be later than now."))]
    previous = None
    for step in REQUEST_STEPS:
        at = times.get(step)
        if at is None:
            continue
        if at > now:
            message = _("The time cannot be later than now.")
            errors[step] = [coded(DATE_IN_FUTURE, message)]
        elif received is not None and at < received:
            message = _("This step cannot come before the request was received.")
            errors[step] = [coded(STEP_BEFORE_RECEIPT, message)]
        elif previous is not None and at < previous:
            message = _("This step cannot come before the step it follows.")
            errors[step] = [coded(STEPS_OUT_OF_ORDER, message)]
        previous = at
    return errors


def team_errors(team_region: str | None, *, unit_region: str) -> list[str]:
    """A team of a branch at the request's unit or a region above it answers it."""
    if team_region is None or unit_region.startswith(team_region):
        return []
    message = _("Choose a volunteer team of a branch at the unit or a region above it.")
    return [coded(TEAM_OUTSIDE_UNIT, message)]


def within_target(seconds: float | None, minutes: int) -> bool | None:
    """Whether a step came within its target (None when the step is not recorded)."""
    return None if seconds is None else seconds <= minutes * 60
