"""Send the weekly to-do digest (portal.digest): run it once a week (cron, a systemd timer)."""

from django.core.management.base import BaseCommand

from portal.digest import send_digests


class Command(BaseCommand):
    help = "Email each staffer what waits in their region (their to-do list), once a week."

    def handle(self, *args, **options):
        sent, users = send_digests()
        self.stdout.write(f"{sent} digests sent ({users - sent} recipients had nothing waiting).")
