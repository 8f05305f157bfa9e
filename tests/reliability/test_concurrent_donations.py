"""Money is never lost or doubled: concurrent donations over HTTP, with retries and reversals.

200 donations posted by 16 clients at once to the portal served over real HTTP (live_server,
committed transactions, PostgreSQL), a quarter of them retried with the same Idempotency-Key
(the retry often racing the first request), refused requests mixed in, and reversals (each
tried twice) while the posts go on. Afterwards every acknowledged donation exists exactly
once, nothing refused exists, and every rollup equals a sum computed by SQL from the rows.
"""

import random
import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import pytest
import requests
from django.core.management import call_command
from django.db import connection
from rest_framework.authtoken.models import Token

from funds.models import Donation
from orgs.models import Region
from tests.conftest import JIAN, JIZHOU, QINGYUAN, make_user
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db(transaction=True)

DONATIONS = 200
CLIENTS = 16
RETRIED = 50  # keys sent twice
REFUSED = 20  # bodies the portal must refuse
REVERSED = 30  # donations to reverse, if their first answer is the 201 (each sent twice)


@dataclass
class Post:
    key: str
    body: dict
    token: str
    valid: bool
    reverse: bool = False


def townships(county: str, count: int) -> list[str]:
    codes = Region.objects.filter(parent_id=county).order_by("code").values_list("code", flat=True)
    return list(codes[:count])


def plan(tokens: dict[str, str], branches: dict[str, list[int]]) -> list[Post]:
    """The requests, in a fixed random order: new keys, retries, refusals."""
    rng = random.Random(20190909)
    posts = []
    for number in range(DONATIONS):
        county = rng.choice(list(branches))
        cents = rng.randint(1, 50_000_000)
        body = {
            "branch": rng.choice(branches[county]),
            "amount": f"{Decimal(cents) / 100:.2f}",
            "channel": rng.choice(["online", "bank", "cash"]),
            "received_on": rng.choice(["2019-09-09", "2020-02-01", "2020-09-09"]),
        }
        posts.append(Post(f"gift-{number:04d}", body, tokens[county], True, number < REVERSED))
    posts += [Post(p.key, p.body, p.token, True) for p in rng.sample(posts, RETRIED)]
    for number in range(REFUSED):
        county = rng.choice(list(branches))
        bad = {
            "branch": branches[county][0],
            "amount": rng.choice(["-5.00", "0", "1e99", "12.345"]),
            "channel": "bank",
            "received_on": "2019-09-09",
        }
        posts.append(Post(f"refused-{number:04d}", bad, tokens[county], False))
    rng.shuffle(posts)
    return posts


class Client:
    """One HTTP session per worker thread, like separate client processes."""

    local = threading.local()

    def __init__(self, server: str):
        self.server = server

    def post(self, path: str, body: dict, token: str, key: str | None = None):
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        headers = {"Authorization": f"Token {token}", "Accept-Language": "en"}
        if key:
            headers["Idempotency-Key"] = key
        return self.local.session.post(
            f"{self.server}{path}", json=body, headers=headers, timeout=120
        )


def test_concurrent_donations_retries_and_reversals_lose_and_double_nothing(live_server):
    users = {
        county: make_user(f"cashier-{county}", region=county, role="staff")
        for county in (QINGYUAN, JIZHOU)
    }
    tokens = {county: Token.objects.create(user=user).key for county, user in users.items()}
    branches = {
        county: [BranchFactory(region_id=code).pk for code in townships(county, 3)]
        for county in (QINGYUAN, JIZHOU)
    }
    client = Client(live_server.url)
    answers: dict[str, list] = defaultdict(list)
    reversals: list = []

    def run(post: Post):
        response = client.post("/api/v1/donations/", post.body, post.token, post.key)
        answers[post.key].append(response)
        if post.reverse and response.status_code == 201:
            path = f"/api/v1/donations/{response.json()['id']}/reverse/"
            with ThreadPoolExecutor(max_workers=2) as pair:  # the two race each other
                reversals.extend(
                    pair.map(
                        lambda _: client.post(path, {"reason": "录入错误"}, post.token), range(2)
                    )
                )

    posts = plan(tokens, branches)
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(run, posts))

    statuses = Counter(r.status_code for rs in answers.values() for r in rs)
    acknowledged = {}
    for key, responses in answers.items():
        codes = sorted(r.status_code for r in responses)
        if key.startswith("refused-"):
            assert codes == [400], (key, codes)
            assert responses[0].json()["code"] == "invalid"
            continue
        assert codes == [200] * (len(codes) - 1) + [201], (key, codes)
        assert len({r.json()["id"] for r in responses}) == 1, key
        acknowledged[key] = responses[0].json()
    reversal_codes = Counter(r.status_code for r in reversals)
    print(
        f"\nconcurrent donations: {len(posts)} POSTs from {CLIENTS} clients "
        f"({DONATIONS} new, {RETRIED} retries, {REFUSED} refused), answers {dict(statuses)}; "
        f"{len(acknowledged)} acknowledged; reversals {len(reversals)} sent, answers {dict(reversal_codes)}"
    )

    rows = {d.idempotency_key: d for d in Donation.objects.filter(reverses__isnull=True)}
    assert set(rows) == set(acknowledged)  # every acknowledged one, and nothing else
    for key, answer in acknowledged.items():
        assert rows[key].pk == answer["id"]
        assert str(rows[key].amount) == answer["amount"]
    assert not Donation.objects.filter(idempotency_key__startswith="refused-").exists()
    # Each reversal was sent twice at once: one records it, the other is refused.
    assert reversal_codes[201] == reversal_codes[400] == len(reversals) // 2 > 0
    reversed_rows = Donation.objects.filter(reverses__isnull=False)
    assert reversed_rows.count() == reversal_codes[201]
    assert all(r.amount == -r.reverses.amount for r in reversed_rows.select_related("reverses"))

    compared = compare_rollups_with_sql(users, tokens, live_server.url)
    print(f"rollups compared with SQL sums: {compared} (region, year) pairs, all equal")
    call_command("verify_rollups")  # the summaries rebuilt from the rows: no difference


def sql_sum(code: str, year: int) -> Decimal:
    """The cash booked in ``year`` under ``code``: a correction (冲正) in its original's year,
    any other entry in its own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(d.amount), 0) FROM funds_donation d "
            "LEFT JOIN funds_donation o ON o.id = d.reverses_id AND d.reversal_kind = 'correction' "
            "WHERE d.region_code LIKE %s AND d.kind = 'cash' "
            "AND extract(year FROM coalesce(o.received_on, d.received_on)) = %s",
            [code + "%", year],
        )
        return cursor.fetchone()[0]


def compare_rollups_with_sql(users, tokens, server) -> int:
    root = make_user("rollup-root", region=None, role="admin", is_superuser=True, is_staff=True)
    headers = {"Authorization": f"Token {Token.objects.create(user=root).key}"}
    codes = [JIAN, QINGYUAN, JIZHOU, *townships(QINGYUAN, 3), *townships(JIZHOU, 3)]
    compared = 0
    for code in codes:
        for year in (2019, 2020):
            rollup = requests.get(
                f"{server}/api/v1/regions/{code}/rollup/",
                params={"year": year},
                headers=headers,
                timeout=60,
            ).json()
            assert Decimal(rollup["donations"]["amount"]) == sql_sum(code, year), (
                code,
                year,
                rollup["donations"],
            )
            for child in rollup["children"]:
                assert Decimal(child["donations"]["amount"]) == sql_sum(child["code"], year), (
                    child["code"],
                    year,
                )
                compared += 1
            compared += 1
    return compared
