"""The dry run and the import in a real `db_worker` process on the database task backend.

A worker killed (SIGKILL) in the middle of the import's writes leaves no row behind; the job
is then seen as abandoned, is retried, and the retry writes every row exactly once.
"""

import signal
import time

import pytest

from funds.models import Donation
from imports.models import ImportJob, ImportStatus
from imports.progress import progress_of
from imports.services import import_confirm, import_retry, import_upload, job_abandoned
from tests.imports.conftest import csv_bytes, donation, run_queued_tasks, sheet, worker

ROWS = 10_000
pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, timeout=300.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.02)


def test_a_killed_worker_leaves_nothing_and_the_retry_imports_every_row_once(
    database_tasks, county_staff, tianyu_branch
):
    rows = [donation(f"W{number:06d}") for number in range(ROWS)]
    job = import_upload(
        user=county_staff,
        kind="donations",
        file_name="w.csv",
        data=csv_bytes(sheet("donations", *rows)),
    )
    assert job.status == ImportStatus.QUEUED  # the upload only stored it
    run_queued_tasks()
    job.refresh_from_db()
    assert (job.status, job.created_count, job.error_count) == (ImportStatus.CHECKED, ROWS, 0)

    assert import_confirm(job=job, user=county_staff).status == ImportStatus.WAITING
    process = worker()
    try:
        # Some batches are written inside the import's transaction, not all of them.
        wait_for(
            lambda: (
                progress_of(job.pk)["phase"] == "writing" and progress_of(job.pk)["done"] >= 2000
            )
        )
        assert progress_of(job.pk)["done"] < ROWS
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING
    assert Donation.objects.count() == 0
    wait_for(lambda: job_abandoned(job), timeout=30)  # PostgreSQL ended the worker's session

    assert import_retry(job=job, user=county_staff).status == ImportStatus.WAITING
    run_queued_tasks()
    job = ImportJob.objects.get(pk=job.pk)
    assert (job.status, job.created_count, job.ended_at is not None) == (
        ImportStatus.DONE,
        ROWS,
        True,
    )
    assert Donation.objects.count() == ROWS
    assert (
        Donation.objects.filter(receipt_no__startswith="W").values("receipt_no").distinct().count()
        == ROWS
    )
    assert progress_of(job.pk)["phase"] == "finished"
