"""The password policy: length and character classes, no reuse of recent passwords, expiry.

Django runs the validators of ``AUTH_PASSWORD_VALIDATORS`` wherever a password is chosen (the
change and reset pages, the admin's forms, ``adduser``, ``createsuperuser``) and calls their
``password_changed`` once a new password is saved. ``PasswordExpiryMiddleware`` sends a
signed-in user whose password is older than ``PASSWORD_MAX_AGE_DAYS`` to the change page
before anything else.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: The character classes a password draws from.
CLASSES = {
    "lower": str.islower,
    "upper": str.isupper,
    "digit": str.isdigit,
    "other": lambda c: not c.isalnum(),
}


def classes_in(password: str) -> int:
    """How many of the four character classes the password uses."""
    return sum(any(test(c) for c in password) for test in CLASSES.values())


class CharacterClassValidator:
    """At least ``min_classes`` of lower-case letters, capitals, digits and other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if classes_in(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least %(count)d of: lower-case letters, capital "
            "letters, digits and other characters."
        ) % {"count": self.min_classes}


class HistoryValidator:
    """Not the current password nor one of the ``count`` before it."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        if any(check_password(password, encoded) for encoded in self._recent(user)):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        """Keep the new password's hash, and only the ``count`` latest."""
        from portal.models import PasswordHistory

        if user is None or user.pk is None:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        kept = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id")
        stale = kept.values_list("id", flat=True)[self.count :]
        PasswordHistory.objects.filter(id__in=list(stale)).delete()

    def _recent(self, user) -> list[str]:
        from portal.models import PasswordHistory, User

        current = User.objects.filter(pk=user.pk).values_list("password", flat=True)
        earlier = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id")
        hashes = [*current, *earlier.values_list("password", flat=True)[: self.count]]
        return [encoded for encoded in hashes if encoded and not encoded.startswith("!")]

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must differ from your current one and the last %(count)d.",
            "Your password must differ from your current one and the last %(count)d.",
            self.count,
        ) % {"count": self.count}


def password_expired(user) -> bool:
    """Whether the user's password is older than ``PASSWORD_MAX_AGE_DAYS`` (0: never)."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    changed = getattr(user, "password_changed_at", None)
    if not days or changed is None or not user.has_usable_password():
        return False
    return timezone.now() - changed > timedelta(days=days)


#: Paths an expired password still opens: the change page itself, logging out, the language.
OPEN_WHEN_EXPIRED = ("portal:password_change", "portal:password_change_done", "portal:logout")


class PasswordExpiryMiddleware:
    """A signed-in user whose password has expired sees the change page first (pages and
    admin; the API answers as before, its tokens end with the old password)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(("/api/", "/static/", "/i18n/", "/healthz"))
            and request.path not in {reverse(name) for name in OPEN_WHEN_EXPIRED}
            and password_expired(user)
        ):
            return redirect(f"{reverse('portal:password_change')}?expired=1")
        return self.get_response(request)
