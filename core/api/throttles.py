"""Request rates: DRF's throttles, and the RateLimit-* headers that tell clients where they stand.

Every API answer says its client's limit, what is left of it and when the window frees up
(``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset`` in seconds, as the IETF
draft names them); a 429 adds ``Retry-After``. Kept apart from base.py because DRF imports
its default throttle classes (settings.REST_FRAMEWORK) while its views module loads.
"""

import math

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


class RateLimitHeaders:
    """Mixed into a SimpleRateThrottle: notes the request's standing for the headers."""

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if self.rate is not None and getattr(self, "key", None) is not None:
            limit = self.num_requests
            remaining = max(0, limit - len(self.history))
            oldest = self.history[-1] if self.history else self.now
            reset = max(0, math.ceil(self.duration - (self.now - oldest)))
            standing = getattr(request._request, "rate_limit", None)
            if standing is None or remaining < standing[1]:
                # Of several throttles, the one closest to its limit speaks.
                request._request.rate_limit = (limit, remaining, reset)
        return allowed


class AnonThrottle(RateLimitHeaders, AnonRateThrottle):
    """Clients without credentials, by address (``API_THROTTLE_ANON``)."""


class UserThrottle(RateLimitHeaders, UserRateThrottle):
    """Signed-in users and tokens, by account (``API_THROTTLE_USER``)."""


def rate_limit_headers(get_response):
    """Middleware: copy the request's standing (noted by the throttles) onto the answer."""

    def middleware(request):
        response = get_response(request)
        standing = getattr(request, "rate_limit", None)
        if standing is not None:
            for name, value in zip(HEADERS, standing, strict=True):
                response[name] = str(value)
        return response

    return middleware
