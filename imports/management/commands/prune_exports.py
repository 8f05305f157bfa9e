"""manage.py prune_exports: delete export files older than EXPORT_RETENTION_DAYS (daily, by cron)."""

from django.core.management.base import BaseCommand

from imports.exports import prune_exports


class Command(BaseCommand):
    help = "Delete the background exports (and their files) older than EXPORT_RETENTION_DAYS."

    def handle(self, *args, **options):
        self.stdout.write(f"deleted {prune_exports()} export(s)")
