"""Portal accounts: every user has a region (their scope) and a role."""

import pgtrigger
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.access import UserRole
from orgs.models import Region


class User(AbstractUser):
    """A portal account, scoped to the subtree of its region (superusers: the whole country)."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("Region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The user sees and changes only records of this region and the regions below it."
        ),
    )
    role = models.CharField(_("Role"), max_length=10, choices=UserRole, default=UserRole.VIEWER)
    password_changed_at = models.DateTimeField(
        _("Password set at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The password expires PASSWORD_MAX_AGE_DAYS after this."),
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("User")
        verbose_name_plural = _("User")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_superuser=True) | Q(region__isnull=False),
                name="%(app_label)s_%(class)s_region_unless_superuser",
                violation_error_message=_("Every user except superusers needs a region."),
            ),
        ]
        triggers = [
            # A new password (a reset too, or an unusable one), another role or region, or a
            # deactivation ends the account's API token, whatever made the change.
            pgtrigger.Trigger(
                name="revoke_tokens",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("password", "role", "region", "is_active"),
                func="DELETE FROM authtoken_token WHERE user_id = NEW.id; RETURN NULL;",
            ),
        ]

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def _get_session_auth_hash(self, secret=None):
        """Signs the session with the password, the role and the region: a session ends when
        any of them changes (Django checks it on every request)."""
        return salted_hmac(
            "portal.User.get_session_auth_hash",
            f"{self.password}|{self.role}|{self.region_id}|{self.is_superuser}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class PasswordHistory(models.Model):
    """The hashes of a user's latest passwords (portal.passwords.HistoryValidator)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Earlier password")
        verbose_name_plural = _("Earlier passwords")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class Session(AbstractBaseSession):
    """A browser session (SESSION_ENGINE portal.sessions), with whose it is and where it
    signed in from: each user sees their own and can end them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, related_name="+")
    signed_in_at = models.DateTimeField(_("Signed in"), null=True)
    last_seen = models.DateTimeField(_("Last request"), null=True)
    address = models.GenericIPAddressField(_("Address"), null=True)
    user_agent = models.CharField(_("Browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Session")
        verbose_name_plural = _("Sessions")

    @property
    def handle(self) -> str:
        """Names the session on pages without its key (the key would sign it in)."""
        return salted_hmac(
            "portal.Session.handle", self.session_key, algorithm="sha256"
        ).hexdigest()[:20]

    @classmethod
    def get_session_store_class(cls):
        from portal.sessions import SessionStore

        return SessionStore
