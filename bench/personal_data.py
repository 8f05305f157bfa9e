"""Server time of the pages that carry personal data, on the demo data (`make bench-personal`).

Run after `make setup` (or `make demo`): the county staffer (qingyuan) signs in with password
and authenticator code and opens the dashboard; the member and volunteer lists show ID and
phone numbers (100 rows a page), a member search by full ID number, and the CSV export of
the county's members. Requests go through the whole Django stack in-process (middleware,
sessions, templates, queries) without a network or a browser; prints the median and p95 of
ROUNDS requests (default 20) and the query count of one.
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
# The limit on searches by personal numbers would refuse the repeated search: it measures
# the page, not the limit (each search is still logged).
os.environ.setdefault("PERSONAL_SEARCH_LIMIT", "1000000")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from bench.sessions import authenticator, current_code, verified_session  # noqa: E402
from members.models import Member  # noqa: E402
from portal.models import User  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "20"))
USERNAME, PASSWORD = "qingyuan", "demo-qingyuan-2026"
VERIFY = "/accounts/two-factor/"


def timed(request) -> tuple[float, float, int]:
    """Median and p95 in milliseconds of ``request()`` over ROUNDS, and the queries of one."""
    request()  # warm caches and templates
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        request()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        request()
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)], len(queries)


def login_to_dashboard(user: User) -> None:
    """Password, authenticator code, dashboard: as a person signs in."""
    TOTPDevice.objects.filter(pk=authenticator(user).pk).update(last_t=-1)  # a code per round
    client = Client()
    answer = client.post("/accounts/login/", {"username": USERNAME, "password": PASSWORD})
    assert answer.status_code == 302, answer.status_code
    answer = client.get(answer.url)  # the dashboard asks for the second factor first
    assert answer.url.startswith(VERIFY), answer.url
    answer = client.post(VERIFY, {"code": current_code(user), "next": "/"})
    assert (answer.status_code, answer.url) == (302, "/"), (answer.status_code, answer.url)
    assert client.get("/").status_code == 200


def main() -> None:
    user = User.objects.get(username=USERNAME)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = verified_session(user)
    member = Member.objects.within("360803").exclude(id_number="").first()

    def page(url):
        def get():
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.status_code)
            if answer.streaming:  # an export: its rows are made as they are read
                return b"".join(answer.streaming_content)
            return answer.content

        return get

    checks = [
        ("login to dashboard", lambda: login_to_dashboard(user)),
        ("member list", page("/admin/members/member/")),
        ("volunteer list", page("/admin/members/volunteer/")),
        ("member search by ID", page(f"/admin/members/member/?q={member.id_number}")),
        ("member export (CSV)", page("/admin/members/member/export/?format=csv")),
    ]
    rows = page("/admin/members/member/export/?format=csv")().decode("utf-8-sig").count("\n") - 1
    print(f"members of 青原区 in the export: {rows:,}")
    print(f"{'page':<24}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
    for label, request in checks:
        median, p95, queries = timed(request)
        print(f"{label:<24}{median:>10.1f}{p95:>9.1f}{queries:>9}")


if __name__ == "__main__":
    main()
