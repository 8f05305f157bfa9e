"""The API tokens issued before named tokens (``portal.tokens``): DRF's, one per account,
accepted until ``API_TOKEN_MAX_AGE_DAYS`` after they were issued (0: never)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_expires(issued: datetime) -> datetime | None:
    """When a token issued at ``issued`` stops working; None: never."""
    days = settings.API_TOKEN_MAX_AGE_DAYS
    return issued + timedelta(days=days) if days else None


def token_expired(token) -> bool:
    """Whether the older ``token`` is past its expiry."""
    expires = token_expires(token.created)
    return expires is not None and expires <= timezone.now()


class ExpiredToken(exceptions.AuthenticationFailed):
    default_detail = _("Your API token has expired: ask for a new one (POST /api/v1/auth/token/).")
    default_code = "token_expired"


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token past its expiry."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise ExpiredToken()
        return user, token
