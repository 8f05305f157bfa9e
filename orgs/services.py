"""Writes of the orgs app: registering, changing, moving and dissolving branches; assessments.

The helpers ``validate_model``, ``restore_on_error`` and
``reject_unknown_fields`` are shared by the other apps' services.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models.functions import Now
from django.utils.translation import gettext as _

from core.access import check_write_scope
from core.context import Source, write_context
from core.errors import code
from orgs import regions
from orgs.choices import BranchStatus
from orgs.models import (
    BRANCH_FIELDS,
    Assessment,
    Branch,
    Region,
    Standard,
    StandardItem,
    Vintage,
    VintageChange,
)
from orgs.validators import validate_phone
from orgs.vintages import Comparison

REGION_CLOSED = code("region_closed", "The region has been closed: choose a current one.")
PARENT_CYCLE = code("parent_cycle", "The parent branch is the branch or one below it.")
DISSOLVED_ON_REQUIRED = code("dissolved_on_required", "A dissolved branch needs its date.")
BRANCH_ALREADY_DISSOLVED = code("branch_already_dissolved", "The branch is dissolved already.")
NO_DEFAULT_STANDARD = code("no_default_standard", "No default standard is set: name one.")
STANDARD_NOT_APPLICABLE = code(
    "standard_not_applicable", "The standard does not apply at the branch's region."
)
ITEM_NOT_IN_STANDARD = code("item_not_in_standard", "An item met belongs to another standard.")

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser as User

#: Fields ``branch_register`` takes beyond its named arguments.
BRANCH_DETAILS = frozenset(BRANCH_FIELDS) - {
    "name",
    "region",
    "kind",
    "status",
    "parent",
    "founded_on",
}
#: Fields ``branch_update`` changes; the region changes only through ``branch_move``.
BRANCH_EDITABLE = frozenset(BRANCH_FIELDS) - {"region"}

#: The field each named constraint is about, so that its message shows beside that field.
CONSTRAINT_FIELDS = {
    "orgs_branch_unique_name_in_region": "name",
    "orgs_branch_territorial_kind_at_level": "kind",
    "orgs_branch_dissolved_after_founded": "dissolved_on",
    "orgs_branch_dissolved_on_only_when_dissolved": "dissolved_on",
    "orgs_branch_not_own_parent": "parent",
    "orgs_assessment_met_within_total": "items_met",
    "life_evaluationcampaign_one_per_year_region_level": "year",
    "life_evaluationcampaign_year_range": "year",
    "life_evaluation_one_per_branch": "branch",
}


def validate_model(instance: models.Model, *, fields: Mapping[str, str] | None = None) -> None:
    """``full_clean()``, with each violated constraint's message on the field it is about.

    Django reports check constraints and unique constraints over several fields as
    non-field errors. ``fields`` (default ``CONSTRAINT_FIELDS``) maps a constraint's name
    to its field; a ``<field>_not_future`` constraint names its own. Like ``full_clean()``,
    runs a query per foreign key and per constraint.
    """
    fields = CONSTRAINT_FIELDS if fields is None else fields
    errors: dict[str, list[ValidationError]] = {}
    try:
        instance.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    # As in full_clean(): constraints on fields that already failed are not checked again.
    exclude = {name for name in errors if name != NON_FIELD_ERRORS}
    for constraint in instance._meta.constraints:
        try:
            constraint.validate(type(instance), instance, exclude=exclude)
        except ValidationError as error:
            field = fields.get(constraint.name) or _date_field(instance, constraint.name)
            errors.setdefault(field, []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)


@contextmanager
def restore_on_error(instance: models.Model, *fields: str) -> Iterator[None]:
    """Put ``fields`` of ``instance`` back as they were if the block raises.

    A refused change then leaves the caller's instance as it is in the database, so
    that it can be shown or tried again.
    """
    attnames = [instance._meta.get_field(name).attname for name in fields]
    before = {name: getattr(instance, name) for name in attnames}
    try:
        yield
    except Exception:
        for name, value in before.items():
            setattr(instance, name, value)
        raise


def _date_field(instance: models.Model, constraint_name: str) -> str:
    """The date field of a ``not_in_future`` constraint, else the non-field key."""
    prefix = f"{instance._meta.app_label}_{instance._meta.model_name}_"
    name = constraint_name.removeprefix(prefix)
    if name.endswith("_not_future"):
        return name.removesuffix("_not_future")
    return NON_FIELD_ERRORS


def _check_region_current(region: Region) -> None:
    if region.valid_to is not None:
        message = _("This region has been closed: choose a current one.")
        raise ValidationError({"region": ValidationError(message, code=REGION_CLOSED)})


def _check_parent(branch: Branch, user: User | None) -> None:
    """The parent branch is one the user may see, and not the branch or one below it."""
    parent = branch.parent
    if parent is None:
        return
    if user is not None:
        check_write_scope(user=user, code=parent.region_id, field="parent")
    if branch.pk is not None and branch.pk in _ancestor_ids(parent):
        message = _("The parent branch cannot be this branch or one of its sub-branches.")
        raise ValidationError({"parent": ValidationError(message, code=PARENT_CYCLE)})


def _ancestor_ids(branch: Branch) -> set[int]:
    """Ids of ``branch`` and of every branch above it (one query per level)."""
    seen: set[int] = set()
    branch_id: int | None = branch.pk
    while branch_id is not None and branch_id not in seen:
        seen.add(branch_id)
        branch_id = Branch.objects.filter(pk=branch_id).values_list("parent_id", flat=True).first()
    return seen


def _check_branch_details(branch: Branch) -> None:
    """Rules the database does not hold: a dissolved branch's date, the phone's format."""
    errors: dict[str, list[str]] = {}
    if branch.status == BranchStatus.DISSOLVED and branch.dissolved_on is None:
        message = _("A dissolved branch needs its dissolution date.")
        errors["dissolved_on"] = [ValidationError(message, code=DISSOLVED_ON_REQUIRED)]
    if branch.phone:
        try:
            validate_phone(branch.phone)
        except ValidationError as error:
            errors["phone"] = error.error_list
    if errors:
        raise ValidationError(errors)


def _save_branch(branch: Branch, *, user: User | None, parent_changed: bool) -> Branch:
    if parent_changed:
        _check_parent(branch, user)
    _check_branch_details(branch)
    validate_model(branch)
    branch.save()
    return branch


def reject_unknown_fields(fields: Iterable[str], allowed: frozenset[str]) -> None:
    """A service's ``**fields`` outside ``allowed`` are a programming error, not bad input."""
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(unknown)}")


@transaction.atomic
def branch_register(
    *,
    name: str,
    region: Region,
    kind: str,
    status: str = BranchStatus.ACTIVE,
    parent: Branch | None = None,
    founded_on: date | None = None,
    user: User | None = None,
    **details,
) -> Branch:
    """Register a branch at ``region``; ``details`` are the fields of ``BRANCH_DETAILS``."""
    reject_unknown_fields(details, BRANCH_DETAILS)
    check_write_scope(user=user, code=region.code, field="region")
    _check_region_current(region)
    branch = Branch(
        name=name.strip(),
        region=region,
        kind=kind,
        status=status,
        parent=parent,
        founded_on=founded_on,
        **details,
    )
    return _save_branch(branch, user=user, parent_changed=parent is not None)


@transaction.atomic
def branch_update(*, branch: Branch, user: User | None = None, **fields) -> Branch:
    """Change any of ``BRANCH_EDITABLE``; a move to another region is ``branch_move``."""
    reject_unknown_fields(fields, BRANCH_EDITABLE)
    check_write_scope(user=user, code=branch.region_id, field="region")
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    with restore_on_error(branch, *fields):
        for field, value in fields.items():
            setattr(branch, field, value)
        return _save_branch(branch, user=user, parent_changed="parent" in fields)


@transaction.atomic
def branch_move(*, branch: Branch, region: Region, user: User | None = None) -> Branch:
    """Move a branch to another region; triggers move its records' region-code copies along."""
    check_write_scope(user=user, code=branch.region_id, field="region")
    check_write_scope(user=user, code=region.code, field="region")
    _check_region_current(region)
    with restore_on_error(branch, "region"):
        branch.region = region
        return _save_branch(branch, user=user, parent_changed=False)


@transaction.atomic
def branch_dissolve(*, branch: Branch, dissolved_on: date, user: User | None = None) -> Branch:
    """Dissolve a branch on a date; its records and history stay."""
    check_write_scope(user=user, code=branch.region_id, field="region")
    if branch.status == BranchStatus.DISSOLVED:
        message = _("The branch is already dissolved.")
        raise ValidationError({"status": ValidationError(message, code=BRANCH_ALREADY_DISSOLVED)})
    with restore_on_error(branch, "status", "dissolved_on"):
        branch.status = BranchStatus.DISSOLVED
        branch.dissolved_on = dissolved_on
        return _save_branch(branch, user=user, parent_changed=False)


def standard_applies_at(standard: Standard, code: str | None) -> bool:
    """Whether ``standard`` applies at the region ``code`` (None: the whole country): set
    everywhere, or at that region or one above it."""
    if not standard.region_id:
        return True
    return code is not None and code.startswith(standard.region_id)


def _standard_for(branch: Branch, standard: Standard | None) -> Standard:
    """The standard given, or the default one; it must apply at the branch's region."""
    if standard is None:
        standard = Standard.objects.filter(is_default=True).first()
        if standard is None:
            message = _("No default standard is set: choose one.")
            raise ValidationError({"standard": ValidationError(message, code=NO_DEFAULT_STANDARD)})
    if not standard_applies_at(standard, branch.region_id):
        message = _("This standard does not apply at the branch's region.")
        raise ValidationError({"standard": ValidationError(message, code=STANDARD_NOT_APPLICABLE)})
    return standard


def check_items(items: list[StandardItem], standard: Standard) -> None:
    if any(item.standard_id != standard.pk for item in items):
        message = _("Every item met must belong to the standard.")
        raise ValidationError({"items_met": ValidationError(message, code=ITEM_NOT_IN_STANDARD)})


@transaction.atomic
def assessment_record(
    *,
    branch: Branch,
    assessed_on: date,
    items_met: Iterable[StandardItem],
    standard: Standard | None = None,
    note: str = "",
    user: User | None = None,
) -> Assessment:
    """Record which items of a standard (the default one unless given) a branch met."""
    check_write_scope(user=user, code=branch.region_id, field="branch")
    standard = _standard_for(branch, standard)
    items = list({item.pk: item for item in items_met}.values())
    check_items(items, standard)
    assessment = Assessment(
        branch=branch,
        standard=standard,
        assessed_on=assessed_on,
        note=note.strip(),
        met_count=len(items),
        item_count=standard.items.count(),
    )
    validate_model(assessment)
    assessment.save()
    assessment.items_met.set(items)
    return assessment


# Region vintages (docs/REGIONS.md): what happens to the records of each closed unit.
MOVE = "move"
STAY = "stay"
NO_SUCCESSOR = "no_successor"
NAME_TAKEN = "name_taken"
LISTED = "listed"
RECORD_COLUMNS = ("record", "id", "name", "region_code", "successor_code", "action")


@dataclass
class RecordPlan:
    """A branch or user at a closed unit, its successor and what the vintage does with it."""

    record: str
    id: int
    name: str
    region_code: str
    successor_code: str
    action: str

    def row(self) -> list:
        return [getattr(self, column) for column in RECORD_COLUMNS]


def vintage_plan(*, comparison: Comparison, move_users: bool) -> list[RecordPlan]:
    """The branches and users at the closed units and their fate; counts them into the
    comparison's rows (three queries)."""
    successors = {c.code: c.successor_code for c in comparison.closed}
    branches = Branch.objects.filter(region_id__in=successors).order_by("region_id", "name")
    taken = set(
        Branch.objects.filter(region_id__in=set(successors.values()) - {""}).values_list(
            "region_id", "name"
        )
    )
    plans = []
    for pk, name, unit in branches.values_list("pk", "name", "region_id"):
        successor = successors[unit]
        action = _branch_action(unit, successor, (successor, name) in taken)
        if action == MOVE:
            taken.add((successor, name))
        plans.append(RecordPlan("branch", pk, name, unit, successor, action))
    users = get_user_model().objects.filter(region_id__in=successors).order_by("region_id", "pk")
    for pk, name, unit in users.values_list("pk", "username", "region_id"):
        successor = successors[unit]
        action = _branch_action(unit, successor, False)
        if action == MOVE and not move_users:
            action = LISTED
        plans.append(RecordPlan("user", pk, name, unit, successor, action))
    for change in comparison.closed:
        change.branches = sum(p.record == "branch" and p.region_code == change.code for p in plans)
        change.users = sum(p.record == "user" and p.region_code == change.code for p in plans)
    return plans


def _branch_action(unit: str, successor: str, name_taken: bool) -> str:
    if not successor:
        return NO_SUCCESSOR
    if successor == unit:
        return STAY
    return NAME_TAKEN if name_taken else MOVE


@transaction.atomic
def region_vintage_apply(
    *,
    name: str,
    package: str,
    effective_on: date,
    comparison: Comparison,
    move_users: bool = False,
) -> tuple[Vintage, list[RecordPlan]]:
    """Apply a compared vintage in one transaction: open, rename and close units, move the
    branches (and with ``move_users`` the users) of closed units to their successors, and
    record the changes; the history names the vintage as the reason of every write."""
    vintage, _created = Vintage.objects.get_or_create(
        name=name, defaults={"package": package, "effective_on": effective_on}
    )
    # Locking the closing units holds back writers registering or moving a branch to one of
    # them (their foreign-key check shares the row) until the moves are committed.
    closing = Region.objects.filter(code__in=[c.code for c in comparison.closed])
    list(closing.order_by("code").select_for_update().values_list("code", flat=True))
    plans = vintage_plan(comparison=comparison, move_users=move_users)
    reason = _("Region vintage %(name)s") % {"name": name}
    with write_context(source=Source.SYSTEM, reason=reason, effective_on=effective_on):
        _apply_units(comparison, effective_on)
        VintageChange.objects.bulk_create(
            VintageChange(vintage=vintage, **_change_fields(change))
            for change in comparison.changes
        )
        _move(Branch.objects.all(), plans, "branch", updated_at=Now())
        _move(get_user_model().objects.all(), plans, "user")
    return vintage, plans


def _apply_units(comparison: Comparison, effective_on: date) -> None:
    written = sorted(comparison.opened | comparison.renamed)
    if written:
        regions.load((code, comparison.new[code]) for code in written)
    Region.objects.filter(code__in=comparison.opened).update(valid_from=effective_on, valid_to=None)
    gone = {c.code for c in comparison.closed} - comparison.opened
    Region.objects.filter(code__in=gone, valid_to__isnull=True).update(valid_to=effective_on)


def _change_fields(change) -> dict:
    fields = ("change", "code", "name", "old_code", "old_name", "successor_code", "basis", "share")
    return {field: getattr(change, field) for field in fields}


def _move(rows: models.QuerySet, plans: list[RecordPlan], record: str, **extra) -> None:
    """One UPDATE per successor: the triggers copy the code onto the records and move the
    summaries' figures, the history records each row with the write's context."""
    by_successor: dict[str, list[int]] = defaultdict(list)
    for plan in plans:
        if plan.record == record and plan.action == MOVE:
            by_successor[plan.successor_code].append(plan.id)
    for successor, ids in sorted(by_successor.items()):
        rows.filter(pk__in=ids).update(region_id=successor, **extra)
