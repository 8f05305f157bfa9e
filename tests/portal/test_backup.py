"""make backup / make restore: back up, change, restore, compare."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from orgs.models import Branch
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = ["orgs_region", "orgs_branch", "orgs_standarditem", "portal_user"]


def fingerprint() -> dict[str, str]:
    """An md5 of every row of the main tables, in key order (one query per table)."""
    result = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t")  # noqa: S608
            result[table] = cursor.fetchone()[0]
    return result


def test_backup_then_restore_round_trips_the_database(tmp_path, county_staff):
    BranchFactory(name="备份前的组织")
    before = fingerprint()
    dump = tmp_path / "portal.dump"
    call_command("backup", str(dump))
    BranchFactory(name="备份后的组织")
    Branch.objects.filter(name="备份前的组织").update(status="dormant")
    assert fingerprint() != before

    call_command("restore", str(dump))

    assert fingerprint() == before
    assert Branch.objects.get(name="备份前的组织").status == "active"
    assert not Branch.objects.filter(name="备份后的组织").exists()


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", str(tmp_path / "none.dump"))


def test_restore_of_a_damaged_file_changes_nothing(tmp_path):
    BranchFactory(name="原有组织")
    before = fingerprint()
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(b"PGDMP this is not a dump")
    with pytest.raises(CommandError, match="pg_restore failed"):
        call_command("restore", str(damaged))
    assert fingerprint() == before
