"""Sessions: an idle timeout, an absolute lifetime, and each user's list of their own.

A signed-in session ends after ``SESSION_IDLE_SECONDS`` without a request and
``SESSION_COOKIE_AGE`` seconds after the login, whatever happens in between; the next request
is anonymous (pages send to the login page, saying why). The last request's time is written
at most once a minute, not on every request. A changed password, role or region ends a session
too (``User._get_session_auth_hash``).

This module is also the session engine (``SESSION_ENGINE``): sessions are rows of
``portal.models.Session`` that carry their user, sign-in time, last request, address and
browser, so that ``/accounts/sessions/`` lists a user's sessions and ends the others.
"""

import time
from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.dispatch import receiver
from django.utils.translation import gettext as _

from core.context import client_address

STARTED, SEEN = "portal_started_at", "portal_seen_at"
ADDRESS, AGENT = "portal_address", "portal_agent"
#: How stale the stored time of the last request may get before it is written again.
SEEN_EVERY = 60


@receiver(user_logged_in)
def session_started(sender, request, user, **kwargs):
    if hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED] = request.session[SEEN] = now
        request.session[ADDRESS] = client_address(request)
        request.session[AGENT] = request.META.get("HTTP_USER_AGENT", "")[:300]


def _moment(seconds: int | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, tz=UTC) if seconds else None


class SessionStore(DatabaseStore):
    """Django's database sessions in ``portal.models.Session``, its columns from the data."""

    @classmethod
    def get_model_class(cls):
        from portal.models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        user = data.get("_auth_user_id")
        session.user_id = int(user) if user is not None else None
        session.signed_in_at = _moment(data.get(STARTED))
        session.last_seen = _moment(data.get(SEEN))
        session.address = data.get(ADDRESS)
        session.user_agent = data.get(AGENT, "")
        return session


def ended_because(session, now: int) -> str:
    """Why the session has ended (empty: it has not)."""
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is not None and now - started > settings.SESSION_COOKIE_AGE:
        return _("Your session ended %(hours)s hours after you logged in. Please log in again.") % {
            "hours": round(settings.SESSION_COOKIE_AGE / 3600, 1)
        }
    if seen is not None and now - seen > settings.SESSION_IDLE_SECONDS:
        return _(
            "Your session ended after %(minutes)s minutes without activity. Please log in again."
        ) % {"minutes": settings.SESSION_IDLE_SECONDS // 60}
    return ""


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            reason = ended_because(request.session, now)
            if reason:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.warning(request, reason)
                return redirect_to_login(request.get_full_path())
            if request.session.get(STARTED) is None:
                request.session[STARTED] = now
            if now - request.session.get(SEEN, 0) >= SEEN_EVERY:
                request.session[SEEN] = now
        return self.get_response(request)
