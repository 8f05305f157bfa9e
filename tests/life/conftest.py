"""Fixtures of the branch-life tests: the usual kinds, the default standard's requirements."""

import pytest

from life.models import ActivityKind, Requirement
from orgs.models import Standard


@pytest.fixture
def council(db):
    """理事会, set everywhere (the data migration's kind; a committing test's flush removes it)."""
    return ActivityKind.objects.get_or_create(name="理事会", region=None)[0]


@pytest.fixture
def training(db):
    return ActivityKind.objects.get_or_create(name="培训", region=None)[0]


@pytest.fixture
def six_haves(db):
    return Standard.objects.get(code="six-haves")


@pytest.fixture
def monthly_council(six_haves, council):
    """The default standard asks for a council meeting every month."""
    return Requirement.objects.create(
        standard=six_haves, kind=council, frequency="monthly", minimum=1
    )


@pytest.fixture
def quarterly_training(six_haves, training):
    """…and two trainings every quarter."""
    return Requirement.objects.create(
        standard=six_haves, kind=training, frequency="quarterly", minimum=2
    )
