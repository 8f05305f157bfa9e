"""Long exports: a list with more rows than a web request writes goes to the worker.

The admin's export button (core.exports.ExportableAdmin) hands a list longer than
``EXPORT_BACKGROUND_ROWS`` to ``export_queue``: a job is stored with the list, its filters,
the format and the requester's language and address, and the user is sent to "My exports".
The worker (``imports.tasks.export_file``) rebuilds the request as the requester's and writes
the file through the same ``ExportableAdmin.export_to`` as a short export: the same columns,
the same scope, the same masking and the same personal-data log. The file lies under
MEDIA_ROOT (no URL serves it); only its requester downloads it, for EXPORT_RETENTION_DAYS.
"""

from __future__ import annotations

import datetime
import logging
import tempfile

from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db.models import QuerySet
from django.http import HttpResponseRedirect, QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.context import client_address
from core.exports import FORMAT_VAR, TooManyRows
from imports.models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)


def export_queue(request, model_admin, format_: str) -> HttpResponseRedirect:
    """Store the export as a job, queue it, and send the user to "My exports"."""
    from imports import tasks  # the tasks call this module

    opts = model_admin.opts
    job = ExportJob.objects.create(
        user=request.user,
        model=f"{opts.app_label}.{opts.model_name}",
        title=str(opts.verbose_name_plural)[:100],
        query=request.GET.urlencode(),
        format=format_,
        language=translation.get_language() or "",
        address=client_address(request),
        status=ExportStatus.QUEUED,
    )
    tasks.export_file.enqueue(job.pk)
    messages.info(
        request,
        _(
            "The list has more than %(limit)s rows: its file is being written in the "
            "background. Download it here when it is ready."
        )
        % {"limit": f"{settings.EXPORT_BACKGROUND_ROWS:,}"},
    )
    return HttpResponseRedirect(reverse("exports:list"))


def export_write(job_id: int) -> str | None:
    """Write the queued job's file (in the worker); its new status, or None if taken."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    with translation.override(job.language or None):
        try:
            rows = _write(job)
        except PermissionDenied:
            _finish(job, ExportStatus.FAILED, _("You may no longer read this list."))
        except IncorrectLookupParameters:
            _finish(job, ExportStatus.FAILED, _("The list's filters are not valid."))
        except TooManyRows:
            message = _("Too many rows for one Excel sheet: filter the list or export CSV.")
            _finish(job, ExportStatus.FAILED, message)
        except Exception:
            logger.exception("Export job %s failed", job.pk)
            _finish(job, ExportStatus.FAILED, _("The export failed unexpectedly."))
            raise
        else:
            job.rows = rows
            _finish(job, ExportStatus.DONE, "")
    return job.status


def _write(job: ExportJob) -> int:
    """Write the list as the requester would read it now; the rows written."""
    try:
        model_admin = admin.site.get_model_admin(apps.get_model(job.model))
    except (LookupError, NotRegistered):
        raise PermissionDenied from None
    opts = model_admin.opts
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_export")
    request = RequestFactory().get(url, REMOTE_ADDR=job.address or "127.0.0.1")
    request.GET = QueryDict(job.query, mutable=True)
    request.GET.pop(FORMAT_VAR, None)
    request.user = job.user
    request.LANGUAGE_CODE = job.language or settings.LANGUAGE_CODE
    with tempfile.TemporaryFile() as file:
        rows = model_admin.export_to(request, job.format, file)
        file.seek(0)
        job.file.save(f"{opts.model_name}-{job.pk}.{job.format}", File(file), save=False)
    return rows


def _finish(job: ExportJob, status: str, message: str) -> None:
    job.status, job.message, job.ended_at = status, message, timezone.now()
    job.save(update_fields=["status", "message", "rows", "file", "ended_at"])


def ready_unread(user) -> QuerySet[ExportJob]:
    """The user's files written and not downloaded yet (the to-do list's count)."""
    return ExportJob.objects.filter(user=user, status=ExportStatus.DONE, downloaded_at=None)


def export_downloaded(job: ExportJob) -> None:
    """Note the first download (one UPDATE)."""
    if job.downloaded_at is None:
        job.downloaded_at = timezone.now()
        ExportJob.objects.filter(pk=job.pk).update(downloaded_at=job.downloaded_at)


def prune_exports(now: datetime.datetime | None = None) -> int:
    """Delete the jobs (and files) older than EXPORT_RETENTION_DAYS; how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    old = ExportJob.objects.filter(created_at__lt=cutoff)
    count = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
