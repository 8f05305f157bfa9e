"""The summary declarations (core.summaries): the triggers the migrations installed are the
ones they generate, and ``manage.py summary_triggers`` writes the migration when they are not."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from core import summaries
from core.summaries import migration_sql, summary_tables, trigger_functions

pytestmark = pytest.mark.django_db

SUMMARY_APPS = ["orgs", "members", "funds"]


@pytest.mark.parametrize("app_label", SUMMARY_APPS)
def test_installed_summary_triggers_match_the_declarations(app_label):
    """Fails when a summary declaration changed: run makemigrations, then
    ``manage.py summary_triggers <app>`` on a migrated database."""
    with connection.cursor() as cursor:
        forward, _backward = migration_sql(cursor, app_label)
    assert forward == "", f"run manage.py summary_triggers {app_label}"


def test_every_declared_column_is_a_column_of_its_table():
    for model in summary_tables():
        columns = {field.column for field in model._meta.concrete_fields}
        declared = {"region_code", *model.summary.keys, *model.summary.figures}
        if model.summary.figures:
            assert declared == columns, model.__name__


def test_each_table_of_records_has_one_trigger_function_writing_in_declaration_order():
    [donations] = [
        function for function in trigger_functions() if function.table == "funds_donation"
    ]
    written = [
        table
        for table in (model._meta.db_table for model in summary_tables())
        if f"INSERT INTO {table} AS s" in donations.body
    ]
    positions = [donations.body.index(f"INSERT INTO {table} AS s") for table in written]
    assert positions == sorted(positions)
    assert written[0] == "funds_donationsummary"


def write(tmp_path, monkeypatch, app_label: str, **options) -> dict:
    """Run the command into a scratch folder; the namespace of the migration written."""
    (tmp_path / "migrations").mkdir()
    monkeypatch.setattr(apps.get_app_config(app_label), "path", str(tmp_path))
    call_command("summary_triggers", app_label, name="again", stdout=open(tmp_path / "out", "w"))  # noqa: SIM115
    written = list((tmp_path / "migrations").glob("*_again.py"))
    if not written:
        return {}
    namespace = {}
    exec(compile(written[0].read_text(), str(written[0]), "exec"), namespace)  # noqa: S102
    return namespace


def test_summary_triggers_writes_nothing_when_the_database_is_as_declared(tmp_path, monkeypatch):
    assert write(tmp_path, monkeypatch, "members") == {}
    assert "No changes" in (tmp_path / "out").read_text()


def test_summary_triggers_writes_a_migration_that_restores_the_declared_triggers(
    tmp_path, monkeypatch
):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER members_volunteer_summarize_insert ON members_volunteer")
        cursor.execute(
            "CREATE OR REPLACE FUNCTION members_member_summarize() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END; $$"
        )
    migration = write(tmp_path, monkeypatch, "members")
    [latest] = MigrationLoader(connection).graph.leaf_nodes("members")
    assert latest in migration["Migration"].dependencies
    assert "CREATE TRIGGER members_volunteer_summarize_insert" in migration["FORWARD"]
    assert "CREATE OR REPLACE FUNCTION members_member_summarize()" in migration["FORWARD"]
    assert "BEGIN RETURN NULL; END;" in migration["BACKWARD"]
    with connection.cursor() as cursor:
        cursor.execute(migration["FORWARD"])
        assert migration_sql(cursor, "members") == ("", "")
        cursor.execute(migration["BACKWARD"])
        assert migration_sql(cursor, "members")[0] == migration["FORWARD"]


def test_a_stale_summary_function_is_dropped_and_restored_on_the_way_back(tmp_path, monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION members_old_summarize() RETURNS trigger LANGUAGE plpgsql"
            " AS $$ BEGIN RETURN NULL; END; $$"
        )
        cursor.execute(
            "CREATE TRIGGER members_old_summarize_insert AFTER INSERT ON members_member"
            " FOR EACH STATEMENT EXECUTE FUNCTION members_old_summarize()"
        )
    migration = write(tmp_path, monkeypatch, "members")
    assert migration["FORWARD"] == (
        "DROP TRIGGER IF EXISTS members_old_summarize_insert ON members_member;\n"
        "DROP FUNCTION IF EXISTS members_old_summarize();\n"
    )
    with connection.cursor() as cursor:
        cursor.execute(migration["FORWARD"])
        assert migration_sql(cursor, "members") == ("", "")
        cursor.execute(migration["BACKWARD"])
        assert migration_sql(cursor, "members")[0] == migration["FORWARD"]


def test_core_summaries_imports_no_project_app():
    source = Path(summaries.__file__).read_text()
    imported = {
        node.module.split(".")[0] if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    # core is its own app: the domain apps (orgs, members, funds…) are what it must not import.
    allowed = {"__future__", "collections", "dataclasses", "decimal", "typing", "django", "core"}
    assert imported <= allowed


def test_a_new_summary_table_is_filled_from_the_records(tmp_path, monkeypatch):
    from tests.factories import MemberFactory

    MemberFactory.create_batch(2)
    with connection.cursor() as cursor:
        cursor.execute("DROP FUNCTION members_membersummary_to_county() CASCADE")
        cursor.execute("TRUNCATE members_countymembersummary")
    migration = write(tmp_path, monkeypatch, "members")
    assert migration["FORWARD"].startswith("LOCK TABLE members_member, ")
    with connection.cursor() as cursor:
        cursor.execute(migration["FORWARD"])
        cursor.execute("SELECT sum(members) FROM members_countymembersummary")
        assert cursor.fetchone() == (2,)
