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
from core.models import RegionScopedQuerySet
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
    is_service_account = models.BooleanField(
        _("Service account"),
        default=False,
        help_text=_(
            "An account of another system: it has no password and never signs in to the pages "
            "or the admin; it calls the API with the tokens an administrator issues it."
        ),
    )
    todo_digest = models.BooleanField(
        _("Weekly to-do email"),
        default=True,
        help_text=_(
            "Once a week, an email of what waits in the user's region (staff and admins "
            "with an email address); each user may turn it off."
        ),
    )
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
            models.CheckConstraint(
                condition=Q(is_service_account=False) | Q(is_superuser=False, is_staff=False),
                name="%(app_label)s_%(class)s_service_account_not_staff",
                violation_error_message=_(
                    "A service account cannot be a superuser or reach the admin site."
                ),
            ),
        ]
        triggers = [
            # A new password (a reset too, or an unusable one), another role or region, or a
            # deactivation ends the account's API tokens, whatever made the change (the tokens
            # issued before named tokens are deleted, named ones marked revoked).
            pgtrigger.Trigger(
                name="revoke_tokens",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("password", "role", "region", "is_active"),
                func=(
                    "DELETE FROM authtoken_token WHERE user_id = NEW.id; "
                    "UPDATE portal_apitoken SET revoked_at = now() "
                    "WHERE user_id = NEW.id AND revoked_at IS NULL; RETURN NULL;"
                ),
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


class ServiceAccount(User):
    """An account of another system (``is_service_account``): a region and a role, no
    password; an administrator issues its API tokens (``portal.admin.ServiceAccountAdmin``)."""

    class Meta:
        proxy = True
        verbose_name = _("Service account")
        verbose_name_plural = _("Service accounts")
        ordering = ["username"]


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


class ApiTokenQuerySet(RegionScopedQuerySet):
    """API tokens by the region of their account."""

    region_path = "user__region__code"

    def usable(self, now=None):
        """Tokens neither revoked nor expired (no query until evaluated)."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class TokenState(models.TextChoices):
    """Where a named API token stands (``ApiToken.state``)."""

    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class ApiToken(models.Model):
    """A named API token of an account: only the sha256 of its key is stored (the key is shown
    once, when it is issued); it ends at ``expires_at`` or when revoked."""

    user = models.ForeignKey(
        User, verbose_name=_("User"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("Name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("Key begins"),
        max_length=12,
        editable=False,
        help_text=_("The first characters of the key: enough to recognise it, not to use it."),
    )
    read_only = models.BooleanField(
        _("Read-only"), default=False, help_text=_("Only reads (GET, HEAD, OPTIONS).")
    )
    created_at = models.DateTimeField(_("Issued"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("Expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("Last used"), null=True, blank=True)
    last_used_from = models.GenericIPAddressField(_("Last used from"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("Revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def state(self) -> TokenState:
        """Active, expired or revoked (no query)."""
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return TokenState.EXPIRED
        return TokenState.ACTIVE
