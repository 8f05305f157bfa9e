"""manage.py backup [FILE]: dump the database (pg_dump custom format)."""

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal import backup


class Command(BaseCommand):
    help = "Back up the whole database to FILE (default var/backups/portal-<time>.dump)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path)

    def handle(self, *args, file, **options):
        if file is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            file = Path("var") / "backups" / f"portal-{stamp}.dump"
        file.parent.mkdir(parents=True, exist_ok=True)
        try:
            backup.backup(file)
        except subprocess.CalledProcessError as error:
            raise CommandError(f"pg_dump failed: {error.stderr.decode().strip()}") from error
        self.stdout.write(f"backed up to {file} ({file.stat().st_size:,} bytes)")
