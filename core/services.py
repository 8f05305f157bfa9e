"""Helpers every app's services share: a database refusal worded as a validation error."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models


def constraint_message(model: type[models.Model], suffix: str) -> str:
    """The violation message of the model's constraint ``<app>_<model>_<suffix>``.

    For rules checked in Python that a named constraint states in the database too.
    """
    name = f"{model._meta.app_label}_{model._meta.model_name}_{suffix}"
    constraint = next(c for c in model._meta.constraints if c.name == name)
    return str(constraint.get_violation_error_message())


def constraint_name(error: IntegrityError) -> str | None:
    """The name of the constraint PostgreSQL says was violated, if it says."""
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)


def refusal(
    model: type[models.Model], name: str | None, *, unique_messages: dict | None = None
) -> ValidationError | None:
    """The ValidationError a violation of the constraint ``name`` of ``model`` means.

    A named constraint gives its own message (on its field when it names one); a unique
    column (PostgreSQL names it ``<table>_<column>_key``) gives the field's "already in use"
    message, as ``full_clean()`` would. None for a constraint the model does not declare.
    """
    if not name:
        return None
    for constraint in model._meta.constraints:
        if constraint.name == name:
            message = constraint.get_violation_error_message()
            fields = getattr(constraint, "fields", ()) or ()
            return (
                ValidationError({fields[0]: [message]})
                if len(fields) == 1
                else ValidationError(message)
            )
    table = model._meta.db_table
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key and name == f"{table}_{field.column}_key":
            message = (unique_messages or {}).get(field.name) or _unique_message(model, field)
            return ValidationError({field.name: [message]})
    return None


def _unique_message(model, field) -> str:
    return field.error_messages["unique"] % {
        "model_name": model._meta.verbose_name,
        "field_label": field.verbose_name,
    }


def save_or_refuse(instance: models.Model, *, unique_messages: dict | None = None) -> None:
    """Save; a constraint the database refuses (a check, or a unique value taken by a
    concurrent write) raises its ValidationError, so the caller answers 400, not 500.

    Call it inside the service's ``transaction.atomic()`` block: leaving the block with the
    error rolls back to its savepoint and the caller's transaction stays usable.
    """
    try:
        instance.save()
    except IntegrityError as error:
        refused = refusal(type(instance), constraint_name(error), unique_messages=unique_messages)
        if refused is None:
            raise
        raise refused from error
