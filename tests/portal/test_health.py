"""/healthz: what load balancers poll."""

import pytest
from django.db import DatabaseError

from portal import health

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_the_database_answers_and_is_migrated(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "pending_migrations": 0}


def test_healthz_needs_no_login_and_is_not_cached(client):
    response = client.get("/healthz")
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_is_503_with_pending_migrations(client, monkeypatch):
    monkeypatch.setattr(health, "_pending_migrations", lambda: 2)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["pending_migrations"] == 2


def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    def fail():
        raise DatabaseError("connection lost")

    monkeypatch.setattr(health, "_pending_migrations", fail)
    assert client.get("/healthz").status_code == 503
