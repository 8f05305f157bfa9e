"""Load test: dashboards, rollup reads and donation writes against gunicorn on loopback.

`make loadtest` (or `.venv/bin/python bench/loadtest.py [--duration 60] [--connections 16]
[--workers 4]`). It sets up its own database (LOADTEST_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/loadtest; the name must contain "loadtest"): migrate, the
region tree and the demo data, all idempotent. Then it starts gunicorn with production
settings on 127.0.0.1, drives it with wrk for the given time with a mix of

- 40 % dashboard pages (青原区, its townships, 吉安市; signed in as the county staffer),
- 40 % rollup API reads (`/api/v1/regions/<code>/rollup/?year=...`, token),
- 20 % donation POSTs, each with its own Idempotency-Key,

prints requests per second, p50/p95/p99 latency and the errors (answers other than 2xx, and
socket errors), checks that every acknowledged donation is in the database exactly once,
stops gunicorn, and writes the figures to bench/results/loadtest-<time>.json. The API
throttle is raised for the run: it measures capacity, not the throttle. Needs `wrk`.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import closing
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/loadtest"

LUA = r"""
-- One request in five records a donation, two read a rollup, two open a dashboard.
local token, session, run = "%(token)s", "%(session)s", "%(run)s"
local branches = {%(branches)s}
local codes = {%(codes)s}
local pages = {%(pages)s}
local threads = {}
local counter, number = 0, 0
statuses = {}  -- a global: done() reads each thread's through thread:get

function setup(thread)
  number = number + 1
  thread:set("id", number)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  math.randomseed(id * 7919)
end

function request()
  counter = counter + 1
  local pick = counter %% 5
  if pick == 0 then
    local body = string.format(
      '{"branch": %%d, "amount": "%%d.%%02d", "channel": "online", "received_on": "2026-09-09"}',
      branches[math.random(#branches)], math.random(1, 5000), math.random(0, 99))
    return wrk.format("POST", "/api/v1/donations/", {
      ["Authorization"] = "Token " .. token,
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = string.format("%%s-%%d-%%d", run, id, counter),
    }, body)
  elseif pick == 1 or pick == 3 then
    local path = string.format("/api/v1/regions/%%s/rollup/?year=%%d",
      codes[math.random(#codes)], 2019 + math.random(0, 1))
    return wrk.format("GET", path, {["Authorization"] = "Token " .. token})
  else
    return wrk.format("GET", pages[math.random(#pages)], {["Cookie"] = "sessionid=" .. session})
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, count in pairs(counts) do
      merged[tostring(status)] = (merged[tostring(status)] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%%s": %%d', status, count))
  end
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%.3f, "p50_ms": %%.2f, "p95_ms": %%.2f, '
    .. '"p99_ms": %%.2f, "max_ms": %%.2f, "socket_errors": %%d, "statuses": {%%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, table.concat(parts, ", ")))
end
"""


def main() -> None:
    options = parse_arguments()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    url = os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_URL)
    environment = server_environment(url)
    create_database(url)
    prepare(environment)
    fixture = credentials(environment)
    with gunicorn(environment, options) as base:
        result = drive(base, fixture, options)
    stored = stored_donations(url, fixture["run"])
    report(result, stored, fixture, options)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--connections", type=int, default=16, help="open connections (16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--port", type=int, default=8765)
    return parser.parse_args()


def server_environment(url: str) -> dict[str, str]:
    """Production settings on loopback: no TLS redirect, a fresh key, a raised API throttle."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("LOADTEST_SECRET_KEY", secrets.token_urlsafe(50)),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "API_THROTTLE_USER": "1000000/min",
        "API_THROTTLE_ANON": "1000000/min",
        # Templates name static files; the manifest storage would need collectstatic first.
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "ERROR",
    }


def create_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "loadtest" not in name:
        sys.exit(f"The load test database's name must contain 'loadtest', not {name!r}.")
    with closing(psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created database {name}")


def manage(environment: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def prepare(environment: dict) -> None:
    """Migrate, load the regions and the demo data (each idempotent)."""
    print("preparing the loadtest database (migrate, regions, demo data) ...", flush=True)
    manage(environment, "migrate", "--no-input")
    manage(environment, "load_regions")
    manage(environment, "load_regions", "--levels", "5", "--province", "3608")
    manage(environment, "seed_demo")


SHELL = """
import json
from portal.tokens import api_token_issue
from bench.sessions import verified_session
from orgs.models import Branch, Region
from portal.models import User
user = User.objects.get(username="qingyuan")
session_key = verified_session(user)
branches = list(Branch.objects.within("360803").filter(status="active")
                .values_list("pk", flat=True)[:20])
townships = list(Region.objects.filter(parent_id="360803").values_list("code", flat=True)[:8])
print(json.dumps({"token": api_token_issue(user=user, name="loadtest")[1],
                  "session": session_key, "branches": branches,
                  "townships": townships}))
"""


def credentials(environment: dict) -> dict:
    """The county staffer's token and a signed-in session, branches and codes to use."""
    output = manage(environment, "shell", "--no-imports", "-c", SHELL)
    fixture = json.loads(output.strip().splitlines()[-1])
    fixture["run"] = "load-" + datetime.now().strftime("%Y%m%d%H%M%S")
    return fixture


class gunicorn:
    """gunicorn serving the portal on 127.0.0.1, started and stopped around the run."""

    def __init__(self, environment: dict, options: argparse.Namespace):
        self.environment = environment
        self.options = options
        self.base = f"http://127.0.0.1:{options.port}"

    def __enter__(self) -> str:
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{self.options.port}",
            "--workers",
            str(self.options.workers),
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.environment)  # noqa: S603
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return self.base
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        sys.exit("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def drive(base: str, fixture: dict, options: argparse.Namespace) -> dict:
    codes = ["360803", *fixture["townships"][:4]]  # the staffer's county and its townships
    pages = ["/regions/360803/", "/", *(f"/regions/{code}/" for code in fixture["townships"][:4])]
    script = LUA % {
        "token": fixture["token"],
        "session": fixture["session"],
        "run": fixture["run"],
        "branches": ", ".join(map(str, fixture["branches"])),
        "codes": ", ".join(f'"{code}"' for code in codes),
        "pages": ", ".join(f'"{page}"' for page in pages),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    print(
        f"wrk: {options.duration} s, {options.connections} connections, {options.threads} "
        f"threads, gunicorn {options.workers} workers on {base}",
        flush=True,
    )
    run = subprocess.run(  # noqa: S603
        [  # noqa: S607 (wrk from the PATH, checked at start)
            "wrk",
            "-t",
            str(options.threads),
            "-c",
            str(options.connections),
            "-d",
            f"{options.duration}s",
            "--timeout",
            "30s",
            "-s",
            file.name,
            base,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    os.unlink(file.name)
    if run.returncode:
        sys.exit(f"wrk failed:\n{run.stdout}{run.stderr}")
    output = run.stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def stored_donations(url: str, run: str) -> dict:
    """The donations of this run in the database: rows, and keys stored more than once."""
    with closing(psycopg2.connect(url)) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) - count(DISTINCT idempotency_key) FROM funds_donation "
            "WHERE idempotency_key LIKE %s",
            [run + "-%"],
        )
        rows, duplicates = cursor.fetchone()
    return {"rows": rows, "duplicate_keys": duplicates}


def report(result: dict, stored: dict, fixture: dict, options: argparse.Namespace) -> None:
    errors = result["socket_errors"] + sum(
        count for status, count in result["statuses"].items() if not status.startswith("2")
    )
    throughput = result["requests"] / result["seconds"]
    writes = result["statuses"].get("201", 0)
    print(
        f"\n{result['requests']} requests in {result['seconds']:.1f} s: {throughput:.1f} req/s\n"
        f"latency p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.1f} ms\n"
        f"answers {result['statuses']}, socket errors {result['socket_errors']}: "
        f"{errors} errors\n"
        f"donations: {writes} acknowledged (201), {stored['rows']} stored, "
        f"{stored['duplicate_keys']} stored twice (posts in flight when wrk stopped are "
        f"stored but not counted: at most {options.connections})"
    )
    figures = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "options": vars(options),
        **result,
        "errors": errors,
        "throughput_rps": round(throughput, 1),
        "donations_stored": stored,
    }
    out = ROOT / "bench" / "results" / f"loadtest-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"figures written to {out.relative_to(ROOT)}")
    # wrk stops counting at the deadline: posts in flight then are stored but not counted.
    if errors or not writes <= stored["rows"] <= writes + options.connections:
        sys.exit(1)
    if stored["duplicate_keys"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
