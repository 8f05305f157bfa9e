"""Write services of the funds app: donors, campaigns, funds, donations, spendings, reversals.

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
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import in_scope, reads_region, require_writer
from core.errors import IdempotencyKeyReused
from core.errors import code as register_code
from core.services import constraint_name, save_or_refuse
from funds.choices import DonationKind, FundKind, ReversalKind
from funds.models import Campaign, Donation, Donor, Fund, FundBalance, Spending
from funds.rules import (
    REVERSAL_SUFFIX,
    balance_errors,
    default_fund,
    donation_fund_errors,
    donor_identifier_errors,
    donor_identifier_taken_errors,
    idempotency_key_errors,
    new_donation_errors,
    new_spending_errors,
    receipt_no_in_use,
    receipt_no_taken_errors,
    voucher_no_in_use,
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
SPENDING_ALREADY_REVERSED = register_code(
    "spending_already_reversed", "The spending has been reversed already."
)
#: The fund balance's check constraint: no write may take a fund below zero.
NOT_OVERDRAWN = "funds_fundbalance_not_overdrawn"


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


# Funds ----------------------------------------------------------------------------------


def fund_create(
    *,
    branch: Branch,
    kind: str,
    name: str = "",
    campaign: Campaign | None = None,
    project: str = "",
    user: User | None = None,
) -> Fund:
    """Open a fund of ``branch`` with a zero balance; a designated fund names its project."""
    require_writer(user)
    project = project.strip() or (campaign.name if campaign and kind == FundKind.DESIGNATED else "")
    fund = Fund(
        branch=branch,
        region_code=branch.region_id,
        kind=kind,
        name=name.strip(),
        campaign=campaign,
        project=project,
    )
    rules = {
        "branch": _scope_error(user, branch.region_id),
        "campaign": campaign and _campaign_scope_error(campaign, user),
    }
    with transaction.atomic():
        _validate(fund, rules)
        fund.save()
        FundBalance.objects.create(fund=fund)
    return fund


#: ``(branch id, campaign id or None)``: what decides a donation's default fund.
FundKey = tuple[int, int | None]


def default_funds(keys: Iterable[FundKey]) -> dict[FundKey, int]:
    """The id of each key's default fund (``funds.rules.default_fund``), opening the funds
    that do not exist yet with a zero balance. Runs one query when all exist, four when not;
    safe against a concurrent opening of the same fund (the unique constraints decide)."""
    wanted = {key: default_fund(campaign_id=key[1]) for key in set(keys)}
    found = _default_fund_ids(wanted)
    missing = [key for key in wanted if key not in found]
    if missing:
        names = dict(
            Campaign.objects.filter(pk__in={c for _, c in missing if c}).values_list("pk", "name")
        )
        Fund.objects.bulk_create(
            [
                Fund(branch_id=b, kind=wanted[b, c][0], campaign_id=c, project=names.get(c, ""))
                for b, c in missing
            ],
            ignore_conflicts=True,
        )
        found = _default_fund_ids(wanted)
        FundBalance.objects.bulk_create(
            [FundBalance(fund_id=found[key]) for key in missing], ignore_conflicts=True
        )
    return found


def _default_fund_ids(wanted: dict[FundKey, tuple]) -> dict[FundKey, int]:
    """One query: the ids of the default funds of ``wanted``'s keys that exist."""
    campaigns = {campaign for _, campaign in wanted.values() if campaign is not None}
    rows = Fund.objects.filter(branch_id__in={branch for branch, _ in wanted}).filter(
        models.Q(kind=FundKind.UNRESTRICTED) | models.Q(campaign_id__in=campaigns)
    )
    found = {(b, c): pk for b, c, pk in rows.values_list("branch_id", "campaign_id", "pk")}
    return {key: found[key] for key in wanted if key in found}


def _balance(fund_id: int) -> Decimal:
    """One query: the fund's balance as committed, for the rule's early answer.

    It takes no lock: the row is locked by the balance trigger when the entry is written,
    after the summary rows, in the order every writer of donations and spendings takes them
    (a lock taken here first would invert that order and deadlock with a concurrent
    donation of the same township). Two concurrent spends of the last yuan both pass this
    check; the second waits for the first's trigger and is refused by the balance's check
    constraint (``_save_within_balance``), worded as this rule is.
    """
    balance = FundBalance.objects.filter(fund_id=fund_id).values_list("balance", flat=True)
    return next(iter(balance), Decimal("0"))


def _save_within_balance(instance: models.Model, *, field: str, **kwargs) -> None:
    """``save_or_refuse``, with the balance's check constraint worded on ``field``: a path
    that skipped the lock still cannot overdraw the fund."""
    try:
        with transaction.atomic():
            save_or_refuse(instance, **kwargs)
    except IntegrityError as error:
        if constraint_name(error) != NOT_OVERDRAWN:
            raise
        # A concurrent writer took the money first: say what is left, as the rule does.
        messages = balance_errors(_balance(instance.fund_id), abs(instance.amount)) or [
            str(FundBalance._meta.constraints[0].get_violation_error_message())
        ]
        raise ValidationError({field: messages}) from error


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
    fund: Fund | None = None,
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


def _entry_of_key(key: str, user: User | None, model=Donation):
    """The entry recorded with the user's ``key``, after taking the key's lock (one query
    each); a malformed key is refused."""
    if key_errors := idempotency_key_errors(key):
        raise ValidationError({"idempotency_key": key_errors})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"{user.pk if user else ''}:{key}"],
        )
    return model.objects.filter(recorded_by=user, idempotency_key=key).first()


def _records(donation: Donation, given: dict) -> bool:
    """Whether ``donation`` is what ``donation_record`` called with ``given`` records (the
    values read as the insert reads them: text stripped, the amount parsed)."""
    given = _stripped(given)
    try:
        amount = parse_amount(given["amount"])
    except ValidationError:
        return False
    related = ("branch", "donor", "campaign", *(("fund",) if given["fund"] else ()))
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
        if donation.fund_id is None:
            key = (donation.branch_id, donation.campaign_id)
            donation.fund_id = default_funds([key])[key]
        save_or_refuse(
            donation, unique_messages={"receipt_no": receipt_no_in_use(donation.receipt_no)}
        )
    return donation


#: A new donation's foreign keys: instances loaded (and scope-checked) before the service.
DONATION_LOADED = ["branch", "donor", "campaign", "fund", "recorded_by"]


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
    if donation.fund is not None and "fund" not in errors:
        errors["fund"] = donation_fund_errors(
            donation.fund, branch_id=donation.branch_id, campaign_id=donation.campaign_id
        )
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
    *,
    idempotency_key: str,
    donation: Donation,
    reason: str,
    kind: str = ReversalKind.CORRECTION,
    user: User | None = None,
) -> tuple[Donation, bool]:
    """``donation_reverse`` once per user and key: the same request again returns the first
    reversal entry and ``False``; the key with another request raises IdempotencyKeyReused."""
    require_writer(user)
    with transaction.atomic():
        existing = _entry_of_key(idempotency_key, user)
        if existing is None:
            reversal = donation_reverse(
                donation=donation,
                reason=reason,
                kind=kind,
                user=user,
                idempotency_key=idempotency_key,
            )
            return reversal, True
    if not _same_reversal(existing, donation, reason=reason, kind=kind):
        raise IdempotencyKeyReused
    return existing, False


def donation_reverse(
    *,
    donation: Donation,
    reason: str,
    kind: str = ReversalKind.CORRECTION,
    user: User | None = None,
    idempotency_key: str | None = None,
) -> Donation:
    """Cancel a donation by a reversal entry of the negative amount, recorded today: a
    correction (冲正) is booked in the original's period, a refund (退款) today.

    The original row is locked first, so two concurrent reversals of it queue and the second
    one finds the first.
    """
    require_writer(user)
    with transaction.atomic():
        original = Donation.objects.select_for_update().get(pk=donation.pk)
        reversal = _reversal_of(original, reason=reason.strip(), kind=kind, user=user)
        reversal.idempotency_key = idempotency_key
        refused = (
            _scope_error(user, original.region_code)
            or _reversible_error(original)
            or _fund_covers_error(original)
        )
        rules = {
            "donation": refused,
            "reason": _required_error(not reversal.reason, _("A reversal needs a reason.")),
            "receipt_no": None if refused else receipt_no_taken_errors(reversal.receipt_no),
        }
        # A refused original would break the model's checks on the reversal's link and number
        # a second time, in words less clear.
        _validate(reversal, rules, exclude=["reverses", "receipt_no"] if refused else [])
        _save_within_balance(reversal, field="donation")
    return reversal


def _fund_covers_error(original: Donation) -> ValidationError | None:
    """One query: whether the fund still holds the money a reversed cash donation takes back
    out of it (the balance's check constraint decides under concurrency)."""
    if original.fund_id is None or original.kind != DonationKind.CASH:
        return None
    errors = balance_errors(_balance(original.fund_id), original.amount)
    return ValidationError(errors[0], code="fund_overdrawn") if errors else None


def _reversal_of(original: Donation, *, reason: str, kind: str, user: User | None) -> Donation:
    return Donation(
        reverses=original,
        reversal_kind=kind,
        fund_id=original.fund_id,
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


# Spendings ------------------------------------------------------------------------------


def spending_record(
    *,
    fund: Fund,
    amount: Decimal,
    category: str,
    spent_on: date,
    payee: str,
    purpose: str,
    voucher_no: str,
    project: str = "",
    attachment=None,
    user: User | None = None,
) -> Spending:
    """Pay ``amount`` out of ``fund``: refused when the fund holds less, or when a designated
    fund would pay for another purpose. The fund's balance row is locked first."""
    return _spending_insert(**locals())


def spending_record_idempotent(*, idempotency_key: str, **fields) -> tuple[Spending, bool]:
    """Record a spending once per user and key, like ``donation_record_idempotent``."""
    arguments = inspect.signature(spending_record).bind(**fields)
    arguments.apply_defaults()
    given = arguments.arguments
    require_writer(given["user"])
    with transaction.atomic():
        existing = _entry_of_key(idempotency_key, given["user"], Spending)
        if existing is None:
            return _spending_insert(idempotency_key=idempotency_key, **given), True
    if not _records_spending(existing, given):
        raise IdempotencyKeyReused
    return existing, False


def _records_spending(spending: Spending, given: dict) -> bool:
    given = _stripped(given)
    try:
        amount = parse_amount(given["amount"])
    except ValidationError:
        return False
    texts = ("category", "spent_on", "payee", "purpose", "voucher_no", "project")
    return (
        spending.reverses_id is None
        and spending.fund_id == given["fund"].pk
        and spending.amount == amount
        and all(getattr(spending, name) == given[name] for name in texts)
    )


def _spending_insert(
    *, fund: Fund, amount, user: User | None, idempotency_key: str | None = None, **fields
) -> Spending:
    """Check and save a new spending built from ``spending_record``'s arguments."""
    require_writer(user)
    fields = _stripped(fields)
    spending = Spending(
        **fields,
        fund=fund,
        branch_id=fund.branch_id,
        region_code=fund.region_code,
        recorded_by=user,
        idempotency_key=idempotency_key,
    )
    rules: Errors = new_spending_errors({**fields, "amount": amount}, fund=fund)
    rules["fund"] = _scope_error(user, fund.region_code)
    if idempotency_key is not None:
        rules["idempotency_key"] = idempotency_key_errors(idempotency_key)
    if amount is not None and "amount" not in rules:
        spending.amount = parse_amount(amount)
    with transaction.atomic():
        if not rules["fund"] and spending.amount is not None and "amount" not in rules:
            rules["amount"] = balance_errors(_balance(fund.pk), spending.amount)
        if spending.voucher_no and "voucher_no" not in rules:
            taken = Spending.objects.filter(voucher_no=spending.voucher_no).exists()
            rules["voucher_no"] = [voucher_no_in_use(spending.voucher_no)] if taken else []
        _validate(spending, rules, exclude=SPENDING_LOADED, validate_constraints=False)
        _save_within_balance(
            spending,
            field="amount",
            unique_messages={"voucher_no": voucher_no_in_use(spending.voucher_no)},
        )
    return spending


#: A new spending's foreign keys: instances loaded (and scope-checked) before the service.
SPENDING_LOADED = ["fund", "branch", "recorded_by"]


def spending_reverse(
    *,
    spending: Spending,
    reason: str,
    kind: str = ReversalKind.CORRECTION,
    user: User | None = None,
    idempotency_key: str | None = None,
) -> Spending:
    """Cancel a spending by a reversal entry of the negative amount, recorded today: the fund
    holds the money again. A correction (冲正) is booked in the original's period, a refund
    (退款, the money paid back) today. The original is locked first, so two reversals queue."""
    require_writer(user)
    with transaction.atomic():
        original = Spending.objects.select_for_update().get(pk=spending.pk)
        reversal = Spending(
            reverses=original,
            reversal_kind=kind,
            fund_id=original.fund_id,
            branch_id=original.branch_id,
            region_code=original.region_code,
            spent_on=timezone.localdate(),
            amount=-original.amount,
            category=original.category,
            project=original.project,
            payee=original.payee,
            purpose=original.purpose,
            voucher_no=f"{original.voucher_no}{REVERSAL_SUFFIX}",
            reason=reason.strip(),
            recorded_by=user,
            idempotency_key=idempotency_key,
        )
        refused = _scope_error(user, original.region_code) or _spending_reversible_error(original)
        rules = {
            "spending": refused,
            "reason": _required_error(not reversal.reason, _("A reversal needs a reason.")),
        }
        _validate(
            reversal,
            rules,
            exclude=["reverses", "voucher_no", "fund", "branch", "recorded_by"],
            validate_unique=False,
        )
        save_or_refuse(reversal)
    return reversal


def spending_reverse_idempotent(
    *,
    idempotency_key: str,
    spending: Spending,
    reason: str,
    kind: str = ReversalKind.CORRECTION,
    user: User | None = None,
) -> tuple[Spending, bool]:
    """``spending_reverse`` once per user and key, like ``donation_reverse_idempotent``."""
    require_writer(user)
    with transaction.atomic():
        existing = _entry_of_key(idempotency_key, user, Spending)
        if existing is None:
            reversal = spending_reverse(
                spending=spending,
                reason=reason,
                kind=kind,
                user=user,
                idempotency_key=idempotency_key,
            )
            return reversal, True
    if not _same_reversal(existing, spending, reason=reason, kind=kind):
        raise IdempotencyKeyReused
    return existing, False


def _spending_reversible_error(original: Spending) -> ValidationError | None:
    """Runs one query: whether a reversal entry already references the original."""
    if original.is_reversal:
        return ValidationError(
            _("A reversal entry cannot itself be reversed."), code=REVERSAL_NOT_REVERSIBLE
        )
    if Spending.objects.filter(reverses=original).exists():
        return ValidationError(
            _("This spending has already been reversed."), code=SPENDING_ALREADY_REVERSED
        )
    return None


# Shared checks --------------------------------------------------------------------------


def _same_reversal(existing, original, *, reason: str, kind: str) -> bool:
    """Whether the entry recorded under a key is the reversal asked for again."""
    return (
        existing.reverses_id == original.pk
        and existing.reason == reason.strip()
        and existing.reversal_kind == kind
    )


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
