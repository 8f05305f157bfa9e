"""API failures outside DRF's own handling answer in JSON too, in the user's language.

A database failure: the write's transaction is rolled back by the failure itself (nothing
half-saved); the client is told so, and that a retry with the same Idempotency-Key records a
donation once. A body Django refuses to parse (too many fields, too big): a 400 like any
other invalid request, not Django's HTML page.
"""

import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DatabaseError
from django.http import JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class DatabaseErrorMiddleware:
    """Turns a DatabaseError in an API view into a 503, an oversized body into a 400 (JSON)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path.startswith("/api/"):
            return None
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
