"""The rules of branches that other records' services and imports share.

Like ``funds.rules``: pure functions (no query) returning the messages of the rules
broken, empty when all hold.
"""

from django.db import models
from django.utils.translation import gettext as _

from orgs.choices import BranchStatus


def branch_open_errors(branch) -> list[str]:
    """A branch takes new members, volunteers, teams and terms until it is dissolved.

    ``branch`` is a Branch, or anything with its ``status`` (an import's reference).
    """
    if branch.status == BranchStatus.DISSOLVED:
        return [_("A dissolved branch takes no new records.")]
    return []


def constraint_message(model: type[models.Model], suffix: str) -> str:
    """The violation message of the model's constraint ``<app>_<model>_<suffix>``.

    For rules checked in Python that a named constraint states in the database too.
    """
    name = f"{model._meta.app_label}_{model._meta.model_name}_{suffix}"
    constraint = next(c for c in model._meta.constraints if c.name == name)
    return str(constraint.get_violation_error_message())
