"""The branch-life to-do item (core.todo)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import todo
from core.access import Action
from life.models import Activity, DueBranch

todo.register(
    key="activities_due",
    label=_("Branches with required activities due this month not yet recorded"),
    action=Action.ADD,
    acts_on=Activity,
    rows=lambda: DueBranch.objects.due_this_month(timezone.localdate()),
    url=todo.changelist(DueBranch, due_this_month="yes"),
)
