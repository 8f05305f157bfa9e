"""Sheets for the import tests: build .xlsx and .csv files from header + rows."""

import csv
import io
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation
from openpyxl import Workbook

from imports import engine
from imports.specs import SPECS
from portal.embedded import settings_url
from tests.factories import BranchFactory

ROOT = Path(__file__).resolve().parents[2]
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def xlsx_bytes(rows: list[list], cells: dict[tuple[int, int], object] | None = None) -> bytes:
    """A workbook of ``rows``, then ``cells`` set by (row, column), both counted from 1."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for (row, column), value in (cells or {}).items():
        sheet.cell(row, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def edit_sheet(data: bytes, old: str, new: str) -> bytes:
    """The workbook ``data`` with ``old`` replaced by ``new`` in its sheet's XML: a crafted file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            part = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert old.encode() in part
                part = part.replace(old.encode(), new.encode())
            archive.writestr(item, part)
    return buffer.getvalue()


@contextmanager
def peak_memory(label: str):
    """Yield a dict whose ``peak`` is set to the block's peak of traced memory, in bytes.

    The time is printed (``pytest -s``), never asserted on.
    """
    measured = {}
    tracemalloc.start()
    start = time.perf_counter()
    try:
        yield measured
    finally:
        elapsed = time.perf_counter() - start
        measured["peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"\n{label}: {elapsed:.3f} s, peak {measured['peak'] / 2**10:.0f} KiB")


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def sheet(kind: str, *records: dict) -> list[list]:
    """Header + one row per record (by header; missing cells blank)."""
    header = SPECS[kind].export_header()
    return [header] + [[record.get(h, "") for h in header] for record in records]


def check(kind: str, rows, user, name="f.csv", data=None):
    """The dry run of ``rows`` (a CSV of them, or ``data`` named ``name``) as ``user``."""
    data = data if data is not None else csv_bytes(rows)
    result, _importer = engine.check(SPECS[kind], data, name, user=user)
    return result


def run(kind: str, rows, user, name="f.csv"):
    """The import of a CSV of ``rows`` as ``user``, in one transaction."""
    return engine.run(SPECS[kind], csv_bytes(rows), name, user=user)


def errors_of(result) -> list[tuple[int, str]]:
    """(row, column) of each error of a result."""
    return [(error.row, error.column) for error in result.errors]


def row_errors(kind: str, user, cells: dict) -> dict[str, list[str]]:
    """The errors of a dry run of a one-row sheet, by column key; ``cells`` by column key."""
    spec = SPECS[kind]
    header = [column.header for column in spec.columns]
    row = [cells.get(column.key, "") for column in spec.columns]
    result, _importer = engine.check(spec, csv_bytes([header, row]), "f.csv", user=user)
    keys = {column.header: column.key for column in spec.columns}
    errors: dict[str, list[str]] = {}
    for error in result.errors:
        errors.setdefault(keys[error.column], []).append(error.message)
    return errors


@pytest.fixture(autouse=True)
def chinese():
    """Messages are checked in Chinese unless a test switches to English."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def tianyu_branch(db):
    """天玉镇红十字会 at 天玉镇 (360803100), in 青原区."""
    return BranchFactory(name="天玉镇红十字会", region_id="360803100")


def donation(receipt: str, **cells) -> dict:
    record = {
        "收据编号": receipt,
        "所在区划": "360803100",
        "接收组织": "天玉镇红十字会",
        "金额（元）": "100.00",
        "渠道": "银行转账",
        "接收日期": "2024-09-08",
    }
    record.update(cells)
    return record


@pytest.fixture
def database_tasks(settings):
    """Tasks go to the database backend: the test enqueues, a worker process runs them."""
    settings.TASKS = {"default": {"BACKEND": DATABASE_BACKEND, "QUEUES": ["default"]}}


def worker(*options) -> subprocess.Popen:
    """`manage.py db_worker` on the test database, with the suite's settings."""
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        TEST_TASKS_BACKEND=DATABASE_BACKEND,
        DATABASE_URL=settings_url(connection.settings_dict),
    )
    command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.1"]
    return subprocess.Popen([*command, *options], cwd=ROOT, env=env)  # noqa: S603 (our own command)


def run_queued_tasks() -> None:
    """A worker that runs what is queued, then exits."""
    assert worker("--batch").wait(timeout=300) == 0
