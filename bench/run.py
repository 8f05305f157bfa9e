"""make bench: measure the portal on the benchmark database and report against the targets.

Run with the benchmark database in DATABASE_URL (``make bench``), after ``make bench-data``:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/run.py

In one run: the rollup API and the dashboards under gunicorn on 127.0.0.1, the same figures
by plain GROUP BY over the record tables (the baseline, which also checks the API's figures),
donation writes with 1 and 8 clients, ``verify_rollups`` over the whole data set and the
rollup at a tenth of the donations (a copy of the database). Prints a table and writes
bench/results/<timestamp>.json. Timings are reported, never asserted.
"""

import argparse
import json
import os
import platform
import secrets
import subprocess
import sys
import time
from contextlib import ExitStack, closing, contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))

import django  # noqa: E402

django.setup()

import psycopg2  # noqa: E402
import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from psycopg2 import sql  # noqa: E402

from bench import baseline, report  # noqa: E402
from bench.measure import alternated, donation_writes, getter, summary, timed  # noqa: E402
from bench.server import Gunicorn  # noqa: E402

USERNAME = "bench-root"
LEVELS = ["country", "province", "city", "county", "township"]


def main() -> None:
    args = _arguments()
    url = os.environ["DATABASE_URL"]
    results = {
        "started": datetime.now().astimezone().isoformat(timespec="seconds"),
        "complete": False,
        "machine": machine(),
        "data": data_counts(),
        "year": args.year,
        "settings": {
            "gunicorn_workers": args.workers,
            "conn_max_age": 60,
            "debug": False,
            "api_throttles": "raised out of the way",
            "client": "python-requests on the same machine, keep-alive",
        },
        "regions": pick_regions(args.year),
    }
    path = RESULTS / f"{datetime.now():%Y%m%d-%H%M%S}.json"
    try:
        measure(url, results, args, save=lambda: write_results(results, path))
    finally:
        write_results(results, path)
    print(report.table(results))
    previous = args.compare or _previous_run(path, results["data"])
    if previous is not None:
        print(
            report.comparison_table(json.loads(previous.read_text()), results, name=previous.name)
        )
    print(f"\nwritten to {path}")


def _previous_run(current: Path, data: dict) -> Path | None:
    """The latest complete earlier run on data of the same scale (as many branches and members)."""
    runs = sorted(RESULTS.glob("2*.json"), reverse=True)
    for run in runs:
        if run == current:
            continue
        earlier = json.loads(run.read_text())
        scale = {key: earlier.get("data", {}).get(key) for key in ("branches", "members")}
        if earlier.get("complete") and scale == {key: data.get(key) for key in scale}:
            return run
    return None


def measure(url: str, results: dict, args, save) -> None:
    """Every measurement in turn, saving the results after each (a failure keeps the rest)."""
    regions = results["regions"]
    password = bench_superuser()
    with Gunicorn(url, workers=args.workers) as server:
        results["healthz"] = server.health
        token = api_token(server.base, password)
        results["rollup_api"], rollups = measure_rollups(server.base, token, regions, args)
        results["rollup_bytes"] = {
            level: len(json.dumps(answer, ensure_ascii=False).encode())
            for level, answer in rollups.items()
        }
        save()
        results["dashboard"] = measure_dashboards(server.base, regions, args)
        save()
        results["writes"] = measure_writes(server.base, token, url, args)
        results["web_rss_mb"] = server.worker_rss_mb()
    save()
    results["baseline"], results["figures_checked"] = measure_baseline(url, regions, rollups, args)
    results["rollup_in_process"] = measure_in_process(regions, args)
    results["compliance_in_process"] = measure_compliance(regions, args)
    save()
    results["verify_rollups"] = run_verify_rollups(url)
    save()
    if not args.skip_scaling:
        connection.close()
        results["scaling"] = scaling_check(url, token, regions, results, args)
    results["finished"] = datetime.now().astimezone().isoformat(timespec="seconds")
    results["machine"]["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
    results["last_generation"] = last_generation()
    results["targets"] = report.targets(results)
    results["complete"] = True


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=datetime.now().year - 1)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--repeat", type=int, default=200, help="timed requests per rollup")
    parser.add_argument("--pages", type=int, default=60, help="timed requests per dashboard")
    parser.add_argument("--baseline-repeat", type=int, default=5)
    parser.add_argument("--write-seconds", type=float, default=20)
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument(
        "--compare",
        type=Path,
        help="an earlier results file to print this run beside "
        "(default: the latest complete run on data of the same size)",
    )
    return parser.parse_args()


def machine() -> dict:
    """Cores, memory, load and the database server's version and memory settings."""
    meminfo = Path("/proc/meminfo").read_text().split()
    cpu = Path("/proc/cpuinfo").read_text()
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in cpu.splitlines()
            if line.startswith("model name")
        ),
        "",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_version'), "
            "current_setting('shared_buffers'), current_setting('work_mem')"
        )
        version, shared_buffers, work_mem = cursor.fetchone()
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024**2, 1),
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
        "postgresql": version,
        "shared_buffers": shared_buffers,
        "work_mem": work_mem,
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def data_counts() -> dict:
    """Rows of the record tables and of the region tree."""
    tables = {
        "regions": "orgs_region",
        "branches": "orgs_branch",
        "members": "members_member",
        "volunteers": "members_volunteer",
        "service_records": "members_servicerecord",
        "campaigns": "funds_campaign",
        "donations": "funds_donation",
        "activities": "life_activity",
    }
    counts = {}
    with connection.cursor() as cursor:
        for name, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed table names)
            counts[name] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        counts["database_gb"] = round(cursor.fetchone()[0] / 1024**3, 2)
    return counts


def pick_regions(year: int) -> dict[str, str]:
    """The country and, going down, the region that received most donations in ``year``."""
    picked, code = {"country": ""}, ""
    with connection.cursor() as cursor:
        for level, length in zip(LEVELS[1:], (2, 4, 6, 9), strict=True):
            cursor.execute(
                "SELECT left(region_code, %s) FROM funds_donationsummary "
                "WHERE region_code LIKE %s AND year = %s AND length(region_code) >= %s "
                "GROUP BY 1 ORDER BY sum(donations) DESC LIMIT 1",
                [length, f"{code}%", year, length],
            )
            row = cursor.fetchone()
            if row is None:
                raise RuntimeError(f"No donations in {year}: run make bench-data first.")
            code = picked[level] = row[0]
    return picked


def bench_superuser() -> str:
    """The harness's superuser account, with a fresh password (returned)."""
    from portal.models import User

    password = secrets.token_urlsafe(16)
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User.objects.create_superuser(USERNAME, password=password)
    user.set_password(password)
    user.save(update_fields=["password", "password_changed_at"])
    return password


def api_token(base: str, password: str) -> str:
    from bench.sessions import current_code
    from portal.models import User

    code = current_code(User.objects.get(username=USERNAME))
    credentials = {"username": USERNAME, "password": password, "otp": code}
    answer = requests.post(f"{base}/api/v1/auth/token/", json=credentials, timeout=30)
    answer.raise_for_status()
    return answer.json()["token"]


def session_cookie() -> str:
    """A signed-in session of the harness's superuser, as a Cookie header value."""
    from bench.sessions import verified_session
    from portal.models import User

    user = User.objects.get(username=USERNAME)
    return f"{settings.SESSION_COOKIE_NAME}={verified_session(user)}"


def rollup_path(code: str, year: int) -> str:
    if not code:
        return f"/api/v1/rollup/?year={year}"
    return f"/api/v1/regions/{code}/rollup/?year={year}"


def measure_rollups(base: str, token: str, regions: dict, args) -> tuple[dict, dict]:
    """The rollup API per level, over HTTP with a token; and each level's last answer."""
    session = requests.Session()
    headers = {"Authorization": f"Token {token}"}
    timings, answers = {}, {}
    for level, code in regions.items():
        call = getter(session, base + rollup_path(code, args.year), headers)
        answers[level] = call()
        timings[level] = summary(timed(call, repeat=args.repeat, warmup=10))
    return timings, answers


def measure_dashboards(base: str, regions: dict, args) -> dict:
    """The dashboard page per level, signed in with a session cookie."""
    session = requests.Session()
    headers = {"Cookie": session_cookie()}
    timings = {}
    for level, code in regions.items():
        path = f"/regions/{code}/" if code else "/"
        call = getter(session, f"{base}{path}?year={args.year}", headers)
        timings[level] = summary(timed(call, repeat=args.pages, warmup=3))
    return timings


def measure_writes(base: str, token: str, url: str, args) -> dict:
    """Donation POSTs through the API with 1 and with 8 clients, anonymous; and with 8 clients
    naming donors of the branch's county (the donor counts kept too)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT b.id, array(SELECT d.id FROM funds_donor d"
            " WHERE d.region_id = left(b.region_id, 6) ORDER BY d.id LIMIT 50)"
            " FROM orgs_branch b WHERE b.status = 'active' ORDER BY random() LIMIT 2000"
        )
        donors = dict(cursor.fetchall())
    branches = list(donors)
    writes = {
        f"clients_{clients}": donation_writes(
            base, token, branches, clients=clients, seconds=args.write_seconds, dsn=url
        )
        for clients in (1, 8)
    }
    writes["clients_8_donors"] = donation_writes(
        base, token, branches, clients=8, seconds=args.write_seconds, dsn=url, donors=donors
    )
    return writes


def measure_baseline(url: str, regions: dict, rollups: dict, args) -> tuple[dict, dict]:
    """The baseline's time per level, and whether it confirms every figure of the API."""
    timings, checked = {}, {}
    with _read_only(url) as database:
        for level, code in regions.items():
            with database.cursor() as cursor:
                results = baseline.run(cursor, code, args.year)
            database.rollback()
            found = baseline.differences(
                baseline.api_figures(rollups[level]), baseline.figures(results)
            )
            checked[level] = {"differences": len(found), "examples": found[:3]}
            timings[level] = summary(
                timed(
                    lambda code=code: _baseline_once(database, code, args.year),
                    repeat=args.baseline_repeat,
                    warmup=1,
                    budget=300,
                )
            )
    return timings, checked


def _baseline_once(database, code: str, year: int) -> None:
    """One run of the baseline queries, in one transaction like the rollup's."""
    with database.cursor() as cursor:
        baseline.run(cursor, code, year)
    database.rollback()


def measure_in_process(regions: dict, args) -> dict:
    """``region_rollup`` called in this process: the rollup's SQL without HTTP and DRF."""
    from orgs.models import Region
    from reports.rollups import region_rollup

    timings = {}
    for level, code in regions.items():
        region = Region.objects.get(code=code) if code else None
        timings[level] = summary(
            timed(
                lambda region=region: region_rollup(region=region, year=args.year),
                repeat=min(args.repeat, 50),
                warmup=3,
            )
        )
    return timings


def measure_compliance(regions: dict, args) -> dict:
    """The 组织生活 panel's compliance per child (``life.selectors.compliance_by_child``, which
    reads the branches, their requirements and the year's activities) for the superuser."""
    from django.contrib.auth import get_user_model

    from life.selectors import compliance_by_child

    user = get_user_model().objects.get(username=USERNAME)
    timings = {}
    for level, code in regions.items():
        timings[level] = summary(
            timed(
                lambda code=code: compliance_by_child(user=user, code=code, year=args.year),
                repeat=min(args.repeat, 20),
                warmup=2,
            )
        )
    return timings


def run_verify_rollups(url: str) -> dict:
    """``manage.py verify_rollups`` over the whole data set: its time and its differences."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", "verify_rollups", "--skip-checks"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    # On differences it prints one line for each and exits 1; else one line of success.
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "exit_code": done.returncode,
        "differences": len(lines) if done.returncode else 0,
        "message": (done.stderr.strip().splitlines() or lines or [""])[-1],
    }


def scaling_check(url: str, token: str, regions: dict, results: dict, args) -> dict:
    """The rollup API and the baseline on the data set and on a copy of it with a tenth of the
    donations, taking turns (the copy holds the harness's account and token too)."""
    full_count = results["data"]["donations"]
    small_count = max(full_count // 10, 1)
    copy = _database_url(url, _name(url) + "_scaling")
    _create_copy(url, copy)
    try:
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 (fixed command)
            [
                sys.executable,
                "manage.py",
                "bench_data",
                "--donations",
                str(small_count),
                "--skip-checks",
            ],
            cwd=BASE_DIR,
            env={**os.environ, "DATABASE_URL": copy, "DEBUG": "1"},
            check=True,
        )
        regenerated = round(time.perf_counter() - started, 1)
        with (
            Gunicorn(url, workers=args.workers) as full,
            Gunicorn(copy, workers=args.workers) as small,
        ):
            api = _alternated_rollups(
                {"full": full.base, "small": small.base}, token, regions, args
            )
        raw = _alternated_baselines({"full": url, "small": copy}, regions, args)
    finally:
        _drop_copy(url, copy)
    return {
        "donations_small": small_count,
        "donations_full": full_count,
        "regenerated_seconds": regenerated,
        "rollup_api": api,
        "baseline": raw,
    }


def _alternated_rollups(bases: dict[str, str], token: str, regions: dict, args) -> dict:
    session = requests.Session()
    headers = {"Authorization": f"Token {token}"}
    timings = {}
    for level, code in regions.items():
        calls = {
            name: getter(session, base + rollup_path(code, args.year), headers)
            for name, base in bases.items()
        }
        samples = alternated(calls, repeat=args.repeat, warmup=10)
        timings[level] = {name: summary(series) for name, series in samples.items()}
    return timings


def _alternated_baselines(urls: dict[str, str], regions: dict, args) -> dict:
    timings = {}
    with ExitStack() as stack:
        databases = {name: stack.enter_context(_read_only(url)) for name, url in urls.items()}
        for level, code in regions.items():
            calls = {
                name: lambda database=database, code=code: _baseline_once(database, code, args.year)
                for name, database in databases.items()
            }
            samples = alternated(calls, repeat=args.baseline_repeat, warmup=1, budget=300)
            timings[level] = {name: summary(series) for name, series in samples.items()}
    return timings


@contextmanager
def _read_only(url: str):
    """A REPEATABLE READ, read-only connection, like the rollup's snapshot."""
    with closing(psycopg2.connect(url)) as database:
        database.set_session(isolation_level="REPEATABLE READ", readonly=True)
        yield database


def _database_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _create_copy(url: str, copy: str) -> None:
    """CREATE DATABASE … TEMPLATE: a file copy of the benchmark database (no one connected)."""
    source, target = (sql.Identifier(_name(u)) for u in (url, copy))
    with _maintenance(url) as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(target))
        cursor.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(target, source)
        )


def _drop_copy(url: str, copy: str) -> None:
    with _maintenance(url) as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(_name(copy))))


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


@contextmanager
def _maintenance(url: str):
    """An autocommit cursor on the server's ``postgres`` database."""
    with closing(psycopg2.connect(_database_url(url, "postgres"))) as database:
        database.autocommit = True
        with database.cursor() as cursor:
            yield cursor


def last_generation() -> dict | None:
    """The newest bench/results/data-*.json that ``bench_data`` wrote, with its name."""
    files = sorted(RESULTS.glob("data-*.json"), key=lambda path: path.stat().st_mtime)
    if not files:
        return None
    return {"file": files[-1].name, **json.loads(files[-1].read_text())}


def write_results(results: dict, path: Path) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main()
