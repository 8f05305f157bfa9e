"""The admin site: its titles, the accounts screen, and the branch screen with its inlines."""

from axes.utils import reset as reset_login_failures
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin as DRFTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from core.access import Action, can, grantable_roles, sees_country, visible_accounts
from core.admin import ScopedAdmin
from core.api.authentication import token_expires
from core.models import RegionScopedQuerySet
from members.admin import PositionInline, VolunteerTeamInline
from orgs import admin as orgs_admin
from orgs.admin import RegionFilter
from orgs.models import Branch
from portal.models import User

admin.site.site_header = _("Grassroots organization portal")
admin.site.site_title = _("Grassroots organization portal")
admin.site.index_title = _("Records administration")


# orgs cannot import the members app, so a branch's leadership and teams join its page here.
admin.site.unregister(Branch)


@admin.register(Branch)
class BranchAdmin(orgs_admin.BranchAdmin):
    inlines = [PositionInline, VolunteerTeamInline, *orgs_admin.BranchAdmin.inlines]


class UserQuerySet(RegionScopedQuerySet):
    """Accounts by the region they are scoped to."""

    region_path = "region__code"


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    """Accounts: superusers see all; a role admin manages the accounts of their subtree."""

    list_display = [
        "username",
        "full_name",
        "region",
        "role",
        "is_staff",
        "is_active",
        "last_login",
    ]
    list_filter = [RegionFilter, "role", "is_staff", "is_active"]
    list_select_related = ["region"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["region"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["last_name", "first_name", "email"]}),
        (_("Scope and role"), {"fields": ["region", "role", "is_staff", "is_active"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    superuser_fieldsets = [
        *fieldsets[:2],
        (
            _("Scope and role"),
            {"fields": ["region", "role", "is_staff", "is_active", "is_superuser"]},
        ),
        fieldsets[3],
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "usable_password", "password1", "password2"],
            },
        ),
        (_("Scope and role"), {"fields": ["region", "role", "is_staff"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["unlock_logins"]

    @admin.action(description=_("Unlock logins of the selected accounts"), permissions=["change"])
    def unlock_logins(self, request, queryset):
        """Clear the failed logins that locked these accounts (at every address)."""
        cleared = sum(reset_login_failures(username=user.username) for user in queryset)
        self.message_user(
            request,
            gettext("Unlocked %(accounts)d account(s); %(failures)d failed login(s) cleared.")
            % {"accounts": queryset.count(), "failures": cleared},
            messages.SUCCESS,
        )

    def get_queryset(self, request):
        """Accounts in the user's subtree; superuser accounts only for superusers."""
        users = visible_accounts(request.user, UserQuerySet(self.model).select_related("region"))
        return users.order_by(*self.get_ordering(request))

    def get_fieldsets(self, request, obj=None):
        if obj is not None and sees_country(request.user):
            return self.superuser_fieldsets
        return super().get_fieldsets(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region" and not sees_country(request.user):
            # Only superusers work without a region (the whole country).
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            # Nobody gives a role above their own, to others or to themselves.
            kwargs["choices"] = grantable_roles(request.user)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(description=_("Name"), ordering="last_name")
    def full_name(self, user):
        return f"{user.last_name}{user.first_name}"


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(DRFTokenAdmin):
    """API tokens of the accounts an admin manages: listed (never their keys) and revoked.

    A token also ends by itself when its account's password, role or region changes.
    """

    list_display = ["user", "created", "expires"]
    list_filter = []
    fields = ["user", "created", "expires"]
    readonly_fields = fields

    @admin.display(description=_("Expires"))
    def expires(self, token):
        return token_expires(token.created) or "—"

    def get_queryset(self, request):
        accounts = visible_accounts(request.user, UserQuerySet(User))
        return super().get_queryset(request).filter(user__in=accounts).select_related("user")

    def has_module_permission(self, request):
        return can(request.user, Action.MANAGE_USERS)

    def has_view_permission(self, request, obj=None):
        return can(request.user, Action.MANAGE_USERS)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return can(request.user, Action.MANAGE_USERS)
