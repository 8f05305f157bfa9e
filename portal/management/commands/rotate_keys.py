"""manage.py rotate_keys: re-encrypt personal data with the current key, in batches.

Run it after putting a new key first in the personal-data key file (the old ones stay below
it until this has run), and once after upgrading from a version that stored ID and phone
numbers unencrypted. Each batch is its own short transaction: the portal stays up. Values
already under the current key are left alone; blind indexes that do not match their value
(a new index key, or values stored before encryption) are recomputed. History rows are
re-encrypted too, without adding history: the values do not change, only their keys.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core import crypto
from core.fields import EncryptedCharField

BATCH = 2000


def encrypted_tables() -> list[tuple]:
    """(model, [(encrypted column, its index column or None)]) of every model that holds
    encrypted fields, history models included."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = []
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedCharField):
                names = {f.name: f for f in model._meta.concrete_fields}
                index = names.get(f"{field.name}_index")
                columns.append((field.column, index.column if index is not None else None))
        if columns:
            found.append((model, columns))
    return found


class Command(BaseCommand):
    help = "Re-encrypt ID and phone numbers with the current personal-data key, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH)
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args, batch, dry_run, **options):
        current = crypto.keys().current
        total = 0
        for model, columns in encrypted_tables():
            changed = self._table(model, columns, batch, dry_run)
            total += changed
            self.stdout.write(f"{model._meta.db_table}: {changed:,} rows re-encrypted")
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"{verb} {total:,} rows; current key {current}")

    def _table(self, model, columns, batch, dry_run) -> int:
        table, pk = model._meta.db_table, model._meta.pk.column
        selected = ", ".join(
            f'"{column}"' + (f', "{index}"' if index else "") for column, index in columns
        )
        last, changed = None, 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                where = f'WHERE "{pk}" > %s' if last is not None else ""
                cursor.execute(
                    f'SELECT "{pk}", {selected} FROM "{table}" {where} ORDER BY "{pk}" LIMIT %s',  # noqa: S608 (names from the models)
                    [last, batch] if last is not None else [batch],
                )
                rows = cursor.fetchall()
                if not rows:
                    return changed
                last = rows[-1][0]
                updates = [u for row in rows if (u := self._row(row, columns))]
                changed += len(updates)
                if updates and not dry_run:
                    self._write(cursor, table, pk, columns, updates)

    @staticmethod
    def _row(row, columns):
        """The row's new values, or None when it needs no change."""
        values, position, dirty = [row[0]], 1, False
        for _column, index in columns:
            stored = row[position]
            plain = crypto.decrypt(stored) if stored else stored
            fresh = crypto.encrypt(plain) if plain else plain
            dirty |= fresh != stored  # the same value under the same key is stored the same
            values.append(fresh)
            position += 1
            if index:
                wanted = crypto.blind_index(plain or "")
                dirty |= row[position] != wanted
                values.append(wanted)
                position += 1
        return values if dirty else None

    @staticmethod
    def _write(cursor, table, pk, columns, updates):
        # The table's own triggers stand aside (history, append-only guards): the values are
        # the same, only their encryption changes.
        cursor.execute(
            "SELECT coalesce(array_agg(tgname), '{}') FROM pg_trigger "
            "WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        names = cursor.fetchone()[0]
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(names) + "}"]
        )
        assigned, names_out = [], []
        for column, index in columns:
            names_out.append(column)
            assigned.append(f'"{column}" = v."{column}"')
            if index:
                names_out.append(index)
                assigned.append(f'"{index}" = v."{index}"')
        width = len(names_out) + 1
        placeholders = ", ".join("(" + ", ".join(["%s"] * width) + ")" for _ in updates)
        as_columns = ", ".join(f'"{name}"' for name in ["_pk", *names_out])
        cursor.execute(
            f'UPDATE "{table}" t SET {", ".join(assigned)} '  # noqa: S608 (names from the models)
            f"FROM (VALUES {placeholders}) AS v({as_columns}) "
            f'WHERE t."{pk}" = v."_pk"',
            [value for row in updates for value in row],
        )
