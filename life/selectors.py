"""Reads of branch life: the activities, kinds and requirements a user sees, and how the
branches of a region keep up with the requirements (one query per call)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connections
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Left
from django.utils import timezone

from core.access import scope_of, visible_to, visible_with_regions_above
from core.regions import CODE_LENGTHS, ancestor_codes, child_code_length
from core.routers import read_alias
from life.choices import (
    EvaluationRating,
    EvaluationState,
    RectificationState,
    RequirementFrequency,
)
from life.models import (
    Activity,
    ActivityKind,
    CommunityRequest,
    Evaluation,
    EvaluationCampaign,
    RectificationCase,
    Requirement,
    ResponseTarget,
    rectification_state,
)
from life.rules import DEFAULT_TARGETS, expected_occurrences, period_of
from orgs.choices import BranchStatus
from orgs.models import Branch, Region


def activity_list(*, user) -> QuerySet[Activity]:
    """Activities of the branches the user sees, with their branch and kind (one query)."""
    return Activity.objects.visible_to(user).select_related("branch", "kind")


def activity_kind_list(*, user) -> QuerySet[ActivityKind]:
    """Activity kinds set everywhere, above the user's region, or within it."""
    return visible_with_regions_above(
        user, ActivityKind.objects.all(), national=Q(region__isnull=True)
    )


def requirement_list(*, user) -> QuerySet[Requirement]:
    """Requirements of the standards the user sees (orgs.selectors.standard_list)."""
    requirements = Requirement.objects.select_related("standard", "kind")
    return visible_with_regions_above(user, requirements, national=Q(standard__region__isnull=True))


@dataclass(frozen=True)
class BranchRequirement:
    """What one branch owes of one requirement in the periods a window touches, and what it
    held of it in them: at most the requirement's minimum counts in each period (three
    meetings in January make up no February)."""

    branch_id: int
    branch_name: str
    region_code: str
    child_code: str
    child_name: str
    requirement_id: int
    kind_name: str
    frequency: str
    expected: int
    held: int

    @property
    def behind(self) -> bool:
        return self.expected > self.held


@dataclass(frozen=True)
class ChildCompliance:
    """A child region's requirements owed and held in a year; ``rate`` is None when its
    branches owed nothing."""

    code: str
    name: str
    expected: int
    held: int

    @property
    def rate(self) -> Decimal | None:
        if not self.expected:
            return None
        return (Decimal(self.held) / Decimal(self.expected)).quantize(Decimal("0.0001"))


#: A requirement's period as date_trunc names it.
_TRUNC = (
    "CASE r.frequency WHEN 'monthly' THEN 'month' WHEN 'quarterly' THEN 'quarter' ELSE 'year' END"
)

#: A requirement's period as an interval.
_LENGTH = (
    "CASE r.frequency WHEN 'monthly' THEN interval '1 month' "
    "WHEN 'quarterly' THEN interval '3 months' ELSE interval '1 year' END"
)

_REQUIREMENTS_SQL = f"""
WITH b AS ({{branches}}),
r AS (
    SELECT r.id, r.kind_id, r.frequency, r.minimum, s.region_id AS standard_region,
           k.name AS kind_name
      FROM life_requirement r
      JOIN orgs_standard s ON s.id = r.standard_id
      JOIN life_activitykind k ON k.id = r.kind_id
),
held AS (
    SELECT p.branch_id, p.requirement_id, sum(p.n) AS held
      FROM (SELECT a.branch_id, r.id AS requirement_id, least(count(*), r.minimum) AS n
              FROM life_activity a
              JOIN r ON r.kind_id = a.kind_id
             WHERE a.region_code LIKE %s AND a.branch_id IN (SELECT id FROM b)
               AND a.held_on >= date_trunc({_TRUNC}, %s::date)
               AND a.held_on < date_trunc({_TRUNC}, %s::date) + {_LENGTH}
             GROUP BY a.branch_id, r.id, r.minimum, date_trunc({_TRUNC}, a.held_on)) p
     GROUP BY 1, 2
)
SELECT b.id, b.name, b.region_id, b.status, b.founded_on, b.dissolved_on,
       left(b.region_id, %s) AS child_code,
       coalesce((SELECT name FROM orgs_region WHERE code = left(b.region_id, %s)), '') AS child_name,
       r.id, r.kind_name, r.frequency, r.minimum, coalesce(h.held, 0)
  FROM b
  JOIN r ON r.standard_region IS NULL OR b.region_id LIKE r.standard_region || '%%'
  LEFT JOIN held h ON h.branch_id = b.id AND h.requirement_id = r.id
 ORDER BY b.region_id, b.name, b.id, r.kind_name, r.id
"""  # noqa: S608 (the branches' SQL is Django's, every value a parameter)


def branch_requirements(*, user, code: str, start: date, end: date) -> list[BranchRequirement]:
    """Every requirement that applies to each branch the user sees in the region ``code``'s
    subtree (preparing branches owe nothing and are left out), with what it owes
    (life.rules.expected_occurrences) and held in the periods that ``start`` … ``end``
    touches (a window of January holds the first quarter's trainings whole); one query.

    A requirement applies to a branch when its standard applies everywhere or at the
    branch's region or a region above it.
    """
    branches = (
        Branch.objects.visible_to(user)
        .within(code)
        .exclude(status=BranchStatus.PREPARING)
        .values("id", "name", "region_id", "status", "founded_on", "dissolved_on")
        .order_by()
    )
    branches_sql, branches_params = branches.query.sql_with_params()
    child = next((n for n in CODE_LENGTHS if n > len(code)), len(code))
    params = [*branches_params, f"{code}%", start, end, child, child]
    # Where the router reads activities: the replica for a dashboard, as its other figures.
    with connections[read_alias(Activity)].cursor() as cursor:
        cursor.execute(_REQUIREMENTS_SQL.format(branches=branches_sql), params)
        rows = cursor.fetchall()
    return [_branch_requirement(row, start=start, end=end) for row in rows]


def _branch_requirement(row: tuple, *, start: date, end: date) -> BranchRequirement:
    (branch_id, name, region_code, status, founded_on, dissolved_on, child_code, child_name,
     requirement_id, kind_name, frequency, minimum, held) = row  # fmt: skip
    expected = expected_occurrences(
        frequency=frequency,
        minimum=minimum,
        start=start,
        end=end,
        status=status,
        founded_on=founded_on,
        dissolved_on=dissolved_on,
    )
    return BranchRequirement(
        branch_id=branch_id,
        branch_name=name,
        region_code=region_code,
        child_code=child_code,
        child_name=child_name,
        requirement_id=requirement_id,
        kind_name=kind_name,
        frequency=frequency,
        expected=expected,
        held=min(int(held), expected),
    )


def branches_behind(*, user, code: str, start: date, end: date) -> list[BranchRequirement]:
    """The branches of the region ``code`` that held fewer activities of a requirement than
    they owe in ``start`` … ``end``, one entry per branch and requirement (one query)."""
    rows = branch_requirements(user=user, code=code, start=start, end=end)
    return [row for row in rows if row.behind]


def compliance_by_child(*, user, code: str, year: int) -> list[ChildCompliance]:
    """Per child region of ``code`` (branches at ``code`` itself under its own code): the
    activities its branches owe in ``year`` up to today and those they held; one query."""
    start, end = date(year, 1, 1), min(date(year, 12, 31), timezone.localdate())
    totals: dict[tuple[str, str], list[int]] = {}
    for row in branch_requirements(user=user, code=code, start=start, end=end):
        total = totals.setdefault((row.child_code, row.child_name), [0, 0])
        total[0] += row.expected
        total[1] += row.held
    return [
        ChildCompliance(code=child, name=name, expected=expected, held=held)
        for (child, name), (expected, held) in sorted(totals.items())
    ]


def rectification_list(*, user) -> QuerySet[RectificationCase]:
    """The rectification cases the user may see, with their branch."""
    return visible_to(user, RectificationCase.objects.select_related("branch"))


@dataclass(frozen=True)
class RectificationCounts:
    """Rectification cases: open, of them overdue, and accepted in a year."""

    open: int = 0
    overdue: int = 0
    accepted: int = 0


def rectification_counts(*, user, code: str, year: int) -> dict[str, RectificationCounts]:
    """The cases below the region ``code`` the user may see, per child region's code (the
    codes cut to the children's length; one query)."""
    length = child_code_length(code)
    today = timezone.localdate()
    rows = (
        rectification_list(user=user)
        .within(code)
        .annotate(child=Left("region_code", length))
        .values("child")
        .annotate(
            open=Count("id", filter=rectification_state(RectificationState.OPEN, today)),
            overdue=Count("id", filter=rectification_state(RectificationState.OVERDUE, today)),
            accepted=Count("id", filter=Q(closed_on__year=year)),
        )
        .order_by()
    )
    return {
        row["child"]: RectificationCounts(row["open"], row["overdue"], row["accepted"])
        for row in rows
    }


@dataclass(frozen=True)
class ChildRectifications:
    """Rectification cases of a child region."""

    code: str
    name: str
    counts: RectificationCounts


def rectifications_by_child(*, user, code: str, year: int) -> list[ChildRectifications]:
    """Per child of the region ``code`` in force (in the user's scope): open cases, overdue
    ones and cases accepted in ``year``; every child, with zeros where it has none (two
    queries)."""
    units = (
        Region.objects.filter(parent_id=code) if code else Region.objects.filter(level="province")
    )
    counts = rectification_counts(user=user, code=code, year=year)
    return [
        ChildRectifications(child, name, counts.get(child, RectificationCounts()))
        for child, name in units.current().order_by("code").values_list("code", "name")
    ]


# Annual evaluation ----------------------------------------------------------------------------


def campaign_list(*, user) -> QuerySet[EvaluationCampaign]:
    """Campaigns run in the user's subtree, above it (whose branches it holds) or nationwide."""
    campaigns = EvaluationCampaign.objects.select_related("region", "standard")
    return visible_with_regions_above(user, campaigns, national=Q(region__isnull=True))


def evaluation_list(*, user) -> QuerySet[Evaluation]:
    """The evaluations of the branches the user sees, with their campaign and branch."""
    return visible_to(user, Evaluation.objects.select_related("campaign", "branch"))


def to_review(user, queryset: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """Of ``queryset``, the evaluations the user reviews: in their subtree, below their own
    region (the level above decides; a county's own branches wait for the city)."""
    scope = scope_of(user)
    rows = visible_to(user, queryset)
    return rows.exclude(region_code=scope) if scope else rows


@dataclass(frozen=True)
class RatingCount:
    """How many branches a rating was given to in a year and the year before."""

    rating: str
    label: str
    count: int
    last_year: int

    @property
    def change(self) -> int:
        return self.count - self.last_year


def rating_distribution(*, user, code: str, year: int) -> list[RatingCount]:
    """The published ratings of the branches in the region ``code``'s subtree (in the
    user's scope) in ``year`` and the year before, each rating given in either year, best
    first as the scales list them (one query)."""
    rows = (
        evaluation_list(user=user)
        .within(code)
        .filter(campaign__year__in=[year - 1, year])
        .in_state(EvaluationState.PUBLISHED)
        .values("campaign__year", "rating")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, list[int]] = {}
    for row in rows:
        counts.setdefault(row["rating"], [0, 0])[row["campaign__year"] == year - 1] += row["n"]
    return [
        RatingCount(rating, str(label), *counts[rating])
        for rating, label in EvaluationRating.choices
        if rating in counts
    ]


# A branch's year -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthCell:
    """One month of a requirement on a branch's calendar: the activities of the kind held in
    the month, and the state of the period the month falls in: ``met`` (the period's minimum
    held), ``open`` (not met, the period not over), ``missed`` (not met, over) or ``none``
    (the branch did not exist then, or the month is to come)."""

    month: int
    held: int
    state: str


@dataclass(frozen=True)
class RequirementCalendar:
    kind_name: str
    frequency: str
    minimum: int
    months: list[MonthCell]

    @property
    def frequency_label(self) -> str:
        return str(RequirementFrequency(self.frequency).label)


def branch_calendar(*, branch: Branch, year: int) -> list[RequirementCalendar]:
    """The requirements that apply to ``branch`` with, month by month of ``year``, what it
    held and whether the period was met (two queries): the heatmap of its branch page."""
    codes = [*ancestor_codes(branch.region_id), branch.region_id]
    requirements = (
        Requirement.objects.filter(
            Q(standard__region__isnull=True) | Q(standard__region_id__in=codes)
        )
        .select_related("kind")
        .order_by("kind__name", "id")
    )
    held: dict[tuple[int, int], int] = {}
    for kind_id, month, count in (
        Activity.objects.filter(branch=branch, held_on__year=year)
        .values_list("kind_id", "held_on__month")
        .annotate(n=Count("id"))
        .order_by()
    ):
        held[(kind_id, month)] = count
    today = timezone.localdate()
    calendars = []
    for requirement in requirements:
        cells = []
        for month in range(1, 13):
            period = period_of(requirement.frequency, date(year, month, 1))
            owed = expected_occurrences(
                frequency=requirement.frequency,
                minimum=requirement.minimum,
                start=period.start,
                end=period.end,
                status=branch.status,
                founded_on=branch.founded_on,
                dissolved_on=branch.dissolved_on,
            )
            in_period = sum(
                held.get((requirement.kind_id, m), 0)
                for m in range(period.start.month, period.end.month + 1)
            )
            if not owed or date(year, month, 1) > today:
                state = "none"
            elif in_period >= requirement.minimum:
                state = "met"
            else:
                state = "open" if period.end >= today else "missed"
            cells.append(MonthCell(month, held.get((requirement.kind_id, month), 0), state))
        calendars.append(
            RequirementCalendar(
                requirement.kind.name, requirement.frequency, requirement.minimum, cells
            )
        )
    return calendars


def branch_evaluations(*, branch: Branch) -> list[Evaluation]:
    """The branch's evaluations, latest year first, with their campaign (one query)."""
    return list(
        Evaluation.objects.filter(branch=branch)
        .select_related("campaign", "campaign__region")
        .order_by("-campaign__year", "-id")
    )


def branch_rectifications(*, branch: Branch) -> list[RectificationCase]:
    """The branch's rectification cases, latest first (one query)."""
    return list(RectificationCase.objects.filter(branch=branch).order_by("-opened_on", "-id"))


# Community requests (1310) --------------------------------------------------------------------


def request_list(*, user) -> QuerySet[CommunityRequest]:
    """The community requests of the units the user sees, with their unit and team."""
    return visible_to(user, CommunityRequest.objects.select_related("region", "team"))


def response_target_list(*, user) -> QuerySet[ResponseTarget]:
    """Response targets set at the user's region, above it or within it."""
    return visible_with_regions_above(user, ResponseTarget.objects.select_related("region"))


@dataclass(frozen=True)
class StepFigures:
    """One step of the requests of a region: how many recorded it, the median and 90th
    percentile of the minutes from the receipt to it, and the share within its target
    (None where no request recorded it, or it has no target)."""

    recorded: int
    median_minutes: Decimal | None
    p90_minutes: Decimal | None
    within_target: Decimal | None


@dataclass(frozen=True)
class ResponseFigures:
    """The requests of a region (``code`` None: the region asked for, all its children
    together) received in a year."""

    code: str | None
    name: str
    count: int
    contacted: StepFigures
    on_site: StepFigures
    resolved: StepFigures


_RESPONSE_SQL = """
WITH req AS (
    SELECT left(r.region_id, %s) AS child,
           extract(epoch FROM r.contacted_at - r.received_at) AS contacted,
           extract(epoch FROM r.on_site_at - r.received_at) AS on_site,
           extract(epoch FROM r.resolved_at - r.received_at) AS resolved,
           coalesce(t.contact_minutes, %s) * 60 AS contacted_target,
           coalesce(t.on_site_minutes, %s) * 60 AS on_site_target
      FROM ({requests}) r
      LEFT JOIN LATERAL (
          SELECT contact_minutes, on_site_minutes FROM life_responsetarget t
           WHERE r.region_id LIKE t.region_id || '%%'
           ORDER BY length(t.region_id) DESC LIMIT 1) t ON true
)
SELECT GROUPING(child) = 1 AS whole, child,
       coalesce((SELECT name FROM orgs_region WHERE code = child), ''),
       count(*),
       count(contacted), percentile_cont(0.5) WITHIN GROUP (ORDER BY contacted),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY contacted),
       count(*) FILTER (WHERE contacted <= contacted_target),
       count(on_site), percentile_cont(0.5) WITHIN GROUP (ORDER BY on_site),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY on_site),
       count(*) FILTER (WHERE on_site <= on_site_target),
       count(resolved), percentile_cont(0.5) WITHIN GROUP (ORDER BY resolved),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY resolved)
  FROM req
 GROUP BY ROLLUP (child)
 ORDER BY whole DESC, child
"""


def response_figures(*, user, code: str, year: int) -> list[ResponseFigures]:
    """The requests received in ``year`` at the units of the region ``code``'s subtree the
    user sees: first the whole region, then each child region with requests; one query.
    Each request is judged against the targets of the nearest region above it that sets
    them (life.rules.DEFAULT_TARGETS where none does)."""
    requests = (
        request_list(user=user)
        .within(code)
        .filter(received_at__year=year)
        .values("region_id", "received_at", "contacted_at", "on_site_at", "resolved_at")
        .order_by()
    )
    requests_sql, requests_params = requests.query.sql_with_params()
    params = [child_code_length(code), *DEFAULT_TARGETS, *requests_params]
    # Where the router reads the requests: the replica for a dashboard, if there is one.
    with connections[read_alias(CommunityRequest)].cursor() as cursor:
        cursor.execute(_RESPONSE_SQL.format(requests=requests_sql), params)
        rows = cursor.fetchall()
    return [_response_row(row, code=code) for row in rows]


def _response_row(row: tuple, *, code: str) -> ResponseFigures:
    whole, child, name, count, *steps = row
    contacted, on_site, resolved = steps[0:4], steps[4:8], [*steps[8:11], None]
    return ResponseFigures(
        code=None if whole else child,
        name=name,
        count=count,
        contacted=_step(*contacted),
        on_site=_step(*on_site),
        resolved=_step(*resolved),
    )


def _step(recorded: int, median, p90, within: int | None) -> StepFigures:
    def minutes(seconds) -> Decimal | None:
        return None if seconds is None else (Decimal(seconds) / 60).quantize(Decimal("0.1"))

    share = None
    if within is not None and recorded:
        share = (Decimal(within) / recorded).quantize(Decimal("0.0001"))
    return StepFigures(recorded, minutes(median), minutes(p90), share)
