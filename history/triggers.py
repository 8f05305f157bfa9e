"""The triggers that write history events, kept out of the tracked apps' migrations.

pghistory normally registers its triggers on the tracked model, and pgtrigger's migration
integration then puts them into that model's app (orgs, members, funds, portal). Here the
trackers hand their triggers to this module instead; ``history`` migrations install them
with RunSQL (see ``manage.py history_triggers``), and a test checks that what is installed
is what the models compile to.

The triggers are statement-level: one INSERT ... SELECT per statement from its transition
table, so a bulk_create of 10,000 rows writes its events in one go.
"""

import pghistory
import pgtrigger
from django.db import models
from pghistory.trigger import Event

#: (tracked model, trigger) for every tracker, filled as the event models are prepared.
TRIGGERS: list[tuple[type[models.Model], pgtrigger.Trigger]] = []


#: pghistory's statement-level triggers always upsert a row of its context table; our
#: events carry their context themselves (JSON), so that table is never written.
_CONTEXT_ROW = "WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) "


class HistoryTrigger(Event):
    """pghistory's event trigger, named ``history_…`` so pgtrigger's pruning leaves it alone."""

    def get_pgid(self, model) -> str:
        return "history" + super().get_pgid(model).removeprefix("pgtrigger")

    def get_func(self, model):
        func = super().get_func(model).func
        if _CONTEXT_ROW not in func:  # pragma: no cover (a pghistory upgrade changed the SQL)
            raise AssertionError("pghistory's trigger SQL changed: review HistoryTrigger.")
        func = func.replace(_CONTEXT_ROW, "").replace(", _pgh_attached_context;", ";")
        return pgtrigger.Func(func)


class _Tracked:
    """A pghistory tracker whose trigger is installed by a ``history`` migration."""

    level = pgtrigger.Statement

    def add_event_trigger(self, event_model):
        trigger = HistoryTrigger(
            event_model=event_model,
            label=self.label,
            name=self.trigger_name,
            row=self.row,
            operation=self.operation,
            condition=self.condition,
            level=self.level,
        )
        TRIGGERS.append((event_model.pgh_tracked_model, trigger))


class Inserted(_Tracked, pghistory.InsertEvent):
    """A row was created: its values."""

    trigger_name = "insert"


class Updated(_Tracked, pghistory.UpdateEvent):
    """A row changed (other than its ``updated_at`` stamp): its new values."""

    trigger_name = "update"
    condition = pgtrigger.AnyChange(exclude_auto=True)


class Deleted(_Tracked, pghistory.DeleteEvent):
    """A row was deleted: its last values."""

    trigger_name = "delete"


def every_change() -> tuple[pghistory.Tracker, ...]:
    """Fresh trackers of creates, changes and deletes (a tracker adapts to its model)."""
    return Inserted(), Updated(), Deleted()


def compiled() -> list:
    """The compiled SQL of every history trigger (pgtrigger's ``compiler.Trigger``)."""
    return [trigger.compile(model) for model, trigger in TRIGGERS]
