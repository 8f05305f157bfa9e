"""The rules of members and service hours that the services and the imports share.

Like ``funds.rules``: pure functions (no query) returning the messages of the rules
broken, by field for a record, empty when all hold. A member's dates are also the
model's constraints, which the services check through ``validate_model``; the imports
check them here, row by row, in the constraints' own words.
"""

from datetime import date

from django.utils.translation import gettext as _

from core.errors import code, coded
from core.services import constraint_message
from members.choices import VolunteerStatus
from members.models import Member

VOLUNTEER_DEREGISTERED = code("volunteer_deregistered", "A deregistered volunteer logs no hours.")
LEFT_BEFORE_JOINED = code("left_before_joined", "A member leaves after joining.")
LEAVE_REASON_REQUIRED = code("leave_reason_required", "A member who leaves gives a reason.")


def membership_errors(
    *, joined_on: date | None, left_on: date | None, leave_reason: str
) -> dict[str, list[str]]:
    """A member leaves after joining, for a reason."""
    checks = {
        "left_on": _violated(
            Member,
            "left_after_joined",
            left_on and joined_on and left_on < joined_on,
            LEFT_BEFORE_JOINED,
        ),
        "leave_reason": _violated(
            Member, "leave_reason_given", left_on and not leave_reason, LEAVE_REASON_REQUIRED
        ),
    }
    return {field: messages for field, messages in checks.items() if messages}


def volunteer_active_errors(volunteer) -> list[str]:
    """Only a registered volunteer logs hours (``volunteer``: anything with its ``status``)."""
    if volunteer.status != VolunteerStatus.ACTIVE:
        return [coded(VOLUNTEER_DEREGISTERED, _("A deregistered volunteer cannot log hours."))]
    return []


def _violated(model, suffix: str, broken, rule: str) -> list[str]:
    return [coded(rule, constraint_message(model, suffix))] if broken else []
