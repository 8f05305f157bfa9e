"""Background tasks of the imports app, run by `manage.py db_worker` (django-tasks-db).

Each takes the job's id and the uploader's language (for the messages stored with it).
"""

from django.tasks import task
from django.utils import translation

from imports.services import job_check, job_import


@task()
def check_job(job_id: int, language: str) -> str | None:
    """The dry run of an uploaded file."""
    with translation.override(language or None):
        return job_check(job_id)


@task()
def import_job(job_id: int, language: str) -> str | None:
    """The import of a checked file, in one transaction."""
    with translation.override(language or None):
        return job_import(job_id)


@task()
def export_file(job_id: int) -> str | None:
    """A list too long for a web request, written to a file (imports.exports)."""
    from imports.exports import export_write

    return export_write(job_id)
