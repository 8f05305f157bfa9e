"""manage.py prune_audit: archive and drop the audit trail's months past the retention.

Each monthly partition lying entirely before now − ``AUDIT_RETENTION_DAYS`` is written whole
to ``AUDIT_ARCHIVE_DIR`` as ``<partition>-<last seq>-<last hash>.csv.gz`` (every column, the
chain's hashes too, so that the file can be checked on its own), listed in ``manifest.csv``
there, recorded in ``AuditPrune`` (where ``verify_audit`` continues), and then dropped (the
only way rows leave the trail). The partitions of this month and the next are created too:
run it daily.
"""

import csv
import gzip
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections, transaction
from django.utils import timezone

from history.audit_trail import (
    CHAINED_FIELDS,
    ensure_partitions,
    partitions,
    retention_cutoff,
)
from history.models import AuditPrune

COLUMNS = ["id", "seq", "created_at", *CHAINED_FIELDS, "hash"]


class Command(BaseCommand):
    help = "Export (gzipped CSV) and drop the audit trail's months older than the retention."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument("--dry-run", action="store_true", help="only list the months")

    def handle(self, *args, database, dry_run, **options):
        folder = Path(settings.AUDIT_ARCHIVE_DIR)
        cutoff = retention_cutoff()
        old = [name for name, _start, end in partitions(database) if end <= cutoff]
        for name in old:
            if dry_run:
                self.stdout.write(f"{name} would be archived and dropped")
                continue
            prune = self.prune(name, folder, database)
            self.stdout.write(f"{name}: {prune.rows} events archived to {prune.file}, dropped")
        if not dry_run:
            # This process's memory of the months it made sure of holds this month and the next
            # only, never pruned: no need to forget it.
            made = ensure_partitions(using=database)
            for name in made:
                self.stdout.write(f"{name} created")

    def prune(self, name: str, folder: Path, database: str) -> AuditPrune:
        """Write the partition's rows to the archive, record its last link, drop it."""
        folder.mkdir(parents=True, exist_ok=True)
        connection = connections[database]
        with transaction.atomic(using=database), connection.cursor() as cursor:
            # No event enters the month while it is written out and dropped.
            cursor.execute(f"LOCK TABLE {name} IN ACCESS EXCLUSIVE MODE")
            cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM {name} ORDER BY seq")  # noqa: S608
            rows = cursor.fetchall()
            first_seq = rows[0][1] if rows else None
            last = AuditPrune.objects.using(database).order_by("-last_seq").first()
            last_seq, last_hash = (
                ((rows[-1][1], rows[-1][-1]) if rows else (last.last_seq, last.last_hash))
                if rows or last
                else (0, "0" * 64)
            )
            path = folder / f"{name}-{last_seq}-{last_hash}.csv.gz"
            partial = path.with_suffix(".part")
            with gzip.open(partial, "wt", encoding="utf-8", newline="") as file:
                writer = csv.writer(file)
                writer.writerow(COLUMNS)
                writer.writerows(rows)
            partial.replace(path)
            prune = AuditPrune.objects.using(database).create(
                partition=name,
                first_seq=first_seq,
                last_seq=last_seq,
                last_hash=last_hash,
                rows=len(rows),
                file=path.name,
            )
            with (folder / "manifest.csv").open("a", encoding="utf-8", newline="") as manifest:
                csv.writer(manifest).writerow(
                    [
                        timezone.now().isoformat(),
                        name,
                        first_seq,
                        last_seq,
                        last_hash,
                        len(rows),
                        path.name,
                    ]
                )
            cursor.execute(f"DROP TABLE {name}")
        return prune
