"""The admin site: its titles, the accounts screen, and the branch screen with its inlines."""

from axes.utils import reset as reset_login_failures
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult
from rest_framework.authtoken.admin import TokenAdmin as DRFTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from core.access import AccessDenied, Action, can, grantable_roles, sees_country, visible_accounts
from core.admin import ScopedAdmin
from core.api.authentication import token_expires
from core.audit import AuditKind, log_security_event
from core.models import RegionScopedQuerySet
from members.admin import PositionInline, VolunteerTeamInline
from orgs import admin as orgs_admin
from orgs.admin import RegionFilter
from orgs.models import Branch
from orgs.selectors import region_closure
from portal.forms import TokenIssueForm
from portal.models import ApiToken, ServiceAccount, User
from portal.tokens import api_token_issue, api_token_revoke
from portal.twofactor import reset_devices

admin.site.site_header = _("Grassroots organization portal")
admin.site.site_title = _("Grassroots organization portal")
admin.site.index_title = _("Records administration")


# The background worker's own records (English only, arguments included): operators read them
# with `manage.py shell` or SQL; users follow their imports on the import pages.
admin.site.unregister(DBTaskResult)

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
        (_("Two-factor login"), {"fields": ["two_factor"]}),
    ]
    superuser_fieldsets = [
        *fieldsets[:2],
        (
            _("Scope and role"),
            {"fields": ["region", "role", "is_staff", "is_active", "is_superuser"]},
        ),
        *fieldsets[3:],
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
    readonly_fields = ["last_login", "date_joined", "two_factor"]
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

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """Warn when the account's region was closed by a new vintage of the codes: the user
        keeps the closed unit's subtree until moved (``load_regions --move-users``). No query
        while the region is in force."""
        user = obj
        closure = region_closure(user.region) if user and user.region_id else None
        if closure is not None and request.method == "GET":
            successor, vintage = closure
            if successor is not None:
                message = gettext(
                    "This account's region %(region)s was closed by the region codes of "
                    "%(vintage)s; its successor is %(successor)s. Move the account there."
                ) % {"region": user.region, "vintage": vintage, "successor": successor}
            else:
                message = gettext(
                    "This account's region %(region)s is closed and has no successor: choose "
                    "the region the account now works for."
                ) % {"region": user.region}
            self.message_user(request, message, messages.WARNING)
        return super().render_change_form(request, context, add, change, form_url, obj)

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

    @admin.display(description=_("Authenticator"))
    def two_factor(self, user):
        """Whether the account has set up its authenticator, and the way to reset it."""
        if user.pk is None or not user_has_device(user):
            return gettext("Not set up: the account sets it up at its next login.")
        url = reverse("admin:portal_user_two_factor_reset", args=[user.pk])
        return format_html(
            '{} <a class="button" href="{}">{}</a>',
            gettext("Set up."),
            url,
            gettext("Reset (lost phone)"),
        )

    def get_urls(self):
        reset = self.admin_site.admin_view(self.two_factor_reset)
        name = "portal_user_two_factor_reset"
        return [path("<int:pk>/two-factor/reset/", reset, name=name), *super().get_urls()]

    def two_factor_reset(self, request, pk: int):
        """Remove a lost authenticator (and the recovery codes) of an account the admin
        manages; any other account is not found (404)."""
        account = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, account):
            raise AccessDenied()
        if request.method == "POST":
            reset_devices(account)
            self.message_user(
                request,
                gettext(
                    "The two-factor login of %(account)s is reset: the account sets it up "
                    "again at its next login."
                )
                % {"account": account.get_username()},
                messages.SUCCESS,
            )
            return redirect("admin:portal_user_change", account.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reset two-factor login"),
            "account": account,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/portal/user/two_factor_reset.html", context)

    @admin.display(description=_("Name"), ordering="last_name")
    def full_name(self, user):
        return f"{user.last_name}{user.first_name}"


# Authenticators are reset from the account's page (scoped like the accounts), not listed.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)

admin.site.unregister(TokenProxy)


class AccountTokensAdmin:
    """Tokens of the accounts an admin manages (their subtree's, as the account list): read
    by account managers, never added or edited here."""

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


@admin.register(TokenProxy)
class TokenAdmin(AccountTokensAdmin, DRFTokenAdmin):
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

    def has_delete_permission(self, request, obj=None):
        return can(request.user, Action.MANAGE_USERS)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._revoked(request, [obj])

    def delete_queryset(self, request, queryset):
        tokens = list(queryset)
        super().delete_queryset(request, queryset)
        self._revoked(request, tokens)

    def _revoked(self, request, tokens) -> None:
        """Each revoked token in the audit trail (by its account, never its key)."""
        for token in tokens:
            log_security_event(
                AuditKind.TOKEN_REVOKED,
                request=request,
                target=token.user,
                detail={"account": token.user.get_username()},
            )


@admin.register(ApiToken)
class ApiTokenAdmin(AccountTokensAdmin, admin.ModelAdmin):
    """Named API tokens of the accounts an admin manages (their subtree's): listed with their
    last use (never their keys) and revoked; issued by the token endpoint, or for a service
    account on its page."""

    list_display = [
        "name",
        "user",
        "prefix",
        "read_only",
        "created_at",
        "expires_at",
        "last_used_at",
        "last_used_from",
        "state_label",
    ]
    list_filter = ["read_only"]
    list_select_related = ["user"]
    search_fields = ["name", "user__username"]
    fields = [
        "user",
        "name",
        "prefix",
        "read_only",
        "created_at",
        "expires_at",
        "last_used_at",
        "last_used_from",
        "revoked_at",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description=_("State"))
    def state_label(self, token):
        return token.state.label

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the list keeps what each token did last

    def has_revoke_permission(self, request):
        return can(request.user, Action.MANAGE_USERS)

    @admin.action(description=_("Revoke the selected API tokens"), permissions=["revoke"])
    def revoke(self, request, queryset):
        """Revoke the selected tokens (those of the admin's accounts only: the list's rows)."""
        revoked = sum(
            api_token_revoke(token=token, user=request.user, request=request) for token in queryset
        )
        self.message_user(
            request,
            gettext("API tokens revoked: %(count)d.") % {"count": revoked},
            messages.SUCCESS,
        )


@admin.register(ServiceAccount)
class ServiceAccountAdmin(ScopedAdmin):
    """Accounts of other systems: a region and a role fixed when the account is made, no
    password (they never sign in to the pages or the admin); their API tokens are issued
    here, each key shown once."""

    list_display = ["username", "last_name", "region", "role", "is_active", "date_joined"]
    list_filter = [RegionFilter, "role", "is_active"]
    list_select_related = ["region"]
    search_fields = ["username", "last_name", "email"]
    autocomplete_fields = ["region"]
    fields = ["username", "last_name", "email", "region", "role", "is_active", "tokens"]
    readonly_fields = ["tokens"]
    deletable = False

    def get_queryset(self, request):
        accounts = UserQuerySet(self.model).filter(is_service_account=True)
        return visible_accounts(request.user, accounts.select_related("region")).order_by(
            "username"
        )

    def get_readonly_fields(self, request, obj=None):
        # The scope and the role are fixed: another scope is another service account.
        return [*self.readonly_fields, "region", "role"] if obj else self.readonly_fields

    def get_fields(self, request, obj=None):
        return self.fields if obj else [f for f in self.fields if f != "tokens"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = grantable_roles(request.user)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.is_service_account = True
            obj.is_staff = obj.is_superuser = False
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)

    @admin.display(description=_("API tokens"))
    def tokens(self, account):
        issue = reverse("admin:portal_serviceaccount_issue_token", args=[account.pk])
        listed = reverse("admin:portal_apitoken_changelist") + f"?user__id__exact={account.pk}"
        return format_html(
            '<a class="button" href="{}">{}</a> <a href="{}">{}</a>',
            issue,
            gettext("Issue a token"),
            listed,
            gettext("Its tokens"),
        )

    def get_urls(self):
        issue = self.admin_site.admin_view(self.issue_token)
        name = "portal_serviceaccount_issue_token"
        return [path("<int:pk>/token/", issue, name=name), *super().get_urls()]

    def issue_token(self, request, pk: int):
        """Issue an API token to a service account the admin manages (others: 404); the key
        is shown on the answer to the POST only."""
        account = get_object_or_404(self.get_queryset(request), pk=pk)
        if not can(request.user, Action.MANAGE_USERS):
            raise AccessDenied()
        form = TokenIssueForm(request.POST or None)
        key = None
        if request.method == "POST" and form.is_valid():
            _token, key = api_token_issue(
                user=account, request=request, issued_by=request.user, **form.cleaned_data
            )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Issue an API token"),
            "account": account,
            "opts": self.opts,
            "form": form,
            "key": key,
        }
        response = TemplateResponse(
            request, "admin/portal/serviceaccount/issue_token.html", context
        )
        response["Cache-Control"] = "no-store"
        return response
