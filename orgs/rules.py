"""The rules of branches that other records' services and imports share.

Like ``funds.rules``: pure functions (no query) returning the messages of the rules
broken, empty when all hold.
"""

from django.utils.translation import gettext as _

from core.errors import code, coded
from orgs.choices import BranchStatus

BRANCH_CLOSED = code("branch_closed", "The branch is dissolved: it takes no new records.")


def branch_open_errors(branch) -> list[str]:
    """A branch takes new members, volunteers, teams and terms until it is dissolved.

    ``branch`` is a Branch, or anything with its ``status`` (an import's reference).
    """
    if branch.status == BranchStatus.DISSOLVED:
        return [coded(BRANCH_CLOSED, _("A dissolved branch takes no new records."))]
    return []
