"""Server time of the dashboard pages on the demo data (issue target: under 200 ms).

Run after `make setup` (or `make demo`): `DEBUG=0 SECRET_KEY=x .venv/bin/python bench/demo_pages.py`.
Requests go through the whole Django stack in-process (middleware, sessions, templates,
queries), without a network or a browser; prints median, p95 and the query count per page.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.sessions import verified_session  # noqa: E402
from orgs.models import Branch  # noqa: E402
from portal.models import User  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "30"))


def measure(client: Client, url: str) -> tuple[float, float, int]:
    """Median and p95 in milliseconds over ROUNDS requests, and the queries of one."""
    client.get(url)  # warm caches and templates
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


def main() -> None:
    tianyu_branch = Branch.objects.filter(region_id="360803100", kind="township").first()
    pages = [
        ("admin", "/?year=2019", "全国 country"),
        ("admin", "/regions/36/?year=2019", "江西省 province"),
        ("jian", "/?year=2019", "吉安市 city"),
        ("jian", "/regions/360803/?year=2019", "青原区 county"),
        ("jian", "/regions/360803100/?year=2019", "天玉镇 township"),
        ("jian", "/regions/3608/gaps/?level=community", "gaps"),
        ("jian", f"/branches/{tianyu_branch.pk}/", "branch"),
    ]
    print(f"{'page':<22}{'url':<40}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
    clients = {}
    for username, url, label in pages:
        if username not in clients:
            clients[username] = Client()
            session = verified_session(User.objects.get(username=username))
            clients[username].cookies[settings.SESSION_COOKIE_NAME] = session
        median, p95, queries = measure(clients[username], url)
        print(f"{label:<22}{url:<40}{median:>10.1f}{p95:>9.1f}{queries:>9}")


if __name__ == "__main__":
    main()
