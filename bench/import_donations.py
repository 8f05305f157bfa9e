"""make bench-import: a 50,000-row donations sheet through the import engine, as staff send it.

Runs on the portal's database (DATABASE_URL, else the embedded one of ``make setup``), which
needs the region tree (``make setup`` loads it). Everything it writes (a branch, a user, the
donations and donors) happens inside one transaction that is rolled back at the end, so the
database is left as it was. For each format (.xlsx, .csv) it prints the rows per second of
the dry run (read + check) and of the confirmed import (read + check again + write):

    .venv/bin/python bench/import_donations.py [--rows 50000] [--region 360803100]

The generated files stay in var/bench-import/ for trying the upload page by hand.
"""

import argparse
import csv
import datetime
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
from imports import engine  # noqa: E402
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
    data = path.read_bytes()
    started = time.perf_counter()
    result, _importer = engine.check(DONATIONS, data, path.name, user=user)
    checked = time.perf_counter() - started
    assert result.ok, result.errors[:5]
    with transaction.atomic():
        started = time.perf_counter()
        result = engine.run(DONATIONS, data, path.name, user=user)
        written = time.perf_counter() - started
        transaction.set_rollback(True)
    print(
        f"{label:>15}: {result.total:,} rows, {len(data) / 1e6:.1f} MB · "
        f"dry run {checked:.1f} s = {result.total / checked:,.0f} rows/s · "
        f"import {written:.1f} s = {result.created / written:,.0f} rows/s "
        f"({result.created:,} created)"
    )


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
    print(f"database: {connection.settings_dict['NAME']} (all writes rolled back)")
    try:
        with transaction.atomic():
            Branch.objects.create(name=BRANCH_NAME, region_id=options.region, kind="other")
            user = User.objects.create_user(
                "bench-import", region_id=options.region[:6], role=UserRole.STAFF
            )
            for label, path in files.items():
                measure(label, path, user)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
