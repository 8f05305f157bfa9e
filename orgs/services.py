"""Writes of the orgs app: registering, changing, moving and dissolving branches; assessments.

The helpers ``validate_model``, ``restore_on_error`` and
``reject_unknown_fields`` are shared by the other apps' services.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from core.access import check_write_scope
from core.errors import code
from orgs.choices import BranchStatus
from orgs.models import BRANCH_FIELDS, Assessment, Branch, Region, Standard, StandardItem
from orgs.validators import validate_phone

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


def _standard_for(branch: Branch, standard: Standard | None) -> Standard:
    """The standard given, or the default one; it must apply at the branch's region."""
    if standard is None:
        standard = Standard.objects.filter(is_default=True).first()
        if standard is None:
            message = _("No default standard is set: choose one.")
            raise ValidationError({"standard": ValidationError(message, code=NO_DEFAULT_STANDARD)})
    if standard.region_id and not branch.region_id.startswith(standard.region_id):
        message = _("This standard does not apply at the branch's region.")
        raise ValidationError({"standard": ValidationError(message, code=STANDARD_NOT_APPLICABLE)})
    return standard


def _check_items(items: list[StandardItem], standard: Standard) -> None:
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
    _check_items(items, standard)
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
