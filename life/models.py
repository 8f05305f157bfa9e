"""Branch life (组织生活): the kinds of activity, the activities a standard requires, and the
ledger of activities each branch held (活动台账).

An activity entered more than the standard's "late after" days after it was held is recorded
as late, never refused; the flag is decided once, by life.rules.is_late, when it is entered.
"""

from datetime import date, timedelta

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.models import FIRST_YEAR, LAST_YEAR, RegionScopedQuerySet
from core.text import validate_visible_text
from life.choices import (
    EvaluationRating,
    EvaluationScale,
    EvaluationState,
    RectificationSource,
    RectificationState,
    RequirementFrequency,
)
from life.rules import RECTIFICATION_NOTICE_DAYS, is_overdue, period_of
from life.validators import validate_attachment
from orgs.choices import BranchStatus, RegionLevel
from orgs.db import RegionCodeField, TimeStampedModel, copy_region_code_trigger, record_date
from orgs.models import Branch, BranchQuerySet, Region, Standard


class ActivityKindQuerySet(RegionScopedQuerySet):
    region_path = "region__code"


class ActivityKind(TimeStampedModel):
    """A kind of activity a branch holds, e.g. a council meeting (理事会) or a theme day."""

    name = models.CharField(_("Name"), max_length=100, validators=[validate_visible_text])
    region = models.ForeignKey(
        Region,
        verbose_name=_("Applies in region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty to apply everywhere."),
    )
    description = models.TextField(_("Description"), blank=True)

    objects = ActivityKindQuerySet.as_manager()

    class Meta:
        verbose_name = _("Activity kind")
        verbose_name_plural = _("Activity kind")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                nulls_distinct=False,
                name="%(app_label)s_%(class)s_unique_name_in_region",
                violation_error_message=_("An activity kind of this name exists at this region."),
            ),
        ]

    def __str__(self):
        return self.name


class RequirementQuerySet(RegionScopedQuerySet):
    region_path = "standard__region__code"


class Requirement(TimeStampedModel):
    """An activity a standard requires of every branch it applies to: at least ``minimum``
    of ``kind`` in every month, quarter or year (life.rules.expected_occurrences)."""

    standard = models.ForeignKey(
        Standard,
        verbose_name=_("Standard"),
        on_delete=models.CASCADE,
        related_name="requirements",
    )
    kind = models.ForeignKey(
        ActivityKind,
        verbose_name=_("Activity kind"),
        on_delete=models.PROTECT,
        related_name="requirements",
    )
    frequency = models.CharField(_("Frequency"), max_length=10, choices=RequirementFrequency)
    minimum = models.PositiveSmallIntegerField(
        _("At least, per period"), default=1, help_text=_("Activities of the kind each period.")
    )

    objects = RequirementQuerySet.as_manager()

    class Meta:
        verbose_name = _("Required activity")
        verbose_name_plural = _("Required activity")
        ordering = ["standard", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "kind"],
                name="%(app_label)s_%(class)s_one_per_kind",
                violation_error_message=_("The standard requires this activity kind already."),
            ),
            models.CheckConstraint(
                condition=Q(minimum__gte=1),
                name="%(app_label)s_%(class)s_minimum_positive",
                violation_error_message=_("A requirement asks for at least one activity."),
            ),
        ]

    def __str__(self):
        return f"{self.standard}: {self.kind} ({self.get_frequency_display()} ≥ {self.minimum})"


class ActivityQuerySet(RegionScopedQuerySet):
    def held_in(self, year: int):
        return self.filter(held_on__year=year)


class Activity(TimeStampedModel):
    """An activity a branch held, as its ledger (台账) records it."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("Branch"), on_delete=models.PROTECT, related_name="activities"
    )
    region_code = RegionCodeField()
    kind = models.ForeignKey(
        ActivityKind,
        verbose_name=_("Activity kind"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    held_on = models.DateField(_("Held on"))
    place = models.CharField(
        _("Place"), max_length=200, blank=True, validators=[validate_visible_text]
    )
    members_present = models.PositiveIntegerField(_("Members present"), default=0)
    volunteers_present = models.PositiveIntegerField(_("Volunteers present"), default=0)
    summary = models.TextField(_("Summary"), blank=True)
    attachment = models.FileField(
        _("Attachment"),
        upload_to="activities/%Y/%m/",
        blank=True,
        validators=[validate_attachment],
        help_text=_("Minutes, a sign-in sheet or a photo: PDF, JPEG or PNG."),
    )
    late = models.BooleanField(
        _("Recorded late"),
        default=False,
        editable=False,
        help_text=_("Entered more days after it was held than the standard allows."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("Branch activity")
        verbose_name_plural = _("Branch activity")
        ordering = ["-held_on", "-id"]
        constraints = [*record_date("held_on")]
        indexes = [
            # Scoped lists of a subtree by date; the compliance selector's activities of a year.
            models.Index(fields=["region_code", "held_on"], name="life_activity_region_date_idx"),
            # A branch's activities of a kind in a period (branches behind, the to-do item).
            models.Index(
                fields=["branch", "kind", "held_on"], name="life_activity_branch_kind_idx"
            ),
        ]
        triggers = [
            copy_region_code_trigger(
                name="life_activity_region_code",
                source_table="orgs_branch",
                source_key="branch",
                column="region_id",
            ),
        ]

    def __str__(self):
        return f"{self.branch} {self.kind} {self.held_on}"


#: Whether a branch still owes a requirement whose period ends this month: fewer activities
#: of its kind held in the period than it asks for (parameters: the frequencies whose period
#: ends this month, the first day of the month, quarter and year, and today).
_OWES_THIS_MONTH = """EXISTS (
    SELECT 1 FROM life_requirement r JOIN orgs_standard s ON s.id = r.standard_id
     WHERE r.frequency = ANY(%s)
       AND (s.region_id IS NULL OR orgs_branch.region_id LIKE s.region_id || '%%')
       AND (SELECT count(*) FROM life_activity a
             WHERE a.branch_id = orgs_branch.id AND a.kind_id = r.kind_id
               AND a.held_on >= CASE r.frequency WHEN 'monthly' THEN %s
                                 WHEN 'quarterly' THEN %s ELSE %s END
               AND a.held_on <= %s) < r.minimum)"""


class DueBranchQuerySet(BranchQuerySet):
    def due_this_month(self, today: date):
        """Branches (neither preparing nor dissolved) that owe an activity whose period (the
        month; the quarter or the year ending this month) is not yet met (no query)."""
        ending = [f for f in RequirementFrequency if period_of(f, today).end.month == today.month]
        starts = [period_of(f, today).start for f in RequirementFrequency]
        owes = RawSQL(  # noqa: S611 (fixed SQL, every value a parameter)
            _OWES_THIS_MONTH, [ending, *starts, today], output_field=models.BooleanField()
        )
        return (
            self.exclude(status__in=[BranchStatus.PREPARING, BranchStatus.DISSOLVED])
            .annotate(owes=owes)
            .filter(owes=True)
        )


class DueBranch(Branch):
    """A branch as the list of required activities due this month shows it (the to-do's link)."""

    objects = DueBranchQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("Branch with activities due")
        verbose_name_plural = _("Branches with activities due")


from life.summaries import ActivitySummary  # noqa: E402,F401  (registers the summary models)


def rectification_state(state: str, today: date) -> Q:
    """The condition of the cases in ``state`` on ``today``: open; overdue (open past the
    deadline: life.rules.is_overdue as a filter); due (overdue, or the deadline within
    RECTIFICATION_NOTICE_DAYS); closed (accepted)."""
    open_ = Q(closed_on__isnull=True)
    return {
        RectificationState.OPEN: open_,
        RectificationState.DUE: open_
        & Q(deadline__lte=today + timedelta(days=RECTIFICATION_NOTICE_DAYS)),
        RectificationState.OVERDUE: open_ & Q(deadline__lt=today),
        RectificationState.CLOSED: Q(closed_on__isnull=False),
    }[RectificationState(state)]


class RectificationQuerySet(RegionScopedQuerySet):
    def in_state(self, state: str, today: date):
        return self.filter(rectification_state(state, today))

    def open(self):
        return self.in_state(RectificationState.OPEN, timezone.localdate())

    def overdue(self, today: date):
        return self.in_state(RectificationState.OVERDUE, today)


class RectificationCase(TimeStampedModel):
    """A branch found weak and lax (软弱涣散) put under rectification (整顿): its problems, the
    measures, a responsible person and a deadline; progress entries; closed when the level
    above accepts the evidence. Opening a case flags the branch weak; its acceptance lifts the
    flag."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("Branch"), on_delete=models.PROTECT, related_name="rectifications"
    )
    region_code = RegionCodeField()
    source = models.CharField(
        _("Found by"),
        max_length=20,
        choices=RectificationSource,
        default=RectificationSource.BY_HAND,
    )
    opened_on = models.DateField(_("Opened on"))
    problems = models.TextField(_("Problems found"), validators=[validate_visible_text])
    measures = models.TextField(_("Measures"), validators=[validate_visible_text])
    responsible = models.CharField(
        _("Responsible person"), max_length=100, validators=[validate_visible_text]
    )
    deadline = models.DateField(_("Deadline"))
    closed_on = models.DateField(_("Accepted on"), null=True, blank=True)
    evidence = models.TextField(_("Results and evidence"), blank=True)
    attachment = models.FileField(
        _("Attachment"),
        upload_to="rectifications/%Y/%m/",
        blank=True,
        validators=[validate_attachment],
        help_text=_("The evidence of the results: PDF, JPEG or PNG."),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Opened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Rectification case")
        verbose_name_plural = _("Rectification case")
        ordering = ["deadline", "id"]
        constraints = [
            *record_date("opened_on"),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("opened_on")),
                name="life_rectification_deadline_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="life_rectification_closed_after_opened",
            ),
            # One open case per branch: progress goes to it, not to a second one.
            models.UniqueConstraint(
                fields=["branch"],
                condition=Q(closed_on__isnull=True),
                name="life_rectification_one_open_per_branch",
            ),
        ]
        indexes = [
            models.Index(fields=["region_code", "deadline"], name="life_rectification_region_idx"),
        ]
        triggers = [
            copy_region_code_trigger(
                name="life_rectification_region_code",
                source_table="orgs_branch",
                source_key="branch",
                column="region_id",
            ),
        ]

    def __str__(self):
        return f"{self.branch} {self.opened_on}"

    @property
    def overdue(self) -> bool:
        return is_overdue(
            deadline=self.deadline, closed_on=self.closed_on, today=timezone.localdate()
        )


class RectificationProgressQuerySet(RegionScopedQuerySet):
    region_path = "case__region_code"


class RectificationProgress(TimeStampedModel):
    """A step of a rectification, as the branch reports it."""

    case = models.ForeignKey(
        RectificationCase,
        verbose_name=_("Rectification case"),
        on_delete=models.PROTECT,
        related_name="progress",
    )
    recorded_on = models.DateField(_("Date"))
    note = models.TextField(_("Progress"), validators=[validate_visible_text])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RectificationProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("Rectification progress")
        verbose_name_plural = _("Rectification progress")
        ordering = ["case", "recorded_on", "id"]
        constraints = [*record_date("recorded_on")]

    def __str__(self):
        return f"{self.case} {self.recorded_on}"


# Annual evaluation (年度考评) ------------------------------------------------------------------


class EvaluationCampaignQuerySet(RegionScopedQuerySet):
    region_path = "region__code"


class EvaluationCampaign(TimeStampedModel):
    """A year's evaluation run by a region for the branches of one level below it (a county
    rates its townships' branches): the standard they assess themselves against, the scale
    they are rated on, and the day self-assessments are due."""

    year = models.PositiveSmallIntegerField(_("Year"))
    region = models.ForeignKey(
        Region,
        verbose_name=_("Run by region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for a national campaign."),
    )
    level = models.CharField(_("Level of the branches rated"), max_length=10, choices=RegionLevel)
    standard = models.ForeignKey(
        Standard, verbose_name=_("Standard"), on_delete=models.PROTECT, related_name="+"
    )
    scale = models.CharField(_("Rating scale"), max_length=10, choices=EvaluationScale)
    self_assessment_due = models.DateField(_("Self-assessments due on"))
    note = models.TextField(_("Note"), blank=True)

    objects = EvaluationCampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("Evaluation campaign")
        verbose_name_plural = _("Evaluation campaign")
        ordering = ["-year", "region", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region", "level"],
                nulls_distinct=False,
                name="life_evaluationcampaign_one_per_year_region_level",
                violation_error_message=_(
                    "This region already runs an evaluation of this level this year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="life_evaluationcampaign_year_range",
                violation_error_message=format_lazy(
                    _("The year must be between {} and {}."), FIRST_YEAR, LAST_YEAR
                ),
            ),
        ]

    def __str__(self):
        where = self.region.name if self.region_id else _("Nationwide")
        return f"{self.year} {where} {self.get_level_display()}"


class EvaluationQuerySet(RegionScopedQuerySet):
    def in_state(self, state: str):
        return self.filter(evaluation_state(state))


class Evaluation(TimeStampedModel):
    """One branch in one campaign: its self-assessment (the standard's items it met, with the
    activities and files that show it) and the decisions of the level above."""

    campaign = models.ForeignKey(
        EvaluationCampaign,
        verbose_name=_("Evaluation campaign"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("Branch"), on_delete=models.PROTECT, related_name="evaluations"
    )
    region_code = RegionCodeField()
    items_met = models.ManyToManyField(
        "orgs.StandardItem", verbose_name=_("Items met"), blank=True, related_name="+"
    )
    met_count = models.PositiveSmallIntegerField(
        _("Number of items met"), default=0, editable=False
    )
    item_count = models.PositiveSmallIntegerField(_("Items in total"), default=0, editable=False)
    self_assessment = models.TextField(
        _("Self-assessment"), blank=True, help_text=_("What the branch did and achieved.")
    )
    activities = models.ManyToManyField(
        Activity,
        verbose_name=_("Activities as evidence"),
        blank=True,
        related_name="+",
    )
    attachment = models.FileField(
        _("Attachment"),
        upload_to="evaluations/%Y/%m/",
        blank=True,
        validators=[validate_attachment],
        help_text=_("Evidence: PDF, JPEG or PNG."),
    )
    submitted_on = models.DateField(_("Submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    #: The rating in force: that of the latest published decision (kept by the services).
    rating = models.CharField(
        _("Rating"), max_length=12, choices=EvaluationRating, blank=True, editable=False
    )

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Branch evaluation")
        verbose_name_plural = _("Branch evaluation")
        ordering = ["-campaign__year", "region_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "branch"],
                name="life_evaluation_one_per_branch",
                violation_error_message=_("The branch is already in this campaign."),
            ),
            models.CheckConstraint(
                condition=Q(met_count__lte=models.F("item_count")),
                name="life_evaluation_met_within_total",
            ),
            *record_date("submitted_on"),
        ]
        indexes = [
            models.Index(fields=["region_code", "campaign"], name="life_evaluation_region_idx"),
        ]
        triggers = [
            copy_region_code_trigger(
                name="life_evaluation_region_code",
                source_table="orgs_branch",
                source_key="branch",
                column="region_id",
            ),
        ]

    def __str__(self):
        return f"{self.branch} {self.campaign.year}"


class EvaluationDecisionQuerySet(RegionScopedQuerySet):
    region_path = "evaluation__region_code"

    def published(self):
        return self.filter(published_on__isnull=False)


class EvaluationDecision(TimeStampedModel):
    """The level above's rating of a branch, with its comment. A draft may change; once
    published it is final (the database refuses a change), and a correction is a new decision
    that gives its reason."""

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("Branch evaluation"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    rating = models.CharField(_("Rating"), max_length=12, choices=EvaluationRating)
    comment = models.TextField(_("Comment"), blank=True)
    reason = models.TextField(
        _("Reason for the correction"),
        blank=True,
        help_text=_("Required when a published rating is corrected."),
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("Corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_on = models.DateField(_("Published on"), null=True, blank=True)

    objects = EvaluationDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Evaluation decision")
        verbose_name_plural = _("Evaluation decision")
        ordering = ["evaluation", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=Q(published_on__isnull=True),
                name="life_evaluationdecision_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(reason=""),
                name="life_evaluationdecision_correction_has_reason",
            ),
            *record_date("published_on"),
        ]
        triggers = [
            # Final once published: neither changed nor deleted, by anyone.
            pgtrigger.Protect(
                name="life_evaluationdecision_final",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__published_on__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.evaluation} {self.get_rating_display()}"


def evaluation_state(state: str) -> Q:
    """The condition of the evaluations in ``state``: not submitted; submitted and waiting
    for a published rating (to review); rated (published)."""
    return {
        EvaluationState.NOT_SUBMITTED: Q(submitted_on__isnull=True),
        EvaluationState.TO_REVIEW: Q(submitted_on__isnull=False, rating=""),
        EvaluationState.PUBLISHED: ~Q(rating=""),
    }[EvaluationState(state)]


# Community requests (the "1310" response record) ----------------------------------------------


class ResponseTargetQuerySet(RegionScopedQuerySet):
    region_path = "region__code"


class ResponseTarget(TimeStampedModel):
    """The response targets of community requests at a region and below (the nearest region
    above a request with targets sets its own; else life.rules.DEFAULT_TARGETS): the minutes
    from a request's receipt to contact with the person responsible, and to someone on site."""

    region = models.OneToOneField(
        Region,
        verbose_name=_("Region"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_minutes = models.PositiveSmallIntegerField(_("Contacted within (minutes)"), default=3)
    on_site_minutes = models.PositiveSmallIntegerField(_("On site within (minutes)"), default=10)

    objects = ResponseTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("Response target")
        verbose_name_plural = _("Response target")
        ordering = ["region"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_minutes__gte=1) & Q(on_site_minutes__gte=1),
                name="life_responsetarget_positive",
                violation_error_message=_("A target is at least one minute."),
            ),
        ]

    def __str__(self):
        return f"{self.region}: {self.contact_minutes}/{self.on_site_minutes}"


class CommunityRequestQuerySet(RegionScopedQuerySet):
    region_path = "region__code"


class CommunityRequest(TimeStampedModel):
    """A resident's request for help at a grid or sub-community unit and how it was answered:
    received, the person responsible contacted, someone on site, resolved (1310)."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("Grid or community unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        "members.VolunteerTeam",
        verbose_name=_("Volunteer team that handled it"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.CharField(_("Request"), max_length=200, validators=[validate_visible_text])
    received_at = models.DateTimeField(_("Received at"))
    contacted_at = models.DateTimeField(_("Person responsible contacted at"), null=True, blank=True)
    on_site_at = models.DateTimeField(_("On site at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("Resolved at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CommunityRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("Community request")
        verbose_name_plural = _("Community request")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contacted_at__isnull=True) | Q(contacted_at__gte=F("received_at")),
                name="life_communityrequest_contacted_after_received",
            ),
            models.CheckConstraint(
                condition=Q(on_site_at__isnull=True) | Q(on_site_at__gte=F("received_at")),
                name="life_communityrequest_on_site_after_received",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("received_at")),
                name="life_communityrequest_resolved_after_received",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "received_at"], name="life_request_region_idx"),
        ]

    def __str__(self):
        return f"{self.region} {self.received_at:%Y-%m-%d %H:%M} {self.summary}"
