"""A record's events as the history page shows them: who, when, from where, before → after."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.formats import localize
from django.utils.translation import gettext_lazy as _

from core.context import Source

#: What a history shows for a related row the viewer may not see, and for one deleted since.
OUT_OF_SCOPE = _("(a record outside your area)")
DELETED = _("(deleted record)")
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
    readable: Callable[[type[models.Model]], models.QuerySet] | None = None,
) -> list[Row]:
    """Rows for ``events`` (oldest first), newest first; ``masks`` hide personal fields,
    ``actor(context)`` gives who made each change and from where, as the viewer may see it,
    ``readable(model)`` the related rows the viewer may see by name (others show
    ``OUT_OF_SCOPE``; None: every row).

    A change compares an event with the one before it; a creation shows the values set,
    a deletion the last values.
    """
    fields = _fields(model, events[0]) if events else []
    names = _related_names(fields, events, readable)
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


def _related_names(fields, events: list, readable=None) -> dict[str, dict]:
    """For each foreign key, the name (``__str__``) of each row the events point at, as the
    viewer may see it (one query each; a second for rows the viewer may not read)."""
    names = {}
    for f in fields:
        if f.is_relation and (f.many_to_one or f.one_to_one):
            ids = {getattr(event, f.attname) for event in events} - {None}
            names[f.name] = _names(f.related_model, ids, readable) if ids else {}
    return names


def _names(model, ids: set, readable=None) -> dict:
    rows = model._base_manager.all() if readable is None else readable(model)
    names = {pk: str(row) for pk, row in rows.in_bulk(ids).items()}
    hidden = ids - set(names)
    if hidden:
        existing = set(model._base_manager.filter(pk__in=hidden).values_list("pk", flat=True))
        names |= {pk: str(OUT_OF_SCOPE if pk in existing else DELETED) for pk in hidden}
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
        return names[field.name].get(value, str(DELETED))
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
        source=_source_label(source, context.get("reason")),
        ip=ip,
        changes=changes,
    )


def _source_label(source: str, reason: str | None) -> str:
    """The source's label, with the reason of the write when one was recorded."""
    label = str(Source(source).label) if source in Source.values else source
    return f"{label}: {reason}" if reason else label
