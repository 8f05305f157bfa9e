"""Writes of the imports app: check an uploaded sheet (the dry run), then import it.

The confirm reads the stored bytes again and checks them again inside the transaction that
writes them: what was shown in the dry run may have changed in the meantime.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import VIEW_ONLY, Action, require, scope_of
from core.context import write_context
from imports import engine
from imports.models import ImportJob, ImportStatus
from imports.readers import FileError
from imports.specs import SPECS

logger = logging.getLogger(__name__)
#: Errors kept with a job (the count is kept in full).
STORED_ERRORS = 2000
#: An import still "importing" after this long died with its worker (imports take minutes).
STALE_AFTER = timedelta(minutes=15)


def _require_importer(user) -> None:
    require(user, Action.IMPORT, message=VIEW_ONLY)


def import_check(*, user, kind: str, file_name: str, data: bytes, progress=None) -> ImportJob:
    """Store the file as a job and run the dry run on it; nothing else is written."""
    _require_importer(user)
    job = ImportJob(
        user=user,
        region_id=scope_of(user) or None,
        kind=kind,
        file_name=file_name[:255],
        file_size=len(data),
        data=data,
        status=ImportStatus.INVALID,
    )
    try:
        result, _importer = engine.check(
            SPECS[kind], data, file_name, user=user, progress=progress or engine.no_progress
        )
    except FileError as error:
        job.message = error.message
    else:
        _store_result(job, result)
        job.status = ImportStatus.CHECKED if result.ok else ImportStatus.INVALID
    job.save()
    return job


def import_confirm(*, job: ImportJob, user, request=None, progress=None) -> ImportJob:
    """Check the job's file again and write all its rows in one transaction, or none.

    Only a job without errors can be confirmed, once at a time: the status moves from
    "ready" (or "failed", to retry) to "importing" in one UPDATE, so a second click waits
    for nothing and is refused. A job left "importing" by a worker that died (its
    transaction rolled back) can be confirmed again after ``STALE_AFTER``.
    """
    _require_importer(user)
    if job.user_id != user.pk:
        raise PermissionDenied
    now = timezone.now()
    claimable = Q(status__in=[ImportStatus.CHECKED, ImportStatus.FAILED]) | Q(
        status=ImportStatus.RUNNING, started_at__lt=now - STALE_AFTER
    )
    claimed = ImportJob.objects.filter(claimable, pk=job.pk, error_count=0).update(
        status=ImportStatus.RUNNING, message="", started_at=now
    )
    if not claimed:
        raise ValidationError(
            _(
                "This file cannot be imported now: it has errors, or it is being or has been imported."
            )
        )
    job.refresh_from_db()
    try:
        with write_context(source="import", user=user, request=request):
            result = engine.run(
                SPECS[job.kind],
                bytes(job.data),
                job.file_name,
                user=user,
                progress=progress or engine.no_progress,
            )
    except (engine.ImportFailed, FileError) as error:
        return _finish(job, ImportStatus.FAILED, message=error.message)
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        _finish(
            job,
            ImportStatus.FAILED,
            message=_("The import failed unexpectedly; nothing was saved."),
        )
        raise
    _store_result(job, result)
    if not result.ok:
        message = _("The records changed since the dry run; nothing was saved. See the errors.")
        return _finish(job, ImportStatus.INVALID, message=message)
    return _finish(job, ImportStatus.DONE, message="")


def _store_result(job: ImportJob, result: engine.Result) -> None:
    job.total_rows = result.total
    job.created_count, job.updated_count = result.created, result.updated
    job.unchanged_count = result.unchanged
    job.error_count = len(result.errors)
    job.errors = [error.as_dict() for error in result.errors[:STORED_ERRORS]]
    job.notices = result.notices[:20]


def _finish(job: ImportJob, status: str, *, message: str) -> ImportJob:
    job.status = status
    job.message = message
    job.finished_at = timezone.now() if status == ImportStatus.DONE else None
    # Outside the import's transaction, which has ended (committed or rolled back).
    with transaction.atomic():
        job.save(
            update_fields=[
                "status",
                "message",
                "finished_at",
                "total_rows",
                "created_count",
                "updated_count",
                "unchanged_count",
                "error_count",
                "errors",
                "notices",
            ]
        )
    return job
