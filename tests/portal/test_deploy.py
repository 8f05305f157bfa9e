"""Production settings: `manage.py check --deploy` is clean, and secrets are required."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def test_database_url(db) -> str:
    """The test database's URL: the model checks ask the server for its version."""
    from django.db import connection

    from portal.embedded import settings_url

    return settings_url(connection.settings_dict)


def test_production_settings_pass_check_deploy_without_warnings(test_database_url):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.gov.cn",
        DATABASE_URL=test_database_url,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_every_page_carries_the_security_headers(client, db):
    response = client.get("/healthz")
    policy = response.headers["Content-Security-Policy"]
    script_src = policy.split("script-src")[1].split(";")[0]
    assert script_src.strip().startswith("'self'")
    assert "unsafe-inline" not in script_src
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_connections_set_pgtrigger_ignore_so_triggers_skip_the_exception_path(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pgtrigger.ignore', true)")
        assert cursor.fetchone()[0] == "{}"


def test_code_only_commands_run_without_the_deployment_secret(test_database_url):
    result = run_manage(
        "makemigrations", "--check", "--dry-run", DEBUG="false", DATABASE_URL=test_database_url
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_embedded_db_runs_without_the_deployment_secret():
    """`make stop-db` and `make clean` run `embedded_db stop` with neither DEBUG nor SECRET_KEY."""
    result = run_manage("embedded_db", "--help", DEBUG="false")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "stop" in result.stdout
