"""A database failure in the middle of a donation write leaves nothing behind.

The connection of the request is killed with pg_terminate_backend from another connection
right after the donation's INSERT (and its summary triggers) ran, before the commit. No
donation and no summary row may remain; the client gets a clear JSON error in its language
and records the donation with a retry under the same Idempotency-Key.
"""

import json

import psycopg2
import pytest
import requests
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
)
from rest_framework.authtoken.models import Token

from funds.models import Donation
from funds.summaries import CampaignSummary, DonationSummary
from tests.conftest import QINGYUAN, TIANYU, make_user
from tests.factories import BranchFactory, CampaignFactory

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY_TABLES = [DonationSummary._meta.db_table, CampaignSummary._meta.db_table, "funds_donation"]


def snapshot() -> dict:
    """Every row of the donation and summary tables (one query each)."""
    with connection.cursor() as cursor:
        result = {}
        for table in SUMMARY_TABLES:
            cursor.execute(
                f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t"  # noqa: S608
            )
            result[table] = cursor.fetchone()
        return result


def kill_after_insert(monkeypatch, *, times=1):
    """Once the INSERT has run, end the writing connection from a second connection."""
    original = Donation.save
    kills = []

    def save(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if len(kills) < times:
            pid = connections["default"].connection.info.backend_pid
            settings = connections["default"].get_connection_params()
            with psycopg2.connect(**settings) as killer, killer.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                kills.append(pid)

    monkeypatch.setattr(Donation, "save", save)
    return kills


@pytest.fixture
def cashier():
    user = make_user("failure-cashier", region=QINGYUAN, role="staff")
    return Token.objects.create(user=user).key


@pytest.mark.parametrize(
    "language,phrase", [("zh-hans", "数据库暂时不可用"), ("en", "database is not available")]
)
def test_a_killed_connection_saves_nothing_and_a_retry_records_once(
    live_server, cashier, monkeypatch, language, phrase
):
    branch = BranchFactory(region_id=TIANYU)
    campaign = CampaignFactory(region_id=QINGYUAN)
    body = {
        "branch": branch.pk,
        "amount": "330000.00",
        "channel": "online",
        "received_on": "2020-02-01",
        "campaign": campaign.pk,
    }
    headers = {
        "Authorization": f"Token {cashier}",
        "Idempotency-Key": "covid-2020-0001",
        "Accept-Language": language,
    }
    before = snapshot()
    kills = kill_after_insert(monkeypatch)

    failed = requests.post(
        f"{live_server.url}/api/v1/donations/", json=body, headers=headers, timeout=60
    )

    assert kills, "the hook did not run"
    assert failed.status_code == 503
    assert failed.json()["code"] == "database_unavailable"
    assert phrase in failed.json()["detail"]
    assert snapshot() == before  # no donation, no summary row

    retried = requests.post(
        f"{live_server.url}/api/v1/donations/", json=body, headers=headers, timeout=60
    )
    again = requests.post(
        f"{live_server.url}/api/v1/donations/", json=body, headers=headers, timeout=60
    )
    assert (retried.status_code, again.status_code) == (201, 200)
    assert Donation.objects.get().idempotency_key == "covid-2020-0001"
    assert DonationSummary.objects.get(region_code=TIANYU, year=2020).amount == 330000
    print(
        f"\ndatabase failure ({language}): killed backend {kills[0]}, 503, nothing saved; retry 201, repeat 200"
    )


def test_a_database_error_after_the_insert_without_a_key_saves_nothing(
    client, county_staff, monkeypatch
):
    """The same without an Idempotency-Key, through the test client: an error raised after the
    INSERT, inside the transaction, rolls the donation and its summaries back."""
    branch = BranchFactory(region_id=TIANYU)
    original = Donation.save

    def save(self, *args, **kwargs):
        original(self, *args, **kwargs)
        raise DatabaseError("could not serialize access")

    monkeypatch.setattr(Donation, "save", save)
    client.force_login(county_staff)
    before = snapshot()
    body = {"branch": branch.pk, "amount": "100.00", "channel": "cash", "received_on": "2020-02-01"}
    response = client.post(
        "/api/v1/donations/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert snapshot() == before


def test_a_database_error_on_a_page_is_a_503_page_in_chinese(client, county_staff, monkeypatch):
    from portal import views

    def fail(*args, **kwargs):
        raise OperationalError("connection lost")

    monkeypatch.setattr(views, "branch_get", fail)
    client.raise_request_exception = False
    client.force_login(county_staff)
    response = client.get("/branches/1/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "5"
    assert "数据库暂时无法连接" in response.text


def test_a_database_error_in_the_admin_is_a_503_page_in_english_on_request(
    client, county_staff, monkeypatch
):
    from core.admin import ScopedAdmin

    def fail(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(ScopedAdmin, "get_queryset", fail)
    client.raise_request_exception = False
    client.force_login(county_staff)
    response = client.get("/admin/members/member/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "The database cannot be reached at the moment" in response.text


def test_a_body_too_large_is_a_json_400_and_a_form_body_a_415(client, county_staff, settings):
    client.force_login(county_staff)
    url = "/api/v1/service-records/approve/"
    body = json.dumps({"ids": list(range(settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 7))})
    response = client.post(url, body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    form = "&".join(f"ids={n}" for n in range(1200))
    response = client.post(url, form, content_type="application/x-www-form-urlencoded")
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


def test_a_refused_statement_on_a_page_is_not_called_an_outage(client, county_staff, monkeypatch):
    from portal import views

    def fail(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(views, "branch_get", fail)
    client.raise_request_exception = False
    client.force_login(county_staff)
    assert client.get("/branches/1/").status_code == 500
