"""The history triggers installed by the migrations are the ones the models compile to."""

import pytest
from django.db import connection

from history import triggers

pytestmark = pytest.mark.django_db


def installed() -> dict[str, str]:
    """``{trigger name: hash}`` of the history triggers in the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, obj_description(oid, 'pg_trigger') FROM pg_trigger "
            "WHERE tgname LIKE 'history\\_%%'"
        )
        return dict(cursor.fetchall())


def test_installed_triggers_match_the_models():
    """Fails when a tracked model changed: run makemigrations history, then history_triggers."""
    expected = {trigger.sql.pgid: trigger.hash for trigger in triggers.compiled()}
    assert installed() == expected


def test_no_tracked_app_registers_history_triggers():
    """The triggers live in history's migrations, never in the tracked apps' model state."""
    for model, _trigger in triggers.TRIGGERS:
        names = [trigger.name for trigger in getattr(model._meta, "triggers", [])]
        assert not [name for name in names if name in ("insert", "update", "delete")]


def test_history_triggers_writes_a_migration_with_every_trigger(tmp_path, monkeypatch):
    from django.apps import apps
    from django.core.management import call_command

    (tmp_path / "migrations").mkdir()
    monkeypatch.setattr(apps.get_app_config("history"), "path", str(tmp_path))
    call_command("history_triggers", name="again", stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    [written] = (tmp_path / "migrations").glob("*_again.py")
    namespace = {}
    exec(compile(written.read_text(), str(written), "exec"), namespace)  # noqa: S102
    migration = namespace["Migration"]
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    [latest] = MigrationLoader(connection).graph.leaf_nodes("history")
    assert latest in migration.dependencies
    assert len(namespace["INSTALL"]) == len(triggers.TRIGGERS)
