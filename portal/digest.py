"""The weekly to-do digest: each staffer's to-do list (core.todo) by email, once a week.

Sent to active staff and admins with an email address who have not turned it off; each
user's counts are those of their own region, as their home page shows them, and a user with
nothing waiting gets no email. ``manage.py send_todo_digest`` sends it (run it weekly from
cron or a systemd timer); the demo prints it to the console.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.todo import TodoEntry, todo_list
from portal.models import User


def recipients():
    """The accounts the digest may go to (one query): those whose role acts on nothing (a
    viewer) find an empty to-do list, and get nothing."""
    return (
        User.objects.filter(is_active=True, is_service_account=False, todo_digest=True)
        .exclude(email="")
        .select_related("region")
        .order_by("username")
    )


def digest_for(user: User) -> EmailMessage | None:
    """The user's digest, or None when nothing waits for them (a query per to-do item)."""
    entries = [entry for entry in todo_list(user=user) if not entry.done]
    if not entries:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "entries": [_absolute(entry) for entry in entries],
            "home": settings.PORTAL_URL,
            "settings_url": urljoin(settings.PORTAL_URL, reverse("portal:sessions")),
        }
        subject = _("To do in %(region)s: %(count)d items waiting") % {
            "region": user.region.name if user.region else _("the whole country"),
            "count": len(entries),
        }
        body = render_to_string("email/todo_digest.txt", context)
    return EmailMessage(subject=subject, body=body, to=[user.email])


def send_digests() -> tuple[int, int]:
    """Send every recipient their digest over one connection; (sent, recipients)."""
    users = list(recipients())
    messages = [message for user in users if (message := digest_for(user)) is not None]
    if messages:
        mailers.default.send_messages(messages)
    return len(messages), len(users)


def _absolute(entry: TodoEntry) -> TodoEntry:
    return TodoEntry(entry.key, entry.label, entry.count, urljoin(settings.PORTAL_URL, entry.url))
