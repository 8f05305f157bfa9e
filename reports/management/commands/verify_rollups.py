"""manage.py verify_rollups: rebuild every summary from the records, compare with the live one.

The triggers keep the summaries exact in every writing transaction; this is the nightly proof,
and the repair should a trigger ever have been bypassed (triggers disabled, a session with
``session_replication_role = replica``, a TRUNCATE). Each declared summary is rebuilt from
the records (``core.summaries.rebuild_sql``) into a temporary table and joined with the live
table; every row whose figures differ is reported, and the command exits non-zero.
``--repair`` rewrites the differing rows from the records instead.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models
from django.utils.translation import gettext as _

from core.summaries import SummaryTable, rebuild_sql, summary_tables
from reports.models import RegionChange
from reports.rollups import one_snapshot


class _Columns:
    """The key and figure columns of a summary table, and SQL fragments over them."""

    def __init__(self, summary: type[SummaryTable]):
        self.table = summary._meta.db_table
        self.rebuilt = f"rebuilt_{self.table}"
        key_fields = summary._meta.pk_fields
        self.keys = [field.column for field in key_fields]
        self.figures = [field for field in summary._meta.concrete_fields if field not in key_fields]

    @staticmethod
    def _zero(field: models.Field) -> str:
        return "FALSE" if isinstance(field, models.BooleanField) else "0"

    def figures_of(self, alias: str) -> str:
        """The figures of one side, a missing row counting as zeros."""
        return ", ".join(f"coalesce({alias}.{f.column}, {self._zero(f)})" for f in self.figures)

    def matching(self, left: str, right: str) -> str:
        return " AND ".join(f"{left}.{key} = {right}.{key}" for key in self.keys)

    def diff_sql(self) -> str:
        keys = ", ".join(f"coalesce(l.{key}, r.{key})" for key in self.keys)
        return (
            f"SELECT {keys}, ROW({self.figures_of('l')}), ROW({self.figures_of('r')}) "  # noqa: S608 (table and column names)
            f"FROM {self.table} l FULL JOIN {self.rebuilt} r ON {self.matching('l', 'r')} "
            f"WHERE ({self.figures_of('l')}) IS DISTINCT FROM ({self.figures_of('r')}) "
            f"ORDER BY {', '.join(str(n) for n in range(1, len(self.keys) + 1))}"
        )

    def repair_sql(self) -> list[str]:
        """Remove rows with no records behind them; write the rebuilt figures where they differ."""
        columns = ", ".join(self.keys + [f.column for f in self.figures])
        figures = [f.column for f in self.figures]
        current = ", ".join(f"l.{column}" for column in figures)
        rebuilt = ", ".join(f"excluded.{column}" for column in figures)
        return [
            f"DELETE FROM {self.table} l WHERE NOT EXISTS "  # noqa: S608 (table and column names)
            f"(SELECT 1 FROM {self.rebuilt} r WHERE {self.matching('r', 'l')})",
            f"INSERT INTO {self.table} AS l ({columns}) "  # noqa: S608 (table and column names)
            f"SELECT {columns} FROM {self.rebuilt} ORDER BY {', '.join(self.keys)} "
            f"ON CONFLICT ({', '.join(self.keys)}) DO UPDATE "
            f"SET {', '.join(f'{c} = excluded.{c}' for c in figures)} "
            f"WHERE ({current}) IS DISTINCT FROM ({rebuilt})",
        ]


class Command(BaseCommand):
    help = (
        "Rebuild every rollup summary from the records and report where the live summaries "
        "differ (exit code 1 when they do); --repair rewrites them from the records."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="rewrite the summary rows that differ from the records",
        )

    def handle(self, *args, repair: bool, **options):
        # One snapshot for records and summaries alike, so concurrent writes cannot show as
        # differences; a repair first blocks writers (their triggers) until it commits.
        with one_snapshot(read_only=False), connection.cursor() as cursor:
            if repair:
                # In the order the triggers write them, as writers would lock them.
                tables = ", ".join(summary._meta.db_table for summary in summary_tables())
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
            found = sum(
                self._verify(cursor, summary, repair=repair)
                for summary in summary_tables()
                if summary.summary.verified
            )
            if repair and found:
                # Figures changed without a write: every rollup's ETag changes too.
                cursor.execute(
                    f"UPDATE {RegionChange._meta.db_table} "  # noqa: S608 (a model's table)
                    "SET changes = changes + 1, changed_at = statement_timestamp()"
                )
        if not found:
            self.stdout.write(
                self.style.SUCCESS(_("No differences: the summaries match the records."))
            )
        elif repair:
            message = _("Differences repaired: %(count)d.") % {"count": found}
            self.stdout.write(self.style.SUCCESS(message))
        else:
            raise CommandError(
                _("Differences between the summaries and the records: %(count)d.")
                % {"count": found}
            )

    def _verify(self, cursor, summary: type[SummaryTable], *, repair: bool) -> int:
        """Rebuild one summary, report its differing rows, repair them if asked; their number."""
        columns = _Columns(summary)
        cursor.execute(f"DROP TABLE IF EXISTS {columns.rebuilt}")
        source = summary.summary.copy_of
        # A copy is rebuilt from its source's rows rebuilt just before (summary_tables order).
        copied = _Columns(source).rebuilt if source is not None else ""
        cursor.execute(
            f"CREATE TEMPORARY TABLE {columns.rebuilt} ON COMMIT DROP AS "
            f"{rebuild_sql(summary, copied=copied)}"
        )
        cursor.execute(columns.diff_sql())
        differences = cursor.fetchall()
        names = ", ".join(f.column for f in columns.figures)
        for *key, live, expected in differences:
            self.stdout.write(
                _("%(table)s %(key)s (%(names)s): summary %(live)s, records %(expected)s")
                % {
                    "table": columns.table,
                    "key": "/".join(str(part) for part in key),
                    "names": names,
                    "live": live,
                    "expected": expected,
                }
            )
        if repair and differences:
            for sql in columns.repair_sql():
                cursor.execute(sql)
        return len(differences)
