"""The suite's vocabulary: the real region tree, and personas with their scopes."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.management import call_command
from pytest_django.fixtures import validate_django_db
from pytest_django.plugin import pytest_collection_modifyitems as order_like_django

from core.access import UserRole
from history.audit_trail import ensure_partitions
from orgs.models import Region
from portal.models import User
from tests.contract import VALIDATED, ContractClient

TIANYU = "360803100"  # 天玉镇, a town of 青原区
QINGYUAN = "360803"  # 青原区, a county of 吉安市
JIZHOU = "360802"  # 吉州区, the sibling county
JIAN = "3608"  # 吉安市
JIANGXI = "36"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run committing tests after the rolled-back ones, as pytest-django orders them.

    Other plugins (pytest-playwright groups its browser tests) sort after pytest-django; a
    committing test that ran first would flush the region tree from under the rest.
    """
    order_like_django(items)


def load_region_tree():
    """The national levels and Ji'an's villages (idempotent, about two seconds)."""
    call_command("load_regions", stdout=_Null())
    call_command("load_regions", levels="5", province=JIAN, stdout=_Null())


def load_default_standard():
    """The six-haves standard and the usual activity kinds that data migrations install (a
    flush removes them too)."""
    migration = importlib.import_module("orgs.migrations.0002_six_haves_standard")
    migration.forward(django_apps, None)
    kinds = importlib.import_module("life.migrations.0002_follow_branch_moves_and_kinds")
    kinds.forward(django_apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real region tree once for the tests that run in a rolled-back transaction."""
    with django_db_blocker.unblock():
        load_region_tree()
        load_default_standard()
        # The audit trail's partitions of this month and the next, as `prune_audit` makes
        # them daily (a reused test database was migrated on another day).
        ensure_partitions()


@pytest.fixture(autouse=True)
def _region_tree_for_committing_tests(request):
    """Tests that commit end with a flush that empties every table: reload the tree first.

    pytest-django runs these tests after the rolled-back ones, so only they pay for it.
    """
    marker = request.node.get_closest_marker("django_db")
    committing = bool(marker and validate_django_db(marker)[0]) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if committing:
        request.getfixturevalue("_django_db_helper")
        if not Region.objects.filter(code=JIAN).exists():
            load_region_tree()
            load_default_standard()


class _Null:
    def write(self, *args):
        pass


def make_user(username: str, *, region: str | None, role: str, **extra) -> User:
    return User.objects.create_user(
        username=username, password="pw-" + username, region_id=region, role=role, **extra
    )


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", password="pw-root")


@pytest.fixture
def city_official(db):
    """A viewer of 吉安市: reads the whole city."""
    return make_user("jian-official", region=JIAN, role=UserRole.VIEWER, is_staff=True)


@pytest.fixture
def county_staff(db):
    """A staffer of 青原区: reads and writes that county only."""
    return make_user("qingyuan-staff", region=QINGYUAN, role=UserRole.STAFF, is_staff=True)


@pytest.fixture
def outsider(db):
    """A staffer of the sibling county 吉州区: must never see 青原区's records."""
    return make_user("jizhou-staff", region=JIZHOU, role=UserRole.STAFF, is_staff=True)


@pytest.fixture
def county_admin(db):
    """An admin of 青原区: every write role and the county's accounts."""
    return make_user("qingyuan-admin", region=QINGYUAN, role=UserRole.ADMIN, is_staff=True)


@pytest.fixture(autouse=True)
def fresh_throttle_counters():
    """API throttles count in the cache: every test starts with none."""
    cache.clear()


@pytest.fixture
def api():
    """``api(user)``: an API client signed in as ``user``; ``api()`` is anonymous.

    Each API response is checked against the published schema (tests/contract.py).
    """

    def client(user=None, **headers) -> ContractClient:
        result = ContractClient(**headers)
        if user is not None:
            result.force_authenticate(user)
        return result

    return client


def pytest_terminal_summary(terminalreporter):
    if VALIDATED["responses"]:
        terminalreporter.write_line(
            f"openapi-core: {VALIDATED['responses']} API responses validated against the schema"
        )
