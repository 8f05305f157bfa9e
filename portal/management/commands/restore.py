"""manage.py restore FILE: replace the database's contents with a backup."""

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = "Restore the database from FILE, made by manage.py backup (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        if not file.is_file():
            raise CommandError(f"No backup at {file}.")
        try:
            backup.restore(file)
        except backup.BackupError as error:
            raise CommandError(f"{error} Nothing was restored.") from error
        except subprocess.CalledProcessError as error:
            raise CommandError(f"pg_restore failed: {error.stderr.decode().strip()}") from error
        self.stdout.write(f"restored from {file}")
