"""The branch-life to-do item (core.todo)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import todo
from core.access import Action
from life.choices import RectificationState
from life.models import Activity, DueBranch, RectificationCase

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
