"""Write services of the funds app: donors, campaigns, donations and their reversals.

Every service checks the caller's rights and region scope, collects the field errors of
the records' rules (``funds.rules``, which the imports call too) with those of its own
checks, runs ``full_clean()`` and saves in one transaction: a ValidationError leaves nothing
saved.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import in_scope, reads_region, require_writer
from core.errors import IdempotencyKeyReused
from core.errors import code as register_code
from core.services import save_or_refuse
from funds.choices import DonationKind
from funds.models import Campaign, Donation, Donor
from funds.rules import (
    REVERSAL_SUFFIX,
    donor_identifier_errors,
    donor_identifier_taken_errors,
    idempotency_key_errors,
    new_donation_errors,
    receipt_no_in_use,
    receipt_no_taken_errors,
)
from funds.validators import parse_amount
from orgs.models import Branch, Region

CAMPAIGN_PARENT_REGION = register_code(
    "campaign_parent_region", "A sub-campaign lies outside its parent's region."
)
CAMPAIGN_ENDS_EARLY = register_code("campaign_ends_early", "A campaign ends before it starts.")
CAMPAIGN_NAME_TAKEN = register_code(
    "campaign_name_taken", "The region has a campaign of this name already."
)
REVERSAL_NOT_REVERSIBLE = register_code(
    "reversal_not_reversible", "A reversal entry cannot be reversed."
)
DONATION_ALREADY_REVERSED = register_code(
    "donation_already_reversed", "The donation has been reversed already."
)


if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser as User

#: By field: the messages of the rules broken (funds.rules), or the ValidationError of a
#: service's own check (the user's region, a campaign's parent), None when it holds.
Errors = dict[str, list[str] | ValidationError | None]


# Donors ---------------------------------------------------------------------------------


def donor_create(
    *,
    kind: str,
    name: str,
    region: Region,
    identifier: str = "",
    phone: str = "",
    address: str = "",
    user: User | None = None,
) -> Donor:
    """Register a donor at ``region``; an identifier is an ID number or a credit code."""
    require_writer(user)
    donor = Donor(
        kind=kind,
        name=name.strip(),
        region=region,
        identifier=identifier.strip().upper(),
        phone=phone.strip(),
        address=address.strip(),
    )
    rules = {
        "region": _scope_error(user, region.code),
        "identifier": _identifier_errors(donor),
    }
    with transaction.atomic():
        _validate(donor, rules)
        donor.save()
    return donor


def _identifier_errors(donor: Donor) -> list[str]:
    """The identifier's rules, then whether the region has it already (one query)."""
    return donor_identifier_errors(donor.kind, donor.identifier) or (
        donor_identifier_taken_errors(donor.region_id, donor.identifier)
    )


# Campaigns ------------------------------------------------------------------------------


def campaign_create(
    *,
    name: str,
    kind: str,
    region: Region,
    starts_on: date,
    ends_on: date | None = None,
    parent: Campaign | None = None,
    target_amount: Decimal | None = None,
    description: str = "",
    user: User | None = None,
) -> Campaign:
    """Start a campaign organized at ``region``, optionally under a campaign at or above it."""
    require_writer(user)
    campaign = Campaign(
        name=name.strip(),
        kind=kind,
        region=region,
        parent=parent,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description.strip(),
    )
    rules = {
        "region": _scope_error(user, region.code),
        "parent": _parent_campaign_error(parent, region),
        "ends_on": _ends_on_error(starts_on, ends_on),
        "target_amount": _optional_amount(campaign, "target_amount", target_amount),
        "name": _campaign_name_error(campaign),
    }
    with transaction.atomic():
        _validate(campaign, rules)
        campaign.save()
    return campaign


def _parent_campaign_error(parent: Campaign | None, region: Region) -> ValidationError | None:
    if parent is None or region.code.startswith(parent.region_id):
        return None
    return ValidationError(
        _("A sub-campaign must be organized at its parent campaign's region or below it."),
        code=CAMPAIGN_PARENT_REGION,
    )


def _ends_on_error(starts_on: date, ends_on: date | None) -> ValidationError | None:
    if _is_date(starts_on) and _is_date(ends_on) and ends_on < starts_on:
        return ValidationError(
            _("A campaign cannot end before it starts."), code=CAMPAIGN_ENDS_EARLY
        )
    return None


def _campaign_name_error(campaign: Campaign) -> ValidationError | None:
    taken = Campaign.objects.filter(region=campaign.region, name=campaign.name)
    if campaign.name and taken.exists():
        return ValidationError(
            _("A campaign of this name already exists at this region."),
            code=CAMPAIGN_NAME_TAKEN,
        )
    return None


def _optional_amount(instance: models.Model, field: str, value) -> ValidationError | None:
    """Set ``field`` to the parsed amount (None stays None); return the parse error, if any."""
    if value is None:
        return None
    try:
        setattr(instance, field, parse_amount(value))
    except ValidationError as error:
        return error
    return None


# Donations ------------------------------------------------------------------------------


def donation_record(
    *,
    branch: Branch,
    amount: Decimal,
    channel: str,
    received_on: date,
    kind: str = DonationKind.CASH,
    donor: Donor | None = None,
    campaign: Campaign | None = None,
    in_kind_description: str = "",
    designated: bool = False,
    designation: str = "",
    matching: bool = False,
    note: str = "",
    receipt_no: str | None = None,
    user: User | None = None,
) -> Donation:
    """Record a gift received by ``branch``; the server numbers the receipt unless one is given."""
    return _donation_insert(**locals())


def donation_record_idempotent(*, idempotency_key: str, **fields) -> tuple[Donation, bool]:
    """Record a donation once per user and key: the same request again returns the first
    donation and ``False``; the key with a different donation raises IdempotencyKeyReused.

    Keys are the user's own (another user's same key records another donation) and are kept
    with the entry they recorded, as long as it. Calls with one user's key queue on a
    transaction-scoped advisory lock taken before the lookup, so concurrent retries cannot
    both miss the row and both insert.
    """
    arguments = inspect.signature(donation_record).bind(**fields)
    arguments.apply_defaults()
    user = arguments.arguments["user"]
    require_writer(user)
    with transaction.atomic():
        existing = _entry_of_key(idempotency_key, user)
        if existing is None:
            return _donation_insert(idempotency_key=idempotency_key, **arguments.arguments), True
    if not _records(existing, arguments.arguments):
        raise IdempotencyKeyReused
    return existing, False


def _entry_of_key(key: str, user: User | None) -> Donation | None:
    """The entry recorded with the user's ``key``, after taking the key's lock (one query
    each); a malformed key is refused."""
    if key_errors := idempotency_key_errors(key):
        raise ValidationError({"idempotency_key": key_errors})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"{user.pk if user else ''}:{key}"],
        )
    return Donation.objects.filter(recorded_by=user, idempotency_key=key).first()


def _records(donation: Donation, given: dict) -> bool:
    """Whether ``donation`` is what ``donation_record`` called with ``given`` records (the
    values read as the insert reads them: text stripped, the amount parsed)."""
    given = _stripped(given)
    try:
        amount = parse_amount(given["amount"])
    except ValidationError:
        return False
    related = ("branch", "donor", "campaign")
    stored = ("channel", "received_on", "kind", "designated", "matching")
    texts = ("in_kind_description", "designation", "note")
    return (
        donation.reverses_id is None
        and donation.amount == amount
        and all(
            getattr(donation, f"{name}_id") == getattr(given[name], "pk", None) for name in related
        )
        and all(getattr(donation, name) == given[name] for name in (*stored, *texts))
        and (not given["receipt_no"] or donation.receipt_no == given["receipt_no"])
    )


def _donation_insert(
    *,
    amount,
    receipt_no: str | None,
    user: User | None,
    idempotency_key: str | None = None,
    **fields,
) -> Donation:
    """Check and save a new donation built from ``donation_record``'s arguments."""
    require_writer(user)
    fields = _stripped(fields)
    receipt_no = (receipt_no or "").strip()
    donation = Donation(
        **fields,
        region_code=fields["branch"].region_id,
        receipt_no=receipt_no,
        recorded_by=user,
        idempotency_key=idempotency_key,
    )
    given = {
        **fields,
        "amount": amount,
        "receipt_no": receipt_no,
        "idempotency_key": idempotency_key,
    }
    rules = _donation_errors(donation, given, user=user)
    if amount is not None and "amount" not in rules:
        donation.amount = parse_amount(amount)
    # The rules above check every check constraint a new donation can break (amount, goods,
    # purpose, date), with their own messages; the database enforces them all again, and
    # save_or_refuse words a violation like full_clean() would. Validating the constraints
    # in full_clean() too took 18 queries (one SELECT in a savepoint each); the foreign keys
    # are instances the request already loaded in scope, and the database enforces them.
    exclude = [*DONATION_LOADED, *([] if receipt_no else ["receipt_no"])]
    with transaction.atomic():
        # An empty receipt number is assigned after the checks, so a refusal spends no number.
        # The rules asked whether a given receipt number is taken; one taken meanwhile by a
        # concurrent write is refused by the unique index, in the rule's words.
        _validate(
            donation, rules, exclude=exclude, validate_constraints=False, validate_unique=False
        )
        donation.receipt_no = receipt_no or _next_receipt_no(donation.received_on)
        save_or_refuse(
            donation, unique_messages={"receipt_no": receipt_no_in_use(donation.receipt_no)}
        )
    return donation


#: A new donation's foreign keys: instances loaded (and scope-checked) before the service.
DONATION_LOADED = ["branch", "donor", "campaign", "recorded_by"]


def _stripped(fields: dict) -> dict:
    return {
        name: value.strip() if isinstance(value, str) else value for name, value in fields.items()
    }


def _donation_errors(donation: Donation, given: dict, *, user: User | None) -> Errors:
    """The rule errors (funds.rules) of the values ``given``, or the scope's on the same field.

    Whether a given receipt number is taken is asked (one query) once its shape is right.
    """
    campaign = donation.campaign
    errors: Errors = new_donation_errors(
        given, branch=donation.branch, campaign_region=campaign and campaign.region_id
    ) | _donation_scope_errors(donation, user=user)
    if donation.receipt_no and "receipt_no" not in errors:
        errors["receipt_no"] = receipt_no_taken_errors(donation.receipt_no)
    return errors


def _donation_scope_errors(donation: Donation, *, user: User | None) -> Errors:
    """The fields whose record lies outside the user's region (a campaign may lie above it)."""
    errors = {
        "branch": _scope_error(user, donation.branch.region_id),
        "donor": donation.donor and _scope_error(user, donation.donor.region_id),
        "campaign": donation.campaign and _campaign_scope_error(donation.campaign, user),
    }
    return {field: error for field, error in errors.items() if error}


def _campaign_scope_error(campaign: Campaign, user: User | None) -> ValidationError | None:
    """A campaign the user can see: in their region, or organized at a region above it."""
    if user is not None and not reads_region(user, campaign.region_id):
        return _outside_region()
    return None


def _required_error(missing: bool, message: str) -> ValidationError | None:
    return ValidationError(message, code="required") if missing else None


def _next_receipt_no(received_on: date) -> str:
    """``R<year received>-<8 digits>`` from the receipt sequence (one query)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('funds_receipt_no_seq')")
        (number,) = cursor.fetchone()
    return f"R{received_on.year}-{number:08d}"


# Reversals ------------------------------------------------------------------------------


def donation_reverse_idempotent(
    *, idempotency_key: str, donation: Donation, reason: str, user: User | None = None
) -> tuple[Donation, bool]:
    """``donation_reverse`` once per user and key: the same request again returns the first
    reversal entry and ``False``; the key with another request raises IdempotencyKeyReused."""
    require_writer(user)
    with transaction.atomic():
        existing = _entry_of_key(idempotency_key, user)
        if existing is None:
            reversal = donation_reverse(
                donation=donation, reason=reason, user=user, idempotency_key=idempotency_key
            )
            return reversal, True
    if existing.reverses_id != donation.pk or existing.reason != reason.strip():
        raise IdempotencyKeyReused
    return existing, False


def donation_reverse(
    *,
    donation: Donation,
    reason: str,
    user: User | None = None,
    idempotency_key: str | None = None,
) -> Donation:
    """Correct a donation by a reversal entry of the negative amount, received today.

    The original row is locked first, so two concurrent reversals of it queue and the second
    one finds the first.
    """
    require_writer(user)
    with transaction.atomic():
        original = Donation.objects.select_for_update().get(pk=donation.pk)
        reversal = _reversal_of(original, reason=reason.strip(), user=user)
        reversal.idempotency_key = idempotency_key
        refused = _scope_error(user, original.region_code) or _reversible_error(original)
        rules = {
            "donation": refused,
            "reason": _required_error(not reversal.reason, _("A reversal needs a reason.")),
            "receipt_no": None if refused else receipt_no_taken_errors(reversal.receipt_no),
        }
        # A refused original would break the model's checks on the reversal's link and number
        # a second time, in words less clear.
        _validate(reversal, rules, exclude=["reverses", "receipt_no"] if refused else [])
        reversal.save()
    return reversal


def _reversal_of(original: Donation, *, reason: str, user: User | None) -> Donation:
    return Donation(
        reverses=original,
        branch_id=original.branch_id,
        region_code=original.region_code,
        donor_id=original.donor_id,
        campaign_id=original.campaign_id,
        kind=original.kind,
        channel=original.channel,
        in_kind_description=original.in_kind_description,
        amount=-original.amount,
        received_on=timezone.localdate(),
        receipt_no=f"{original.receipt_no}{REVERSAL_SUFFIX}",
        reason=reason,
        recorded_by=user,
    )


def _reversible_error(original: Donation) -> ValidationError | None:
    """Runs one query: whether a reversal entry already references the original."""
    if original.is_reversal:
        return ValidationError(
            _("A reversal entry cannot itself be reversed."),
            code=REVERSAL_NOT_REVERSIBLE,
        )
    if Donation.objects.filter(reverses=original).exists():
        return ValidationError(
            _("This donation has already been reversed."),
            code=DONATION_ALREADY_REVERSED,
        )
    return None


# Shared checks --------------------------------------------------------------------------


def _scope_error(user: User | None, code: str) -> ValidationError | None:
    if user is None or in_scope(user, code):
        return None
    return _outside_region()


def _outside_region() -> ValidationError:
    return ValidationError(_("This lies outside your region."), code="out_of_scope")


def _is_date(value) -> bool:
    return isinstance(value, date)


def _validate(
    instance: models.Model,
    rules: Errors,
    *,
    exclude: Iterable[str] = (),
    validate_constraints: bool = True,
    validate_unique: bool = True,
) -> None:
    """Raise the failed ``rules`` and ``full_clean()``'s errors together, by field.

    Fields whose rule failed are left out of ``full_clean()``: one mistake gives one message,
    not a second one from the model constraint it also breaks.
    """
    errors = {field: _listed(error) for field, error in rules.items() if error}
    try:
        instance.full_clean(
            exclude=[*errors, *exclude],
            validate_unique=validate_unique,
            validate_constraints=validate_constraints,
        )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _listed(error: list[str] | ValidationError) -> list:
    return error if isinstance(error, list) else [error]
