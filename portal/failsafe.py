"""Failures outside the views' own handling answer clearly, in the user's language.

A database failure on a page or in the admin answers a 503 page (no template that needs
the database), in the API a 503 in JSON.

A database failure: the write's transaction is rolled back by the failure itself (nothing
half-saved); the client is told so, and that a retry with the same Idempotency-Key records a
donation once. A body Django refuses to parse (too many fields, too big): a 400 like any
other invalid request, not Django's HTML page.
"""

import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class DatabaseErrorMiddleware:
    """A DatabaseError answers 503 (JSON in the API, a page elsewhere); an oversized API body
    a JSON 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path.startswith("/api/"):
            return self.page_exception(request, exception)
        if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
            detail = _("The request has too many fields or is too large.")
            return JsonResponse({"detail": detail, "code": "invalid"}, status=400)
        if not isinstance(exception, DatabaseError):
            return None
        logger.error("Database failure on %s %s", request.method, request.path, exc_info=exception)
        detail = _(
            "The database is not available at the moment: nothing was saved. Try again; a "
            "retry with the same Idempotency-Key records a donation only once."
        )
        response = JsonResponse({"detail": detail, "code": "database_unavailable"}, status=503)
        response["Retry-After"] = "5"
        return response

    @staticmethod
    def page_exception(request, exception):
        """A 503 page when the database cannot be reached from a page or the admin.

        A refused statement (a constraint, bad data) is a fault to fix, not an outage: it
        stays a 500 and is reported as one.
        """
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database failure on %s %s", request.method, request.path, exc_info=exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
