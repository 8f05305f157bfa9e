"""manage.py seed_demo: the demo data set (Jiangxi, Ji'an in depth) and the demo accounts.

Needs the regions first (``load_regions``, then ``load_regions --levels 5 --province 3608``).
The data set is generated once: when it is there already, only the accounts are ensured and
their passwords reset to the printed ones.
"""

import os
import time
from base64 import b32decode

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.access import requires_second_factor
from orgs.models import Region
from portal import demo
from portal.management.commands.adduser import (
    bilingual,
    region_label,
    render_table,
    role_label,
    user_ensure,
)

#: Where the printed accounts sign in: `make demo` passes its HOST and PORT.
SITE = os.environ.get("DEMO_URL", "http://127.0.0.1:8000/")
HEADERS = [
    gettext_lazy("Web address"),
    gettext_lazy("Username"),
    gettext_lazy("Password"),
    gettext_lazy("Role"),
    gettext_lazy("Region"),
]


class Command(BaseCommand):
    help = (
        "Generate the demo data set (Jiangxi province, Ji'an city in depth, reported figures "
        "reproduced) unless it is there, and ensure the demo accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help="random seed: the same seed gives the same data (default %(default)s)",
        )

    def handle(self, *args, seed, **options):
        missing = demo.missing_regions()
        if missing:
            commands = "\n".join(f"  python manage.py {command}" for command in missing)
            raise CommandError(
                _("The demo data set needs the region tree. Run first:") + "\n" + commands
            )
        if demo.exists():
            self.stdout.write(_("The demo data set is already there: nothing generated."))
        else:
            self.generate(seed)
        self.stdout.write(self.accounts_table())

    def generate(self, seed: int) -> None:
        started = time.monotonic()
        counts = demo.write(demo.build(seed=seed))
        seconds = time.monotonic() - started
        self.stdout.write(
            _("Demo data set generated (seed %(seed)s) in %(seconds).1f s:")
            % {"seed": seed, "seconds": seconds}
        )
        for table, count in counts.items():
            self.stdout.write(f"  {table:<28} {count:>8,}")
        for label, amount in demo.figures():
            self.stdout.write(f"  {label}: {amount:,.2f}")

    def accounts_table(self) -> str:
        """Ensure the demo accounts (passwords reset) and list them with where to sign in."""
        rows, enrolled = [], []
        for account in demo.ACCOUNTS:
            region = Region.objects.get(code=account.region) if account.region else None
            user, _created = user_ensure(
                username=account.username, region=region, role=account.role,
                password=account.password, superuser=account.superuser, reset=True,
            )  # fmt: skip
            if requires_second_factor(user):
                enrol_demo_authenticator(user)
                enrolled.append(user.username)
            address = f"{SITE}admin/" if account.superuser else SITE
            row = [address, user.username, account.password, role_label(user), region_label(region)]
            rows.append(row)
        heading = bilingual(gettext_lazy("Demo accounts"))
        table = render_table([bilingual(header) for header in HEADERS], rows)
        return f"\n{heading}\n{table}\n{self.two_factor_note(enrolled)}"

    @staticmethod
    def two_factor_note(users: list[str]) -> str:
        """How the demo accounts that need it pass the second factor."""
        if not users:
            return ""
        lines = [
            bilingual(gettext_lazy("Two-factor login")) + f" ({', '.join(users)}):",
            "  "
            + _("authenticator key (time-based, 6 digits, 30 s): %(secret)s")
            % {"secret": demo.DEMO_TOTP_SECRET},
            "  "
            + _("or print the current code: %(command)s")
            % {"command": "DEBUG=1 .venv/bin/python manage.py demo_code"},
        ]
        return "\n".join(lines)


def enrol_demo_authenticator(user) -> None:
    """The demo account's authenticator, with the demo key (reset at every run)."""
    TOTPDevice.objects.update_or_create(
        user=user,
        name="demo",
        defaults={"key": b32decode(demo.DEMO_TOTP_SECRET).hex(), "confirmed": True},
    )
