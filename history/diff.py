"""A record's events as the history page shows them: who, when, from where, before → after."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.formats import localize
from django.utils.translation import gettext_lazy as _

from core.context import Source

LABELS = {"insert": _("Created"), "update": _("Changed"), "delete": _("Deleted")}
#: Stamps every save moves; the history shows what people changed.
SKIPPED = {"created_at", "updated_at"}


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass
class Row:
    """One event: when, who, from where, and the fields it set, changed or removed."""

    at: Any
    action: str
    username: str
    source: str
    ip: str
    changes: list[Change] = field(default_factory=list)


def history_rows(
    model,
    events: list,
    *,
    masks: dict[str, Callable[[str], str]],
    actor: Callable[[dict], tuple[str, str]] | None = None,
) -> list[Row]:
    """Rows for ``events`` (oldest first), newest first; ``masks`` hide personal fields,
    ``actor(context)`` gives who made each change and from where, as the viewer may see it.

    A change compares an event with the one before it; a creation shows the values set,
    a deletion the last values.
    """
    fields = _fields(model, events[0]) if events else []
    names = _related_names(fields, events)
    rows, previous = [], None
    for event in events:
        values = {f.name: _shown(f, getattr(event, f.attname), masks, names) for f in fields}
        rows.append(_row(event, _changes(event.pgh_label, fields, previous, values), actor))
        previous = values
    return rows[::-1]


def _fields(model, event) -> list[models.Field]:
    """The model's fields the events hold, in the model's order."""
    held = {f.name for f in event._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.name in held and f.name not in SKIPPED and not f.primary_key
    ]


def _related_names(fields, events: list) -> dict[str, dict]:
    """For each foreign key, the names of the rows the events point at (one query each)."""
    names = {}
    for f in fields:
        if f.is_relation and f.many_to_one:
            ids = {getattr(event, f.attname) for event in events} - {None}
            rows = f.related_model._base_manager.in_bulk(ids) if ids else {}
            names[f.name] = {pk: f"{row} (#{pk})" for pk, row in rows.items()}
    return names


def _changes(label: str, fields, previous: dict | None, values: dict) -> list[Change]:
    empty = "—"
    if label == "delete":
        return [Change(f.name, f.verbose_name, values[f.name], empty) for f in fields]
    if label == "insert" or previous is None:
        return [
            Change(f.name, f.verbose_name, empty, values[f.name])
            for f in fields
            if values[f.name] != empty
        ]
    return [
        Change(f.name, f.verbose_name, previous[f.name], values[f.name])
        for f in fields
        if previous[f.name] != values[f.name]
    ]


def _shown(field: models.Field, value, masks: dict, names: dict) -> str:
    """The value as text: choices by label, a related row by name, masked if personal and
    the viewer may not see it."""
    if value is None or value == "":
        return "—"
    if field.name in masks:
        return masks[field.name](str(value))
    if field.name in names:
        return names[field.name].get(value, f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return str(localize(value))


def _row(event, changes: list[Change], actor=None) -> Row:
    context = event.pgh_context or {}
    source = context.get("source") or Source.SYSTEM
    username, ip = (context.get("username") or "", context.get("ip") or "")
    if actor is not None:
        username, ip = actor(context)
    return Row(
        at=event.pgh_created_at,
        action=str(LABELS.get(event.pgh_label, event.pgh_label)),
        username=username,
        source=str(Source(source).label) if source in Source.values else source,
        ip=ip,
        changes=changes,
    )
