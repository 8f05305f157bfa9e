"""The branch-life to-do items (core.todo)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import todo
from core.access import Action
from life.choices import EvaluationState, RectificationState
from life.models import Activity, DueBranch, Evaluation, RectificationCase
from life.selectors import to_review

todo.register(
    key="activities_due",
    label=_("Branches with required activities due this month not yet recorded"),
    action=Action.ADD,
    acts_on=Activity,
    rows=lambda: DueBranch.objects.due_this_month(timezone.localdate()),
    url=todo.changelist(DueBranch, due_this_month="yes"),
)

todo.register(
    key="rectifications_due",
    label=_("Rectification cases overdue or due within 30 days"),
    action=Action.CHANGE,
    rows=lambda: RectificationCase.objects.in_state(RectificationState.DUE, timezone.localdate()),
    url=todo.changelist(RectificationCase, state=RectificationState.DUE),
)

todo.register(
    key="self_assessments_due",
    label=_("Branch self-assessments not submitted for this year's evaluation"),
    action=Action.ADD,
    rows=lambda: Evaluation.objects.in_state(EvaluationState.NOT_SUBMITTED).filter(
        campaign__year__gte=timezone.localdate().year - 1
    ),
    url=todo.changelist(Evaluation, state=EvaluationState.NOT_SUBMITTED),
)

todo.register(
    key="evaluations_to_review",
    label=_("Self-assessments waiting for your rating"),
    action=Action.APPROVE,
    rows=lambda: Evaluation.objects.in_state(EvaluationState.TO_REVIEW),
    url=todo.changelist(Evaluation, state=EvaluationState.TO_REVIEW),
    scope=to_review,
)
