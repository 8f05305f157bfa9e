"""The password check of every sign-in (pages, admin, token endpoint)."""

from django.contrib.auth.backends import ModelBackend

from core.access import is_interactive


class AccountBackend(ModelBackend):
    """Django's password check; service accounts never sign in with a password, even one
    an administrator has set (they call the API with the tokens issued to them)."""

    def user_can_authenticate(self, user):
        return is_interactive(user) and super().user_can_authenticate(user)
