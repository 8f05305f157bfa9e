"""API tokens that expire: ``API_TOKEN_MAX_AGE_DAYS`` after they were issued (0: never)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_expires(issued: datetime) -> datetime | None:
    """When a token issued at ``issued`` stops working; None: never."""
    days = settings.API_TOKEN_MAX_AGE_DAYS
    return issued + timedelta(days=days) if days else None


class ExpiredToken(exceptions.AuthenticationFailed):
    default_detail = _("Your API token has expired: ask for a new one (POST /api/v1/auth/token/).")
    default_code = "token_expired"


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token past its expiry."""

    def authenticate_credentials(self, key):
        from django.utils import timezone

        user, token = super().authenticate_credentials(key)
        expires = token_expires(token.created)
        if expires is not None and expires <= timezone.now():
            raise ExpiredToken()
        return user, token
