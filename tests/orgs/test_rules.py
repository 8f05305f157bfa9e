"""orgs.rules: the branch rules other records' services and imports share."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from core.services import constraint_message
from orgs.choices import BranchStatus
from orgs.models import Branch
from orgs.rules import branch_open_errors


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# No database: a query would raise.


@pytest.mark.parametrize(
    ("status", "refused"), [(BranchStatus.ACTIVE, False), (BranchStatus.DISSOLVED, True)]
)
def test_a_dissolved_branch_takes_no_new_records(status, refused):
    expected = ["A dissolved branch takes no new records."] if refused else []
    assert branch_open_errors(SimpleNamespace(status=status)) == expected


def test_constraint_message_is_the_named_constraints_own():
    message = constraint_message(Branch, "dissolved_after_founded")
    constraint = next(c for c in Branch._meta.constraints if c.name.endswith("_after_founded"))
    assert message == str(constraint.violation_error_message)
