"""make backup / make restore: back up, change, restore, compare."""

import base64
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from orgs.models import Branch
from portal import backup
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


@pytest.fixture
def backup_key(tmp_path, settings):
    """A backup key in a file of its own, set as BACKUP_KEY_FILE."""
    path = tmp_path / "keys" / "backup.key"
    call_command("backup", create_key=path)
    settings.BACKUP_KEY_FILE = str(path)
    return path


def plain_dump(path, tmp_path) -> bytes:
    out = tmp_path / "plain.dump"
    with out.open("wb") as file:
        backup.decrypt(path, file)
    return out.read_bytes()


def test_a_key_is_private_and_never_overwritten(backup_key):
    assert backup_key.stat().st_mode & 0o777 == 0o600
    assert len(base64.b64decode(backup_key.read_text())) == 32
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("backup", create_key=backup_key)


def test_an_encrypted_backup_reveals_nothing_and_round_trips(tmp_path, backup_key):
    BranchFactory(name="备份前的组织")
    before = fingerprint()
    dump = tmp_path / "portal.dump"
    out = StringIO()
    call_command("backup", str(dump), stdout=out)
    assert "encrypted (AES-256-GCM)" in out.getvalue()
    data = dump.read_bytes()
    assert data.startswith(backup.MAGIC) and b"PGDMP" not in data
    assert plain_dump(dump, tmp_path).startswith(b"PGDMP")  # pg_dump's own header, decrypted
    unencrypted = tmp_path / "unencrypted.dump"
    with override_settings(BACKUP_KEY_FILE=""):
        call_command("backup", str(unencrypted), stdout=StringIO())
    assert unencrypted.read_bytes().startswith(b"PGDMP")
    BranchFactory(name="备份后的组织")

    call_command("restore", str(dump), stdout=StringIO())

    assert fingerprint() == before
    assert not Branch.objects.filter(name="备份后的组织").exists()


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "other key", "no key"])
def test_an_encrypted_backup_that_cannot_be_proven_intact_restores_nothing(
    tmp_path, backup_key, settings, damage
):
    dump = tmp_path / "portal.dump"
    call_command("backup", str(dump), stdout=StringIO())
    BranchFactory(name="备份后的组织")
    before = fingerprint()
    data = bytearray(dump.read_bytes())
    if damage == "flipped byte":
        data[len(data) // 2] ^= 0x01
        dump.write_bytes(bytes(data))
    elif damage == "truncated":
        dump.write_bytes(bytes(data[: len(data) - 100]))
    elif damage == "other key":
        other = tmp_path / "other.key"
        call_command("backup", create_key=other)
        settings.BACKUP_KEY_FILE = str(other)
    else:
        settings.BACKUP_KEY_FILE = ""
    expected = (
        "set BACKUP_KEY_FILE" if damage == "no key" else "damaged or was made with another key"
    )
    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(dump))
    assert fingerprint() == before
