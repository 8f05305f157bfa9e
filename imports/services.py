"""Writes of the imports app: store an uploaded sheet, check it (the dry run), import it.

The upload only stores the file and queues the dry run; the dry run and the import run in
the background worker (``imports.tasks``), never in the web request. The import reads the
stored bytes again and checks them again inside the transaction that writes them: what was
shown in the dry run may have changed in the meantime.

A worker holds a PostgreSQL advisory lock on the job while it works on it. The lock ends
with the worker's connection, so a job still "checking" or "importing" whose lock is free
was left by a worker that died: its transaction was rolled back, and it can be retried.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.access import VIEW_ONLY, Action, require, scope_of
from core.audit import AuditKind, Outcome, log_security_event
from core.context import write_context
from imports import engine
from imports.models import WORKING, ImportJob, ImportStatus
from imports.progress import Progress
from imports.readers import FileError
from imports.specs import SPECS

logger = logging.getLogger(__name__)
#: Errors kept with a job (the count is kept in full).
STORED_ERRORS = 2000
#: The first key of the jobs' advisory locks (the second is the job's id).
LOCK_SPACE = 7_310_401


def _require_importer(user) -> None:
    require(user, Action.IMPORT, message=VIEW_ONLY)


def _require_owner(job: ImportJob, user) -> None:
    _require_importer(user)
    if job.user_id != user.pk:
        raise PermissionDenied


def import_upload(*, user, kind: str, file_name: str, data: bytes) -> ImportJob:
    """Store the file as a job and queue its dry run; nothing else is written."""
    _require_importer(user)
    job = ImportJob.objects.create(
        user=user,
        region_id=scope_of(user) or None,
        kind=kind,
        file_name=file_name[:255],
        file_size=len(data),
        data=data,
        status=ImportStatus.QUEUED,
    )
    _enqueue("check_job", job)
    return job


def import_check(*, user, kind: str, file_name: str, data: bytes) -> ImportJob:
    """Upload, then the job as the dry run left it (at once where tasks run immediately)."""
    job = import_upload(user=user, kind=kind, file_name=file_name, data=data)
    job.refresh_from_db()
    return job


def import_confirm(*, job: ImportJob, user) -> ImportJob:
    """Queue the import of a checked job without errors (or of a failed one, to retry).

    Only one confirm wins: the status moves from "ready" (or "failed") to "waiting" in one
    UPDATE, so a second click is refused.
    """
    _require_owner(job, user)
    claimed = ImportJob.objects.filter(
        pk=job.pk, error_count=0, status__in=[ImportStatus.CHECKED, ImportStatus.FAILED]
    ).update(status=ImportStatus.WAITING, message="")
    if not claimed:
        raise ValidationError(
            _(
                "This file cannot be imported now: it has errors, or it is being or has been imported."
            )
        )
    _enqueue("import_job", job)
    job.refresh_from_db()
    return job


def import_retry(*, job: ImportJob, user) -> ImportJob:
    """Queue again the dry run or import of a job whose worker died; ValidationError if alive."""
    _require_owner(job, user)
    requeued = 0
    if job.status in WORKING:
        with job_lock(job.pk) as free:
            again = (
                ImportStatus.QUEUED if job.status == ImportStatus.CHECKING else ImportStatus.WAITING
            )
            if free:
                requeued = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
                    status=again, message=""
                )
    if not requeued:
        raise ValidationError(_("This file is still being worked on: wait for it to finish."))
    _enqueue("check_job" if job.status == ImportStatus.CHECKING else "import_job", job)
    job.refresh_from_db()
    return job


def import_seen(*, job: ImportJob) -> None:
    """Note that the uploader has seen the job's latest result (one UPDATE, when unseen)."""
    if job.ended_at and (job.seen_at is None or job.seen_at < job.ended_at):
        job.seen_at = timezone.now()
        ImportJob.objects.filter(pk=job.pk).update(seen_at=job.seen_at)


def job_abandoned(job: ImportJob) -> bool:
    """Whether the job is "checking" or "importing" with no worker on it (one query)."""
    if job.status not in WORKING:
        return False
    with job_lock(job.pk) as free:
        return free


def _enqueue(name: str, job: ImportJob) -> None:
    from imports import tasks  # the tasks call this module

    Progress(job.pk)("waiting", 0, 0)
    getattr(tasks, name).enqueue(job.pk, translation.get_language() or "")


@contextmanager
def job_lock(job_id: int) -> Iterator[bool]:
    """Hold the job's advisory lock if no one else does; yields whether it was taken."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, job_id])
        taken = cursor.fetchone()[0]
    try:
        yield taken
    finally:
        if taken:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, job_id])


# In the worker ----------------------------------------------------------------------------


def _claim(job_id: int, waiting: str, working: str) -> ImportJob | None:
    """Move the job from ``waiting`` to ``working`` (one UPDATE); None if another took it."""
    claimed = ImportJob.objects.filter(pk=job_id, status=waiting).update(
        status=working, started_at=timezone.now()
    )
    return ImportJob.objects.select_related("user").get(pk=job_id) if claimed else None


def job_check(job_id: int) -> str | None:
    """Run the queued dry run of the job, reporting progress; its new status, or None."""
    with job_lock(job_id) as free:
        job = free and _claim(job_id, ImportStatus.QUEUED, ImportStatus.CHECKING)
        if not job:
            return None
        progress = Progress(job.pk)
        try:
            result, _importer = engine.check(
                SPECS[job.kind], bytes(job.data), job.file_name, user=job.user, progress=progress
            )
        except FileError as error:
            _finish(job, ImportStatus.INVALID, message=error.message)
        except Exception:
            logger.exception("Dry run of import job %s failed", job.pk)
            _finish(job, ImportStatus.INVALID, message=_("The dry run failed unexpectedly."))
            raise
        else:
            _store_result(job, result)
            _finish(job, ImportStatus.CHECKED if result.ok else ImportStatus.INVALID, message="")
        progress.finish()
        return job.status


def job_import(job_id: int) -> str | None:
    """Check the job's file again and write all its rows in one transaction, or none."""
    with job_lock(job_id) as free:
        job = free and _claim(job_id, ImportStatus.WAITING, ImportStatus.RUNNING)
        if not job:
            return None
        progress = Progress(job.pk)
        try:
            _import(job, progress)
        finally:
            progress.finish()
            _record_import(job)
        return job.status


def _record_import(job: ImportJob) -> None:
    """The confirmed import's outcome in the audit trail (written after its transaction)."""
    log_security_event(
        AuditKind.IMPORT_CONFIRMED,
        user=job.user,
        target=job,
        outcome=Outcome.SUCCESS if job.status == ImportStatus.DONE else Outcome.FAILURE,
        detail={"kind": job.kind, "file": job.file_name, "status": job.status},
    )


def _import(job: ImportJob, progress: Progress) -> None:
    try:
        with write_context(source="import", user=job.user):
            result = engine.run(
                SPECS[job.kind], bytes(job.data), job.file_name, user=job.user, progress=progress
            )
    except (engine.ImportFailed, FileError) as error:
        _finish(job, ImportStatus.FAILED, message=error.message)
        return
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
        _finish(job, ImportStatus.INVALID, message=message)
    else:
        _finish(job, ImportStatus.DONE, message="")


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
    job.ended_at = timezone.now()
    if status == ImportStatus.DONE:
        job.finished_at = job.ended_at
    # Outside the import's transaction, which has ended (committed or rolled back).
    with transaction.atomic():
        job.save(
            update_fields=[
                "status",
                "message",
                "finished_at",
                "ended_at",
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
