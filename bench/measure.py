"""Timing tools: percentiles, timed HTTP requests, concurrent writers, lock-wait sampling."""

import random
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import psycopg2
import requests


def summary(samples_ms: list[float]) -> dict:
    """Median, 95th and 99th percentiles (nearest rank) of millisecond samples."""
    ordered = sorted(samples_ms)

    def rank(share: float) -> float:
        return round(ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))], 2)

    return {
        "n": len(ordered),
        "median": round(statistics.median(ordered), 2),
        "p95": rank(0.95),
        "p99": rank(0.99),
        "max": round(ordered[-1], 2),
    }


def timed(
    call: Callable[[], object], *, repeat: int, warmup: int, budget: float = 120
) -> list[float]:
    """Milliseconds of up to ``repeat`` calls after ``warmup`` untimed ones.

    Slow calls stop at ``budget`` seconds, with at least five samples.
    """
    for _ in range(warmup):
        call()
    samples = []
    deadline = time.monotonic() + budget
    while len(samples) < repeat and (len(samples) < 5 or time.monotonic() < deadline):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def alternated(
    calls: dict[str, Callable[[], object]], *, repeat: int, warmup: int, budget: float = 240
) -> dict[str, list[float]]:
    """Milliseconds of each call, the calls taking turns so that they share the same load.

    On a machine shared with other work, two series timed one after the other can differ
    by the neighbours' load alone; taking turns makes them comparable.
    """
    for call in calls.values():
        for _ in range(warmup):
            call()
    samples = {name: [] for name in calls}
    deadline = time.monotonic() + budget
    for turn in range(repeat):
        if turn >= 5 and time.monotonic() > deadline:
            break
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def getter(session: requests.Session, url: str, headers: dict) -> Callable[[], dict | str]:
    """A call that GETs ``url`` and fails unless it answers 200; returns JSON or text.

    A redirect fails too: a dashboard that sends to the login page was not measured.
    """

    def call():
        answer = session.get(url, headers=headers, timeout=300, allow_redirects=False)
        if answer.status_code != 200:
            raise RuntimeError(f"GET {url}: {answer.status_code} {answer.text[:200]}")
        if answer.headers.get("Content-Type", "").startswith("application/json"):
            return answer.json()
        return answer.text

    return call


class LockSampler(threading.Thread):
    """Samples the database's active client backends and those waiting on a lock."""

    SQL = """
        SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*)
          FROM pg_stat_activity
         WHERE datname = current_database() AND state = 'active'
           AND backend_type = 'client backend' AND pid <> pg_backend_pid()
    """

    def __init__(self, dsn: str, *, every: float = 0.02):
        super().__init__(daemon=True)
        self.dsn, self.every = dsn, every
        self.waiting = self.active = self.samples = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        connection = psycopg2.connect(self.dsn)
        connection.autocommit = True
        with connection, connection.cursor() as cursor:
            while not self.stopping.is_set():
                cursor.execute(self.SQL)
                waiting, active = cursor.fetchone()
                self.waiting += waiting
                self.active += active
                self.samples += 1
                time.sleep(self.every)
        connection.close()

    def stop(self) -> dict:
        self.stopping.set()
        self.join()
        share = self.waiting / self.active if self.active else 0.0
        return {"samples": self.samples, "lock_wait_share": round(share, 4)}


def donation_writes(
    base: str,
    token: str,
    branches: list[int],
    *,
    clients: int,
    seconds: float,
    dsn: str,
    donors: dict[int, list[int]] | None = None,
) -> dict:
    """``clients`` threads POST donations for ``seconds``; throughput, latency, lock waits.

    With ``donors`` (branch id: ids of donors of its county) every donation names one of them:
    the writes then also keep the donor counts; without, the donations are anonymous."""
    sampler = LockSampler(dsn)
    sampler.start()
    deadline = time.monotonic() + seconds
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        runs = list(
            pool.map(lambda _: _writer(base, token, branches, deadline, donors), range(clients))
        )
    elapsed = time.perf_counter() - started
    latencies = [sample for samples, _ in runs for sample in samples]
    failures = [failure for _, failed in runs for failure in failed]
    if not latencies:
        sampler.stop()
        raise RuntimeError(f"every donation POST failed, e.g. {failures[:1]}")
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "failures": len(failures),
        "per_second": round(len(latencies) / elapsed, 1),
        **summary(latencies),
        **sampler.stop(),
    }


def _writer(
    base: str, token: str, branches: list[int], deadline: float, donors: dict | None
) -> tuple[list, list]:
    """One client: POST donations until the deadline; its latencies and its failed answers."""
    session = requests.Session()
    headers = {"Authorization": f"Token {token}"}
    pick = random.Random()  # noqa: S311 (spreads writes over branches, not security)
    latencies, failures = [], []
    while time.monotonic() < deadline:
        payload = {
            "branch": pick.choice(branches),
            "amount": f"{pick.randint(1, 100000) / 100:.2f}",
            "channel": "online",
            "received_on": date.today().isoformat(),
            "kind": "cash",
        }
        if donors and donors.get(payload["branch"]):
            payload["donor"] = pick.choice(donors[payload["branch"]])
        started = time.perf_counter()
        answer = session.post(f"{base}/api/v1/donations/", json=payload, headers=headers)
        if answer.status_code == 201:
            latencies.append((time.perf_counter() - started) * 1000)
        else:
            failures.append(f"{answer.status_code} {answer.text[:200]}")
    return latencies, failures
