"""Portal accounts: every user has a region (their scope) and a role."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.models import Region


class UserRole(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    STAFF = "staff", _("Staff")
    ADMIN = "admin", _("Administrator")


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

    @property
    def can_write(self) -> bool:
        """Staff and admins change records; viewers only read."""
        return self.is_superuser or self.role in (UserRole.STAFF, UserRole.ADMIN)

    def in_scope(self, code: str) -> bool:
        """Whether the region ``code`` lies in this user's subtree (no query)."""
        return self.is_superuser or bool(self.region_id and code.startswith(self.region_id))
