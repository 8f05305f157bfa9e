"""Session lifetimes: an idle timeout and an absolute lifetime.

A signed-in session ends after ``SESSION_IDLE_SECONDS`` without a request and
``SESSION_COOKIE_AGE`` seconds after the login, whatever happens in between; the next request
is anonymous (pages send to the login page, saying why). The last request's time is written
at most once a minute, not on every request. A changed password, role or region ends a session
too (``User._get_session_auth_hash``).
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils.translation import gettext as _

STARTED, SEEN = "portal_started_at", "portal_seen_at"
#: How stale the stored time of the last request may get before it is written again.
SEEN_EVERY = 60


@receiver(user_logged_in)
def session_started(sender, request, user, **kwargs):
    if hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED] = request.session[SEEN] = now


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
