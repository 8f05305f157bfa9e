"""Hostile input against the OpenAPI schema: negative cases and stateful sequences.

tests/portal/test_schema.py checks that valid and invalid requests get documented answers;
here schemathesis sends requests that break the schema on purpose (wrong types, missing and
extra fields, out-of-range values, malformed ids and codes) and chains calls (create, then
read, change, act on what was created). Whatever comes in, no answer is a server error.
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance

from portal.wsgi import application
from tests.factories import BranchFactory, DonationFactory, MemberFactory, ServiceRecordFactory

NEGATIVE = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "generation": {"mode": "negative", "max-examples": 15, "deterministic": True},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
STATEFUL = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "generation": {"mode": "all", "deterministic": True},
        "phases": {"stateful": {"enabled": True}},
    }
)
# Loaded at import time: schemathesis' pytest fixture loader does not work under pytest 9.2.
negative = schemathesis.openapi.from_wsgi("/api/schema/", application, config=NEGATIVE)
stateful = schemathesis.openapi.from_wsgi("/api/schema/", application, config=STATEFUL)
CHECKS = [not_a_server_error, content_type_conformance]


@pytest.fixture
def wsgi_in_transaction():
    """Requests through the WSGI app stay in the test's transaction (see test_schema.py)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def root_token(django_user_model, wsgi_in_transaction):
    cache.clear()
    user = django_user_model.objects.create_superuser("hostile-root", password="pw-hostile-root")
    # Records to find, so ids in paths sometimes exist.
    for _ in range(2):
        ServiceRecordFactory(volunteer__team__branch=BranchFactory())
        MemberFactory()
        DonationFactory()
    return Token.objects.create(user=user).key


@pytest.fixture(scope="module")
def counts(request):
    counter = {"negative": 0, "operations": set()}
    yield counter
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(
            f"\nschemathesis negative: {counter['negative']} cases over "
            f"{len(counter['operations'])} operations, no server error"
        )


@pytest.mark.django_db
@negative.parametrize()
@settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_malformed_requests_never_cause_a_server_error(case, root_token, counts):
    counts["negative"] += 1
    counts["operations"].add(case.operation.label)
    case.call_and_validate(headers={"Authorization": f"Token {root_token}"}, checks=CHECKS)


@pytest.mark.django_db
def test_chained_calls_never_cause_a_server_error(root_token):
    steps = {"calls": 0, "statuses": {}}

    class Workflow(stateful.as_state_machine()):
        # Each scenario starts from the same records: what one scenario created or changed
        # is rolled back, so that the links it follows do not depend on the ones before it
        # (Hypothesis replays a scenario's draws and expects the same answers).
        def setup(self):
            self.savepoint = transaction.savepoint_create()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Token {root_token}"}}

        def after_call(self, response, case):
            steps["calls"] += 1
            steps["statuses"][response.status_code] = (
                steps["statuses"].get(response.status_code, 0) + 1
            )

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=[not_a_server_error])

    Workflow.run(
        settings=settings(
            max_examples=60,
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    print(
        f"\nschemathesis stateful: {steps['calls']} calls, statuses {dict(sorted(steps['statuses'].items()))}"
    )
    assert steps["calls"] > 60
