"""manage.py backup [FILE]: dump the database (pg_dump custom format), encrypted with a key."""

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal import backup


class Command(BaseCommand):
    help = (
        "Back up the whole database to FILE (default var/backups/portal-<time>.dump), "
        "encrypted with the key of BACKUP_KEY_FILE when it is set."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument(
            "--create-key",
            type=Path,
            metavar="PATH",
            help="write a new random backup key to PATH (never inside the database) and stop",
        )

    def handle(self, *args, file, create_key, **options):
        if create_key is not None:
            try:
                backup.create_key(create_key)
            except FileExistsError as error:
                raise CommandError(f"{create_key} exists: a key is never overwritten.") from error
            self.stdout.write(
                f"key written to {create_key}: set BACKUP_KEY_FILE={create_key} and keep a copy "
                "apart from the backups (without it they cannot be restored)"
            )
            return
        if file is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            file = Path("var") / "backups" / f"portal-{stamp}.dump"
        file.parent.mkdir(parents=True, exist_ok=True)
        try:
            encrypted = backup.backup(file)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        except subprocess.CalledProcessError as error:
            raise CommandError(f"pg_dump failed: {error.stderr.decode().strip()}") from error
        how = "encrypted (AES-256-GCM)" if encrypted else "NOT encrypted: set BACKUP_KEY_FILE"
        self.stdout.write(f"backed up to {file} ({file.stat().st_size:,} bytes, {how})")
