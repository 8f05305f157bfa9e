"""A record's history in the admin, and the log of full views of personal data.

The change page's "History" button of every scoped admin (``core.admin.ScopedAdmin``) lists
the record's events (who, when, from where, the fields changed, before → after), for records
the user may see (else 404). Users who may see ID and phone numbers in full see them there,
and each such page is logged once (``PersonalDataView``); the others see masks.
"""

import json

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.access import Action, UserRole, can, in_scope, visible_to
from core.admin import choices_for, personal_columns
from core.audit import AuditKind
from core.context import Source
from core.exports import ExportableAdmin
from history.audit_trail import record
from history.diff import history_rows
from history.models import AuditEvent, PersonalDataView, event_model_for
from orgs.choices import LEVEL_BY_LENGTH, RegionLevel


def history_page(model_admin, request, object_id, extra_context=None):
    """A record's events, newest first; 404 outside the user's subtree.

    Installed as every scoped admin's history view (``core.admin.set_history_page``).
    """
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        raise PermissionDenied
    event_model = event_model_for(model_admin.model)
    events = [] if event_model is None else _events(event_model, obj)
    full = can(request.user, Action.VIEW_PERSONAL_DATA)
    masks = dict(personal_columns(model_admin).values())
    actor = actor_shown_to(request.user, events)
    rows = history_rows(
        model_admin.model,
        events,
        masks={} if full else masks,
        actor=actor,
        readable=lambda model: choices_for(model_admin.admin_site, model, request),
    )
    shown = sorted({change.field for row in rows for change in row.changes} & set(masks))
    if full and shown:
        model_admin.log_personal_data(request, [obj.pk], shown)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Change history: %s") % obj,
        "subtitle": None,
        "module_name": str(model_admin.opts.verbose_name_plural).capitalize(),
        "object": obj,
        "opts": model_admin.opts,
        "rows": rows,
        # What the record's admin adds above the changes (a donation: its reversal).
        "notes": getattr(model_admin, "history_notes", lambda request, obj: [])(request, obj),
        "preserved_filters": model_admin.get_preserved_filters(request),
        **(extra_context or {}),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "history/object_history.html", context)


def actor_shown_to(viewer, events: list):
    """``actor(context)`` → (who, address) as ``viewer`` may see them (one query).

    Accounts of the viewer's subtree show by name and address; others (a city's or a
    superuser's edit seen from a county) by their role and the level of their region only.
    """
    ids = {(event.pgh_context or {}).get("user") for event in events} - {None}
    accounts = {
        account["pk"]: account
        for account in get_user_model()
        .objects.filter(pk__in=ids)
        .values("pk", "region_id", "role", "is_superuser")
    }

    def actor(context: dict) -> tuple[str, str]:
        account = accounts.get(context.get("user"))
        if account is None or in_scope(viewer, account["region_id"]):
            return context.get("username") or "", context.get("ip") or ""
        return _role_and_level(account), ""

    return actor


def _role_and_level(account: dict) -> str:
    """ "Administrator · City level" for an account outside the viewer's subtree."""
    if account["is_superuser"] or not account["region_id"]:
        return str(_("Superuser"))
    role = UserRole(account["role"]).label
    level = RegionLevel(LEVEL_BY_LENGTH[len(account["region_id"])]).label
    return f"{role} · {level}"


def _events(event_model, obj) -> list:
    """One query: the record's events, oldest first (the page shows them newest first)."""
    return list(event_model.objects.filter(pgh_obj_id=obj.pk).order_by("pgh_id"))


def record_type_name(label: str) -> str:
    """The kind of record a model label (``members.Member``) names, in the reader's language."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


class RecordTypeFilter(admin.SimpleListFilter):
    """The ``model`` column by the kinds' names, not their labels."""

    title = _("Record type")
    parameter_name = "model"

    def lookups(self, request, model_admin):
        # The kinds present, not every row: the log grows with each page shown.
        labels = model_admin.get_queryset(request).order_by("model").values_list("model", flat=True)
        return [(label, record_type_name(label)) for label in labels.distinct()]

    def queryset(self, request, queryset):
        return queryset.filter(model=self.value()) if self.value() else queryset


class ReadOnlyLogAdmin(admin.ModelAdmin):
    """A log's admin: read by the role ``reader`` names (core.access), written by no one."""

    reader: Action

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return can(request.user, self.reader)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnlyLogAdmin):
    """Who saw ID and phone numbers in full: for admins (their subtree's users) and superusers."""

    reader = Action.READ_ACCESS_LOG

    list_display = ["created_at", "username", "user_region", "source", "record_type", "ids", "ip"]
    list_filter = ["source", RecordTypeFilter]
    search_fields = ["username", "=user_region"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = [
        "created_at",
        "username",
        "user_region",
        "source",
        "ip",
        "url",
        "record_type",
        "object_ids",
        "fields",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return visible_to(request.user, super().get_queryset(request))

    @admin.display(description=_("Record type"), ordering="model")
    def record_type(self, obj):
        return record_type_name(obj.model)

    @admin.display(description=_("Record ids"))
    def ids(self, obj):
        shown = ", ".join(obj.object_ids[:10])
        return f"{shown} …" if len(obj.object_ids) > 10 else shown


class AuditUserFilter(admin.SimpleListFilter):
    """The trail by the account that acted (or tried to: a failed login's user name)."""

    title = _("User")
    parameter_name = "username"

    def lookups(self, request, model_admin):
        names = (
            model_admin.get_queryset(request)
            .order_by("username")
            .values_list("username", flat=True)
        )
        return [(name, name) for name in names.distinct() if name]

    def queryset(self, request, queryset):
        return queryset.filter(username=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ExportableAdmin, ReadOnlyLogAdmin):
    """The audit trail, read-only: the audit administrator's (and a superuser's, each read
    recorded with the superuser flag). Exported as CSV/XLSX with the list's filters."""

    reader = Action.READ_AUDIT_TRAIL

    list_display = [
        "seq",
        "created_at",
        "kind",
        "outcome",
        "username",
        "superuser",
        "ip",
        "source_name",
        "record_type",
        "object_id",
    ]
    list_filter = ["kind", "outcome", AuditUserFilter, "superuser", "created_at"]
    search_fields = ["=username", "=object_id", "=ip"]
    show_full_result_count = False
    list_per_page = 100
    fields = [*list_display, "user", "details", "hash"]
    readonly_fields = fields

    @admin.display(description=_("Source"), ordering="source")
    def source_name(self, obj):
        return Source(obj.source).label if obj.source in Source.values else obj.source

    @admin.display(description=_("Record type"), ordering="model")
    def record_type(self, obj):
        return record_type_name(obj.model) if obj.model else ""

    @admin.display(description=_("Detail"))
    def details(self, obj):
        # The stored values as they are: keys and codes (in a code block, not translated).
        text = json.dumps(obj.detail, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html("<pre>{}</pre>", text)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            record(AuditKind.AUDIT_READ, request=request, detail={"query": request.GET.urlencode()})
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            record(AuditKind.AUDIT_READ, request=request, detail={"event": object_id})
        return response
