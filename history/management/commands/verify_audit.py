"""manage.py verify_audit: walk the audit trail's hash chain; exit 1 at the first broken link.

The walk starts where the last pruned partition ended (its last hash, ``AuditPrune``), else
at the start of the chain, and ends at the chain's head.
"""

import sys

from django.core.management.base import BaseCommand

from history.audit_trail import BrokenLink, chain_start, verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; report the first broken link (exit code 1)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        start, _hash = chain_start(database)
        try:
            checked = verify_chain(database)
        except BrokenLink as broken:
            self.stderr.write(f"Broken link at event {broken.seq}: {broken.problem}.")
            sys.exit(1)
        self.stdout.write(f"The audit trail is intact: {checked} events after event {start}.")
