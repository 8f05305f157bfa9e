"""The API's token authentication: named tokens (``portal.tokens``), and the tokens issued
before them until they expire."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from core.api.authentication import ExpiredToken, ExpiringTokenAuthentication
from portal.models import TokenState
from portal.tokens import api_token_find, api_token_touch


class RevokedToken(exceptions.AuthenticationFailed):
    default_detail = _("This API token has been revoked: ask for a new one.")
    default_code = "token_revoked"


class ApiTokenAuthentication(ExpiringTokenAuthentication):
    """``Authorization: Token <key>``: a named token that is neither revoked nor expired (a
    read-only one is held to reads by ``RolePermission``); keys of the older kind as before,
    until their expiry."""

    def authenticate(self, request):
        self.request = request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        token = api_token_find(key)
        if token is None:
            return super().authenticate_credentials(key)
        if token.revoked_at is not None:
            raise RevokedToken()
        if token.state == TokenState.EXPIRED:
            raise ExpiredToken()
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        api_token_touch(token, self.request)
        return token.user, token
