"""make bench-import: a 50,000-row (ROWS=…) donations sheet through the import engine, as staff send it.

Runs on the portal's database (DATABASE_URL, else the embedded one of ``make setup``), which
needs the region tree (``make setup`` loads it). Everything it writes (a branch, a user, the
donations and donors) happens inside one transaction that is rolled back at the end, so the
database is left as it was. For each format (.xlsx, .csv) it prints the rows per second of
the dry run (read + check) and of the confirmed import (read + check again + write):

    .venv/bin/python bench/import_donations.py [--rows 50000] [--region 360803100]
    make bench-import ROWS=200000

The generated files stay in var/bench-import/ for trying the upload page by hand.
"""

import argparse
import csv
import datetime
import io
import os
import random
import secrets
import sys
import time
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from core.access import UserRole  # noqa: E402
from imports import engine, readers  # noqa: E402
from imports.specs import DONATIONS  # noqa: E402
from orgs.models import Branch, Region  # noqa: E402
from portal.models import User  # noqa: E402

OUT = BASE_DIR / "var" / "bench-import"
BRANCH_NAME = "导入基准测试红十字会"
CHANNELS = ["网络平台", "银行转账", "现金"]


class Rollback(Exception):
    """Raised to undo the benchmark's writes."""


def rows(count: int, region: str, seed: int = 8) -> list[list[str]]:
    """Header + ``count`` donation rows: 1,000 donors, amounts with fen, dates in 2024."""
    rng = random.Random(seed)  # noqa: S311 (made-up amounts and dates, not security)
    start = datetime.date(2024, 1, 1)
    body = []
    for number in range(count):
        amount = Decimal(rng.randint(100, 10_000_000)) / 100
        body.append(
            [
                f"BENCH-{number:07d}",
                region,
                BRANCH_NAME,
                f"捐赠人{rng.randint(1, 1000):04d}",
                "个人",
                "",
                "",
                "资金",
                f"{amount:.2f}",
                "",
                rng.choice(CHANNELS),
                (start + datetime.timedelta(days=rng.randint(0, 300))).isoformat(),
                "否",
                "",
                "否",
                "",
            ]
        )
    return [DONATIONS.export_header(), *body]


def write_files(table: list[list[str]]) -> dict[str, Path]:
    from openpyxl import Workbook

    OUT.mkdir(parents=True, exist_ok=True)
    # A normal workbook, as Excel saves one: shared strings and a <dimension> element.
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    for row in table:
        sheet.append(row)
    xlsx = OUT / f"donations-{len(table) - 1}.xlsx"
    workbook.save(xlsx)
    csv_path = OUT / f"donations-{len(table) - 1}.csv"
    with csv_path.open("w", encoding="gb18030", newline="") as handle:
        csv.writer(handle).writerows(table)
    return {"xlsx": xlsx, "csv (GB18030)": csv_path}


def measure(label: str, path: Path, user) -> None:
    """Wall-clock seconds of the dry run and the import, and this process's CPU seconds.

    On a shared machine the wall clock also counts the time other processes had the CPU;
    the CPU seconds do not (nor the database server's work).
    """
    data = path.read_bytes()
    started, cpu = time.perf_counter(), time.process_time()
    result, _importer = engine.check(DONATIONS, data, path.name, user=user)
    checked, checked_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert result.ok, result.errors[:5]
    with transaction.atomic():
        started, cpu = time.perf_counter(), time.process_time()
        result = engine.run(DONATIONS, data, path.name, user=user)
        written, written_cpu = time.perf_counter() - started, time.process_time() - cpu
        transaction.set_rollback(True)
    print(
        f"{label:>15}: {result.total:,} rows, {len(data) / 1e6:.1f} MB · "
        f"dry run {checked:.1f} s ({checked_cpu:.1f} s CPU) = {result.total / checked:,.0f} rows/s · "
        f"import {written:.1f} s ({written_cpu:.1f} s CPU) = {result.created / written:,.0f} rows/s "
        f"({result.created:,} created)",
        flush=True,
    )


def compare_readers(path: Path) -> None:
    """Seconds to read every cell of the workbook: imports.xlsx (used) and python-calamine.

    python-calamine is faster but reads a formula cell without a cached value as an empty
    cell, with no way to tell it from a blank one: the importer would import such a cell as
    blank instead of reporting it, so imports.xlsx stays the reader.
    """
    data = path.read_bytes()
    started = time.perf_counter()
    table = readers.read_table(data, path.name)
    count = sum(1 for _row in table.rows)
    ours = time.perf_counter() - started
    line = f"{'read xlsx':>15}: {count:,} rows · imports.xlsx {ours:.1f} s"
    try:
        import python_calamine
    except ImportError:
        print(line + " (python-calamine not installed)")
        return
    started = time.perf_counter()
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    count = len(sheet.to_python()) - 1
    theirs = time.perf_counter() - started
    print(line + f" · python-calamine {theirs:.1f} s ({count:,} rows)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--region", default="360803100")
    options = parser.parse_args()
    if not Region.objects.filter(code=options.region).exists():
        sys.exit(f"Region {options.region} is missing: run `make setup` (it loads the regions).")
    started = time.perf_counter()
    files = write_files(rows(options.rows, options.region))
    print(f"generated {options.rows:,} rows in {time.perf_counter() - started:.1f} s: {OUT}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    print(f"database: {connection.settings_dict['NAME']} (all writes rolled back)")
    try:
        with transaction.atomic():
            Branch.objects.create(name=BRANCH_NAME, region_id=options.region, kind="other")
            user = User.objects.create_user(
                "bench-import", region_id=options.region[:6], role=UserRole.STAFF
            )
            compare_readers(files["xlsx"])
            for label, path in files.items():
                measure(label, path, user)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
