"""The branches' to-do items (core.todo)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import todo
from core.access import Action
from orgs.choices import BranchStatus
from orgs.models import Assessment, Branch

todo.register(
    key="branches_unassessed",
    label=_("Active branches not assessed this year"),
    action=Action.ADD,
    acts_on=Assessment,
    rows=lambda: Branch.objects.active().assessed_in(timezone.localdate().year, assessed=False),
    url=todo.changelist(Branch, status__exact=BranchStatus.ACTIVE, assessed_this_year="no"),
)
