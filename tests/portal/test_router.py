"""Reads of the dashboards and the rollup API go to the replica; everything else to the primary.

The replica alias is a TEST MIRROR of the test database (tests/settings.py): its own
connection to the same database, so each connection's captured queries show where every
query ran. The tests commit, so the replica's connection sees what the primary wrote.
"""

from contextlib import ExitStack, contextmanager

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.routers import ReplicaRouter
from funds.models import Donation
from orgs.models import Region
from portal.tokens import api_token_issue
from tests.conftest import JIAN, QINGYUAN, TIANYU
from tests.factories import BranchFactory, DonationFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

#: Tables only the primary may answer for: sessions, accounts, API tokens, lockouts.
PRIMARY_TABLES = ("portal_session", "portal_user", "authtoken_token", "portal_apitoken", "axes_")


@pytest.fixture
def replica(settings):
    settings.REPLICA_DATABASE = "replica"


@contextmanager
def captured():
    """The queries run on each alias, as {alias: [sql, ...]} filled in on exit."""
    found = {}
    with ExitStack() as stack:
        contexts = {
            alias: stack.enter_context(CaptureQueriesContext(connections[alias]))
            for alias in ("default", "replica")
        }
        yield found
    for alias, context in contexts.items():
        found[alias] = [query["sql"] for query in context.captured_queries]


def touches(queries: list[str], *tables: str) -> list[str]:
    return [sql for sql in queries if any(table in sql for table in tables)]


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_dashboard_reads_from_the_replica_and_the_session_from_the_primary(
    replica, client, city_official
):
    DonationFactory(branch=BranchFactory(region_id=TIANYU))
    client.force_login(city_official)
    with captured() as queries:
        response = client.get(f"/regions/{JIAN}/?year=2019")
    assert response.status_code == 200
    assert response.context["rollup"].figures["donations.count"] == 1
    replica_reads = queries["replica"]
    assert touches(replica_reads, "orgs_region")  # the region in scope
    assert touches(replica_reads, "funds_countydonationsummary", "funds_donationmonthsummary")
    assert touches(replica_reads, "orgs_branch")  # the branches registered at the region
    assert not touches(replica_reads, *PRIMARY_TABLES)
    assert touches(queries["default"], "portal_session")
    assert touches(queries["default"], "portal_user")
    assert not touches(queries["default"], "summary", "orgs_region")


def test_rollup_api_reads_from_the_replica_and_the_token_from_the_primary(replica, superuser):
    client = token_client(superuser)
    with captured() as queries:
        response = client.get("/api/v1/rollup/", {"year": 2019})
        regional = client.get(f"/api/v1/regions/{JIAN}/rollup/", {"year": 2019})
    assert (response.status_code, regional.status_code) == (200, 200)
    assert len(touches(queries["replica"], "summary")) == 2 * 9  # nine summary reads each
    assert touches(queries["replica"], "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    assert not touches(queries["replica"], *PRIMARY_TABLES)
    assert touches(queries["default"], "authtoken_token")
    assert not touches(queries["default"], "summary")


def test_a_named_token_is_read_on_the_primary(replica, superuser):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=superuser)[1]}")
    with captured() as queries:
        assert client.get("/api/v1/rollup/", {"year": 2019}).status_code == 200
    assert touches(queries["replica"], "summary")
    assert not touches(queries["replica"], *PRIMARY_TABLES)
    assert touches(queries["default"], "portal_apitoken")


def test_country_dashboard_and_gaps_read_from_the_replica(replica, client, superuser):
    client.force_login(superuser)
    with captured() as queries:
        assert client.get("/?year=2019").status_code == 200
        assert client.get(f"/regions/{QINGYUAN}/gaps/?level=township").status_code == 200
    assert touches(queries["replica"], "orgs_countycoveragesummary")
    assert touches(queries["replica"], "orgs_branch")  # the gaps' units without a branch
    assert not touches(queries["default"], "summary", "orgs_branch")


def test_writes_and_other_reads_stay_on_the_primary(replica, county_staff):
    branch = BranchFactory(region_id=TIANYU)
    client = token_client(county_staff)
    payload = {"branch": branch.pk, "amount": "12.50", "channel": "online"}
    with captured() as queries:
        created = client.post(
            "/api/v1/donations/", {**payload, "received_on": "2024-05-01", "kind": "cash"}
        )
        listed = client.get("/api/v1/donations/")
        detail = client.get(f"/api/v1/donations/{created.json()['id']}/")
    assert (created.status_code, listed.status_code, detail.status_code) == (201, 200, 200)
    assert queries["replica"] == []
    assert touches(queries["default"], 'INSERT INTO "funds_donation"')
    assert Donation.objects.using("default").filter(branch=branch).count() == 1


def test_a_post_to_a_replica_readable_url_stays_on_the_primary(replica, client, superuser):
    client.force_login(superuser)
    with captured() as queries:
        client.post("/?year=2019")
    assert queries["replica"] == []


def test_without_a_replica_every_query_runs_on_the_primary(client, superuser):
    client.force_login(superuser)
    with captured() as queries:
        assert client.get(f"/regions/{JIAN}/?year=2019").status_code == 200
    assert queries["replica"] == []
    assert touches(queries["default"], "summary")


def test_the_router_writes_and_migrates_on_the_primary_only(replica):
    router = ReplicaRouter()
    assert router.db_for_write(Region) == "default"
    assert router.db_for_read(Region) == "default"  # outside a replica-readable request
    assert router.allow_migrate("default", "orgs") is True
    assert router.allow_migrate("replica", "orgs") is False
    on_replica = Region.objects.using("replica").get(code=JIAN)
    on_primary = Region.objects.get(code=QINGYUAN)
    assert router.allow_relation(on_replica, on_primary) is True
