"""manage.py demo_code: the current one-time code of the demo accounts' authenticator key."""

import time
from base64 import b32decode

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from portal.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Print the current one-time code of the demo accounts (their public demo key), "
        "for signing in to the demo without an authenticator app."
    )

    def handle(self, *args, **options):
        step = 30
        left = step - int(time.time()) % step
        code = totp(b32decode(DEMO_TOTP_SECRET), step=step)
        self.stdout.write(f"{code:06d}  ({left} s)")
