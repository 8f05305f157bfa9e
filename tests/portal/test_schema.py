"""The OpenAPI schema: valid, complete, and true to the API (checked by schemathesis)."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.wsgi import application

#: Ten requests per operation, valid and invalid ones, the same on every run (about 30 s).
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"mode": "all", "max-examples": 10, "deterministic": True},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
# Loaded at import time: schemathesis' pytest fixture loader does not work under pytest 9.2.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CONTRACT_PATHS = {
    "/api/v1/auth/token/",
    "/api/v1/me/",
    "/api/v1/rollup/",
    "/api/v1/regions/",
    "/api/v1/regions/{code}/",
    "/api/v1/regions/{code}/rollup/",
    "/api/v1/regions/{code}/rollup.csv",
    "/api/v1/regions/{code}/rollup.xlsx",
    "/api/v1/regions/{code}/coverage-gaps/",
    "/api/v1/branches/{id}/dissolve/",
    "/api/v1/service-records/{id}/approve/",
    "/api/v1/service-records/{id}/decline/",
    "/api/v1/service-records/approve/",
    "/api/v1/donations/{id}/reverse/",
    *(
        f"/api/v1/{name}/{suffix}"
        for name in (
            "branches",
            "members",
            "positions",
            "volunteers",
            "volunteer-teams",
            "service-records",
            "standards",
            "assessments",
            "donors",
            "campaigns",
            "donations",
        )
        for suffix in ("", "{id}/")
    ),
}


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "api.yaml")
    assert (tmp_path / "api.yaml").read_text().startswith("openapi: 3")


def test_the_schema_documents_every_endpoint_of_the_contract():
    assert set(schema.raw_schema["paths"]) >= CONTRACT_PATHS


def test_refused_methods_are_not_documented():
    paths = schema.raw_schema["paths"]
    assert set(paths["/api/v1/donations/{id}/"]) == {"get"}
    assert set(paths["/api/v1/service-records/{id}/"]) == {"get"}
    assert "delete" not in paths["/api/v1/branches/{id}/"]
    assert set(paths["/api/v1/regions/{code}/"]) == {"get"}


def test_every_operation_documents_its_errors_with_the_shared_serializer():
    for path, operations in schema.raw_schema["paths"].items():
        for method, operation in operations.items():
            errors = {code: r for code, r in operation["responses"].items() if code >= "400"}
            expected_auth = path != "/api/v1/auth/token/"
            assert ("401" in errors) is expected_auth, (method, path)
            assert ("403" in errors) is (expected_auth and method != "get"), (method, path)
            assert "429" in errors, (method, path)
            for response in errors.values():
                content = response["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/Error"}, (method, path)


def test_list_filters_are_documented():
    parameters = schema.raw_schema["paths"]["/api/v1/donations/"]["get"]["parameters"]
    names = {parameter["name"] for parameter in parameters}
    assert {"region", "received_after", "received_before", "campaign", "year"} <= names
    assert {"search", "ordering", "page", "page_size"} <= names


@pytest.fixture(scope="module")
def case_count(request):
    """Counts the generated cases and reports the total at the end of the module."""
    counter = {"cases": 0, "operations": set()}
    yield counter
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(
            f"\nschemathesis: {counter['cases']} cases over {len(counter['operations'])} "
            "operations, no server error, every response as documented"
        )


@pytest.fixture
def wsgi_in_transaction():
    """Requests through the WSGI app stay in the test's transaction.

    Django closes the connection when a request ends (CONN_MAX_AGE=0); its test client
    unhooks that, and so must calls made straight to the WSGI application.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def root_token(django_user_model, wsgi_in_transaction):
    cache.clear()
    user = django_user_model.objects.create_superuser("schema-root", password="pw-schema-root")
    return Token.objects.create(user=user).key


@pytest.mark.django_db
@schema.parametrize()
@settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_the_api_conforms_to_its_schema(case, root_token, case_count):
    case_count["cases"] += 1
    case_count["operations"].add(case.operation.label)
    case.call_and_validate(headers={"Authorization": f"Token {root_token}"}, checks=CHECKS)


def test_the_interactive_docs_load_their_script_from_a_url_not_inline(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "<script>" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
