"""The portal under gunicorn on 127.0.0.1, as production runs it, for the HTTP measurements."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, *, conn_max_age: int) -> dict[str, str]:
    """Production settings (DEBUG off) over plain HTTP on loopback, with no request throttle.

    The throttles would answer 429 to a load test of one account; static files come from the
    app folders, as no collectstatic manifest is needed to serve the pages' HTML.
    """
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        # The harness signs the dashboard session with the same key.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "CONN_MAX_AGE": str(conn_max_age),
        "API_THROTTLE_USER": "100000000/min",
        "API_THROTTLE_ANON": "100000000/min",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "ERROR",
    }


class Gunicorn:
    """A gunicorn master with ``workers`` sync workers, started and stopped by this process."""

    def __init__(self, database_url: str, *, workers: int, conn_max_age: int = 60, **settings: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.environment = server_environment(database_url, conn_max_age=conn_max_age)
        self.environment.update(settings)  # further settings, e.g. DATABASE_REPLICA_URL
        self.health: dict = {}

    def __enter__(self) -> "Gunicorn":
        command = [
            str(GUNICORN),
            "portal.wsgi",
            f"--workers={self.workers}",
            f"--bind=127.0.0.1:{self.port}",
            "--timeout=300",
            "--log-level=warning",
        ]
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(  # noqa: S603 (fixed command)
            command, cwd=BASE_DIR, env=self.environment, stdout=self.log, stderr=self.log
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        self.log.close()

    def output(self) -> str:
        """What gunicorn wrote (errors and warnings), for a failure's message."""
        self.log.seek(0)
        return self.log.read()[-2000:]

    def _wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.output()}")
            try:
                answer = requests.get(f"{self.base}/healthz", timeout=timeout)
            except requests.ConnectionError:
                time.sleep(0.2)
                continue
            # Serving is enough; a 503 (e.g. a migration not applied yet) is recorded.
            self.health = {"http_status": answer.status_code, **answer.json()}
            return
        raise RuntimeError(f"gunicorn did not answer /healthz in time: {self.output()}")

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker process, in MB (from /proc)."""
        sizes = []
        for pid in _children(self.process.pid):
            status = Path(f"/proc/{pid}/status").read_text()
            kilobytes = next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
            sizes.append(round(kilobytes / 1024, 1))
        return sizes


def _children(parent: int) -> list[int]:
    """Process ids whose parent is ``parent``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found
