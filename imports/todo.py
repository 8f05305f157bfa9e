"""The imports' to-do items (core.todo)."""

from django.utils.translation import gettext_lazy as _

from core import todo
from core.access import Action
from imports.exports import ready_unread
from imports.models import ExportJob, ImportJob, ImportStatus
from imports.selectors import finished_unseen

todo.register(
    key="imports_unconfirmed",
    label=_("Imports checked and not confirmed"),
    action=Action.IMPORT,
    rows=lambda: ImportJob.objects.filter(status=ImportStatus.CHECKED),
    # An import job is its uploader's own: the list shows each user their own files.
    scope=lambda user, jobs: jobs.filter(user=user),
    url=todo.page("imports:job_list", status=ImportStatus.CHECKED),
)

todo.register(
    key="imports_finished_unseen",
    label=_("Imports finished since you last looked"),
    action=Action.IMPORT,
    rows=lambda: ImportJob.objects.all(),
    # The worker ran the dry run or the import in the background: the uploader is told here.
    scope=lambda user, _jobs: finished_unseen(user),
    url=todo.page("imports:job_list"),
)

todo.register(
    key="exports_ready",
    label=_("Exports ready to download"),
    action=Action.IMPORT,
    rows=lambda: ExportJob.objects.all(),
    # An export's file is its requester's own, written in the background.
    scope=lambda user, _jobs: ready_unread(user),
    url=todo.page("exports:list"),
)
