"""Portal accounts: every user has a region (their scope) and a role."""

import pgtrigger
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
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
