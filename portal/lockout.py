"""Login lockout (django-axes): the per-address cap and the answer a locked-out client gets.

Axes counts failures per username at an address (settings.AXES_LOCKOUT_PARAMETERS), so a
typist in a shared county office locks out only themselves; the handler below adds a cap
per address across all usernames, against one address trying many accounts.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import requires_second_factor

LOCKED_OUT = _(
    "Too many failed logins: this account is locked at this address. Try again in "
    "%(minutes)d minutes, or ask an administrator to unlock it."
)


class PortalAxesHandler(AxesDatabaseHandler):
    """Axes' database handler, plus a lock on an address after AXES_ADDRESS_FAILURE_LIMIT."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if self.address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The API's token view authenticates with DRF's Request, which keeps attributes to
        # itself: hand the lockout flag to the Django request that AxesMiddleware reads.
        django_request = getattr(request, "_request", None)
        if django_request is not None and getattr(request, "axes_locked_out", False):
            django_request.axes_locked_out = True
            django_request.axes_credentials = credentials

    def user_logged_in(self, sender, request, user, **kwargs):
        """A login clears the account's failures, but one that needs the second factor only
        once the code passed (portal.twofactor): wrong codes count across password logins."""
        verified = getattr(user, "is_verified", None)
        if requires_second_factor(user) and not (verified and verified()):
            return
        super().user_logged_in(sender, request, user, **kwargs)

    @staticmethod
    def address_failures(request) -> int:
        """Failures from the request's address across all usernames within the cool-off."""
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gt=since).aggregate(
            failures=Sum("failures_since_start")
        )["failures"]
        return total or 0


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return LOCKED_OUT % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """429 with the message: JSON on the API, the login page with the message elsewhere."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message(), "code": "locked_out"}, status=status)
    form = AuthenticationForm(request)
    context = {"form": form, "locked_out": lockout_message(), "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=status)
