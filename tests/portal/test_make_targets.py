"""Every target of `make help` works on a fresh clone, as a new user types it.

The clone gets its own embedded PostgreSQL server under its ``var/`` (no DATABASE_URL), as on
a new machine. It shares this checkout's virtual environment: ``make install`` itself is run
by ``.ci/run`` on every clean clone, so ``-o`` tells make the environment is up to date
rather than installing the packages a second time. The benchmark targets use a database of
their own on the PostgreSQL service, with small sizes: the test checks that they run, the
figures are measured by ``make bench``.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.prefix)

# Targets that start a process which runs until it is stopped or for a fixed long time,
# with the reason; the rest are all run below.
LONG_RUNNING = {
    "demo": "serves the portal until Ctrl-C",
    "worker": "runs the background worker until it is stopped",
    "test": "the suite itself",
    "loadtest": "drives a server with wrk for a minute",
}
#: The benchmark targets' own database, dropped before the clone's run (it is the test's: a
#: database left by an earlier checkout may hold other migrations).
BENCH_SERVER = "postgres://postgres@127.0.0.1:5432"
BENCH_DATABASE = "bench_make_targets"
# Run by .ci/run on every clean clone before the suite starts.
RUN_BY_CI = {"install"}

ARGUMENTS = {
    "bench-import": ["IMPORT_BENCH_ARGS=--rows 2000"],
    "drill": ["DRILL_ARGS=--seconds 6 --writers 2"],
    "bench-data": ["SCALE=province"],
    "bench-vintage": ["VINTAGE_SCALE=province"],
    "bench": [
        "BENCH_ARGS=--repeat 3 --pages 2 --baseline-repeat 1 --write-seconds 1 --skip-scaling"
    ],
}

pytestmark = pytest.mark.skipif(
    not (ROOT / ".git").exists(), reason="needs the git repository to clone"
)


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A fresh clone of this checkout's HEAD; its embedded server is stopped afterwards."""
    drop_bench_database()
    path = tmp_path_factory.mktemp("clone") / "portal"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(path)], check=True)  # noqa: S603, S607
    yield path
    if (path / "var" / "pgdata" / "postmaster.pid").exists():
        make(path, "stop-db")


def drop_bench_database() -> None:
    connection = psycopg2.connect(f"{BENCH_SERVER}/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
    finally:
        connection.close()


def environment(clone: Path) -> dict:
    """The user's shell: no settings of the suite, a benchmark database of its own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
        and not key.startswith(("PYTEST", "DJANGO_ALLOW"))
    }
    env["BENCH_DATABASE_URL"] = f"{BENCH_SERVER}/{BENCH_DATABASE}"
    # Dropped and made again by the target itself.
    env["BENCH_VINTAGE_DATABASE_URL"] = f"{BENCH_SERVER}/{BENCH_DATABASE}_vintage"
    env["ROUNDS"] = "2"  # bench-pages, bench-personal: requests per page
    return env


def make(clone: Path, target: str, *arguments: str, venv: Path = VENV, check=True):
    """Run ``make TARGET`` in the clone; fail with make's output when it fails."""
    result = subprocess.run(  # noqa: S603
        ["make", f"VENV={venv}", "-o", f"{venv}/.installed", target, *arguments],  # noqa: S607
        cwd=clone,
        env=environment(clone),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if check:
        assert result.returncode == 0, f"make {target}\n{result.stdout[-4000:]}{result.stderr}"
    return result


def help_targets(clone: Path) -> list[str]:
    return re.findall(r"^\s+make (\S+)", make(clone, "help").stdout, flags=re.MULTILINE)


def test_help_lists_every_documented_target(clone):
    targets = help_targets(clone)
    assert {"help", "setup", "demo", "test", "stop-db", "clean"} <= set(targets)
    assert set(LONG_RUNNING) | RUN_BY_CI <= set(targets)


def test_every_target_of_make_help_works_on_a_fresh_clone(clone):
    order = [
        "help",
        "setup",  # first: the targets below need its data
        "bench-pages",
        "bench-personal",
        "bench-import",
        "api-client",
        "drill",
        "backup",
        "restore",
        "lint",
        "messages",
        "bench-data",
        "bench",
        "bench-vintage",
        "stop-db",
        "clean",
    ]
    targets = help_targets(clone)
    untested = set(targets) - set(order) - set(LONG_RUNNING) - RUN_BY_CI
    assert not untested, f"add these targets to the test: {untested}"
    dump = clone / "var" / "make-targets.dump"
    for target in order:
        if target == "backup":
            make(clone, target, f"FILE={dump}")
            assert dump.stat().st_size > 0
        elif target == "drill":  # exits non-zero on its own when a donation is lost
            output = make(clone, target, *ARGUMENTS[target]).stdout
            assert re.search(r"^lost: 0 +doubled: 0", output, flags=re.MULTILINE), output
        elif target == "restore":
            assert "restored from" in make(clone, target, f"FILE={dump}").stdout
        elif target == "clean":
            scratch = clone / ".venv-scratch"
            scratch.mkdir()
            make(clone, target, venv=scratch)
            assert not scratch.exists() and not (clone / "var").exists()
        else:
            make(clone, target, *ARGUMENTS.get(target, []))
        if target == "stop-db":
            assert not (clone / "var" / "pgdata" / "postmaster.pid").exists()


def test_clean_stops_a_running_server_before_it_deletes_its_data(clone):
    make(clone, "help")
    # Starts the clone's embedded server.
    url = subprocess.run(
        [sys.executable, "manage.py", "embedded_db", "url"],
        cwd=clone,
        env=environment(clone),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert url.startswith("postgres://")
    pid_file = clone / "var" / "pgdata" / "postmaster.pid"
    pid = int(pid_file.read_text().splitlines()[0])
    assert running(pid)
    scratch = clone / ".venv-scratch"
    scratch.mkdir(exist_ok=True)
    # clean's venv has no Python here (as after a removed venv): it signals the postmaster.
    make(clone, "clean", venv=scratch)
    assert not (clone / "var").exists()
    assert not running(pid)


def running(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
