"""The rules of donations and donors, written once for every way a record comes in.

The services (and through them the admin and the API) and the imports call these
functions. Each returns the messages of every rule its values break: a list for one
value, a dict of lists by field for a record, empty when all hold. The messages are those
of the model constraints and validators the rules stand for, so the zh_Hans catalog
translates them wherever they show. No function runs a query, except those whose name
ends in ``_taken_errors``; the imports replace those with their own bulk lookups and
say the same with ``receipt_no_in_use`` and ``donor_identifier_in_use``.

Who may write where (the user's region) is the services' and the imports' own check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import code, coded, coded_messages
from core.models import FIRST_RECORD_DATE
from core.services import constraint_message
from core.text import VisibleTextValidator, has_hidden_characters
from funds.choices import DonationKind, DonorKind, FundKind, SpendingCategory
from funds.models import Donation, Donor, Spending
from funds.validators import parse_amount, validate_credit_code
from orgs.choices import BranchStatus
from orgs.validators import validate_id_number

REVERSAL_SUFFIX = "-R"
#: A given receipt number leaves room for its reversal's suffix in the 40-character column.
RECEIPT_NO_MAX_LENGTH = Donation._meta.get_field("receipt_no").max_length - len(REVERSAL_SUFFIX)
#: The shape of the numbers the server assigns; given numbers may not take it.
SERVER_RECEIPT_NO = re.compile(r"^R\d{4}-\d{8}$")
IDEMPOTENCY_KEY_MAX_LENGTH = Donation._meta.get_field("idempotency_key").max_length

BRANCH_DISSOLVED = code("branch_dissolved", "The branch is dissolved: it receives nothing.")
CAMPAIGN_OUTSIDE_BRANCH = code(
    "campaign_outside_branch", "The campaign is organized below or beside the branch's region."
)
DATE_IN_FUTURE = code("date_in_future", "The date is later than today.")
DATE_BEFORE_1900 = code("date_before_1900", "The date is before 1900.")
GOODS_DESCRIPTION_REQUIRED = code(
    "goods_description_required", "A donation in kind says what goods and how many."
)
DESIGNATION_REQUIRED = code("designation_required", "A designated donation says its purpose.")
RECEIPT_NO_TOO_LONG = code("receipt_no_too_long", "A receipt number has at most 38 characters.")
RECEIPT_NO_RESERVED = code(
    "receipt_no_reserved", "The receipt number has a shape the server keeps for itself."
)
RECEIPT_NO_TAKEN = code("receipt_no_taken", "Another donation has this receipt number.")
IDEMPOTENCY_KEY_LENGTH = code(
    "idempotency_key_length", "An idempotency key has 1 to 64 characters."
)
FUND_OF_OTHER_BRANCH = code("fund_of_other_branch", "The fund belongs to another branch.")
FUND_OF_OTHER_CAMPAIGN = code(
    "fund_of_other_campaign", "The fund is designated to another campaign than the gift's."
)
FUND_PURPOSE = code("fund_purpose", "A designated fund pays only for its project or purpose.")
FUND_NO_OVERHEAD = code(
    "fund_no_overhead", "A designated or matching fund pays no administrative costs."
)
FUND_OVERDRAWN = code("fund_overdrawn", "The fund's balance is less than the amount.")
VOUCHER_NO_TAKEN = code("voucher_no_taken", "Another spending has this voucher number.")
ANONYMOUS_IDENTIFIER = code("anonymous_identifier", "An anonymous donor has no identifier.")
DONOR_IDENTIFIER_TAKEN = code(
    "donor_identifier_taken", "A donor of the same region already has this identifier."
)


# Donations ------------------------------------------------------------------------------


def new_donation_errors(
    values: Mapping, *, branch, campaign_region: str | None = None
) -> dict[str, list[str]]:
    """Every rule a new donation breaks, by field.

    ``values`` holds the donation's fields as given (the amount as text, a number or a
    Decimal; ``receipt_no`` and ``idempotency_key`` only if given). ``branch`` is the
    receiving branch, or anything with its ``status`` and ``region_id``;
    ``campaign_region`` is the region code of the donation's campaign, if it has one.
    A value left out (None) is the field's own "required" check, not a rule's.
    """
    key = values.get("idempotency_key")
    checks = {
        "branch": branch_errors(branch),
        "campaign": campaign_errors(campaign_region, branch_region=branch.region_id),
        "amount": [] if values.get("amount") is None else amount_errors(values["amount"]),
        "received_on": received_on_errors(values.get("received_on")),
        "in_kind_description": in_kind_description_errors(
            values.get("kind"), values.get("in_kind_description")
        ),
        "designation": designation_errors(values.get("designated"), values.get("designation")),
        "receipt_no": receipt_no_errors(values.get("receipt_no") or ""),
        "idempotency_key": [] if key is None else idempotency_key_errors(key),
    }
    return {field: messages for field, messages in checks.items() if messages}


def branch_errors(branch) -> list[str]:
    """A branch that still exists receives donations."""
    if branch.status == BranchStatus.DISSOLVED:
        return [
            coded(BRANCH_DISSOLVED, _("This branch is dissolved and cannot receive donations."))
        ]
    return []


def campaign_errors(campaign_region: str | None, *, branch_region: str) -> list[str]:
    """A campaign organized at the branch's region or a region above it (a city's drive)."""
    if campaign_region is None or branch_region.startswith(campaign_region):
        return []
    message = _("The campaign must be organized at the branch's region or a region above it.")
    return [coded(CAMPAIGN_OUTSIDE_BRANCH, message)]


def amount_errors(value) -> list[str]:
    """A positive amount of yuan with at most 2 decimals, below 10^12 (``parse_amount``)."""
    try:
        parse_amount(value)
    except ValidationError as error:
        return coded_messages(error.error_list)
    return []


def received_on_errors(received_on) -> list[str]:
    """A gift is recorded once received: not later than today, not before 1900 (no figure
    counts earlier years; the database refuses both too)."""
    if isinstance(received_on, date) and received_on > timezone.localdate():
        return [coded(DATE_IN_FUTURE, _("The date cannot be later than today."))]
    if isinstance(received_on, date) and received_on < FIRST_RECORD_DATE:
        return [coded(DATE_BEFORE_1900, constraint_message(Donation, "received_on_from_1900"))]
    return []


def in_kind_description_errors(kind: str | None, description: str | None) -> list[str]:
    """Goods are recorded with what they are and how many."""
    if kind == DonationKind.IN_KIND and not (description or "").strip():
        message = _("A donation in kind needs the goods and their quantity.")
        return [coded(GOODS_DESCRIPTION_REQUIRED, message)]
    return []


def designation_errors(designated: bool | None, designation: str | None) -> list[str]:
    """A gift designated by its donor says for what."""
    if designated and not (designation or "").strip():
        return [coded(DESIGNATION_REQUIRED, _("A designated donation needs its purpose."))]
    return []


def receipt_no_errors(receipt_no: str) -> list[str]:
    """A given receipt number: short enough for its reversal's, in no reserved shape.

    An empty one is no error: the server assigns the next number.
    """
    if len(receipt_no) > RECEIPT_NO_MAX_LENGTH:
        message = coded(
            RECEIPT_NO_TOO_LONG,
            _("A receipt number has at most %(limit)d characters.")
            % {"limit": RECEIPT_NO_MAX_LENGTH},
        )
    elif has_hidden_characters(receipt_no):
        message = coded(VisibleTextValidator.code, str(VisibleTextValidator.message))
    elif receipt_no.endswith(REVERSAL_SUFFIX):
        message = coded(
            RECEIPT_NO_RESERVED, _("Receipt numbers ending in “-R” are kept for reversal entries.")
        )
    elif SERVER_RECEIPT_NO.match(receipt_no):
        message = coded(
            RECEIPT_NO_RESERVED,
            _(
                "Receipt numbers like R2024-00000001 are assigned by the server; "
                "leave the receipt number empty to get one."
            ),
        )
    else:
        return []
    return [message]


def receipt_no_taken_errors(receipt_no: str) -> list[str]:
    """Runs one query: whether a donation already has this receipt number."""
    if Donation.objects.filter(receipt_no=receipt_no).exists():
        return [receipt_no_in_use(receipt_no)]
    return []


def receipt_no_in_use(receipt_no: str) -> str:
    """The message of a receipt number that another donation has."""
    message = _("Receipt number %(receipt_no)s is already in use.") % {"receipt_no": receipt_no}
    return coded(RECEIPT_NO_TAKEN, message)


def idempotency_key_errors(key) -> list[str]:
    """An idempotency key is text of 1 to 64 characters (its column's length)."""
    if isinstance(key, str) and 0 < len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        return []
    message = _("An idempotency key has 1 to %(limit)d characters.")
    return [coded(IDEMPOTENCY_KEY_LENGTH, message % {"limit": IDEMPOTENCY_KEY_MAX_LENGTH})]


# Funds ----------------------------------------------------------------------------------


def default_fund(*, campaign_id: int | None) -> tuple[str, int | None]:
    """The fund a donation goes to when none is named, as ``(kind, campaign id)`` of its
    branch's funds: a gift to a campaign goes to the branch's fund designated to that
    campaign; any other gift to the branch's unrestricted fund. The services, the imports
    and the migration of the donations recorded before funds follow this rule."""
    if campaign_id is not None:
        return FundKind.DESIGNATED, campaign_id
    return FundKind.UNRESTRICTED, None


def donation_fund_errors(fund, *, branch_id: int, campaign_id: int | None) -> list[str]:
    """A donation goes to a fund of its own branch; a fund designated to a campaign takes
    only that campaign's gifts."""
    if fund.branch_id != branch_id:
        return [coded(FUND_OF_OTHER_BRANCH, _("The fund belongs to another branch."))]
    if fund.campaign_id is not None and fund.campaign_id != campaign_id:
        message = _("This fund holds the gifts of its own campaign only.")
        return [coded(FUND_OF_OTHER_CAMPAIGN, message)]
    return []


# Spendings ------------------------------------------------------------------------------


def new_spending_errors(values: Mapping, *, fund) -> dict[str, list[str]]:
    """Every rule a new spending out of ``fund`` breaks, by field (no query).

    ``values`` holds the spending's fields as given; ``fund`` is the fund paying (its
    ``kind``, ``project``). The balance is the services' check, under the fund's lock.
    """
    checks = {
        "amount": [] if values.get("amount") is None else amount_errors(values["amount"]),
        "spent_on": spent_on_errors(values.get("spent_on")),
        "project": fund_purpose_errors(fund, values.get("project") or ""),
        "category": fund_category_errors(fund, values.get("category")),
        "voucher_no": voucher_no_errors(values.get("voucher_no") or ""),
    }
    return {field: messages for field, messages in checks.items() if messages}


def spent_on_errors(spent_on) -> list[str]:
    """Money is recorded once paid: not later than today, not before 1900."""
    if isinstance(spent_on, date) and spent_on > timezone.localdate():
        return [coded(DATE_IN_FUTURE, _("The date cannot be later than today."))]
    if isinstance(spent_on, date) and spent_on < FIRST_RECORD_DATE:
        return [coded(DATE_BEFORE_1900, constraint_message(Spending, "spent_on_from_1900"))]
    return []


def fund_purpose_errors(fund, project: str) -> list[str]:
    """A designated fund pays only for its purpose: the spending names the fund's project
    (for a fund of a campaign, the project set when the fund was opened), exactly, spaces at
    either end aside. Unrestricted and matching funds pay for any project."""
    if fund.kind != FundKind.DESIGNATED or project.strip() == fund.project:
        return []
    message = _("This designated fund pays only for “%(project)s”: name that project.")
    return [coded(FUND_PURPOSE, message % {"project": fund.project})]


def fund_category_errors(fund, category: str | None) -> list[str]:
    """Administrative costs are paid from the unrestricted fund only: designated gifts go to
    their purpose, matching funds to the project they match."""
    if category == SpendingCategory.ADMINISTRATIVE and fund.kind != FundKind.UNRESTRICTED:
        message = _("Administrative costs are paid from the unrestricted fund only.")
        return [coded(FUND_NO_OVERHEAD, message)]
    return []


def balance_errors(balance: Decimal, amount: Decimal) -> list[str]:
    """A fund pays no more than it holds."""
    if amount <= balance:
        return []
    message = _(
        "The fund holds %(balance)s yuan, less than %(amount)s yuan: this would overdraw it."
    )
    return [coded(FUND_OVERDRAWN, message % {"balance": balance, "amount": amount})]


def voucher_no_errors(voucher_no: str) -> list[str]:
    """A voucher number leaves room for its reversal's suffix and takes no reversal's shape."""
    if len(voucher_no) > RECEIPT_NO_MAX_LENGTH:
        message = _("A voucher number has at most %(limit)d characters.")
        return [coded(RECEIPT_NO_TOO_LONG, message % {"limit": RECEIPT_NO_MAX_LENGTH})]
    if voucher_no.endswith(REVERSAL_SUFFIX):
        message = _("Voucher numbers ending in “-R” are kept for reversal entries.")
        return [coded(RECEIPT_NO_RESERVED, message)]
    return []


def voucher_no_in_use(voucher_no: str) -> str:
    """The message of a voucher number that another spending has."""
    message = _("Voucher number %(voucher_no)s is already in use.") % {"voucher_no": voucher_no}
    return coded(VOUCHER_NO_TAKEN, message)


# Donors ---------------------------------------------------------------------------------


def donor_identifier_errors(kind: str, identifier: str) -> list[str]:
    """An individual's ID number, another donor's credit code; an anonymous donor has none."""
    if not identifier:
        return []
    if kind == DonorKind.ANONYMOUS:
        return [coded(ANONYMOUS_IDENTIFIER, _("An anonymous donor has no identifier."))]
    check = validate_id_number if kind == DonorKind.INDIVIDUAL else validate_credit_code
    try:
        check(identifier)
    except ValidationError as error:
        return coded_messages(error.error_list)
    return []


def donor_identifier_taken_errors(region_code: str, identifier: str) -> list[str]:
    """Runs one query (none for a blank identifier): whether the region has a donor with it."""
    if identifier and Donor.objects.filter(region_id=region_code, identifier=identifier).exists():
        return [donor_identifier_in_use()]
    return []


def donor_identifier_in_use() -> str:
    """The message of an identifier a donor registered at the same region already has."""
    message = _("A donor with this identifier is already registered at this region.")
    return coded(DONOR_IDENTIFIER_TAKEN, message)
