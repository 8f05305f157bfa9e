"""A record's history in the admin, full personal data logged, and the log of those views.

``HistoryAdmin`` is mixed into every scoped ModelAdmin (portal.scoping.ScopedAdmin):

- the change page's "History" button lists the record's events (who, when, from where, the
  fields changed, before → after), for records the user may see (else 404);
- users who may see ID and phone numbers in full see them on the change page and in the
  history, and each such page is logged once (``PersonalDataView``); the others see masks.
  Lists show them masked to everyone (exports log their own full values).
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from history.audit import record_personal_data_view
from history.context import Source
from history.diff import history_rows
from history.models import PersonalDataView, event_model_for
from portal.models import UserRole
from portal.personal_data import can_view_personal_data


def personal_columns(model_admin) -> dict[str, tuple[str, object]]:
    """``{masked column name: (field, mask)}`` of an admin's ``masked_column`` columns."""
    columns = {}
    for name in dir(type(model_admin)):
        column = getattr(type(model_admin), name, None)
        if name.startswith("masked_") and hasattr(column, "personal_field"):
            columns[name] = (column.personal_field, column.mask)
    return columns


class HistoryAdmin:
    """The record's history page, and personal data in full (and logged) for those allowed."""

    object_history_template = "history/object_history.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        fields = self._personal_fields(request)
        original = (getattr(response, "context_data", None) or {}).get("original")
        if fields and original is not None and response.status_code == 200:
            self._log_view(request, [original.pk], fields)
        return response

    def history_view(self, request, object_id, extra_context=None):
        """The record's events, newest first; 404 outside the user's subtree."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        event_model = event_model_for(self.model)
        events = [] if event_model is None else self._events(event_model, obj)
        full = can_view_personal_data(request.user)
        masks = dict(personal_columns(self).values())
        rows = history_rows(self.model, events, masks={} if full else masks)
        shown = sorted({change.field for row in rows for change in row.changes} & set(masks))
        if full and shown:
            self._log_view(request, [obj.pk], shown)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change history: %s") % obj,
            "subtitle": None,
            "module_name": str(self.opts.verbose_name_plural).capitalize(),
            "object": obj,
            "opts": self.opts,
            "rows": rows,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    @staticmethod
    def _events(event_model, obj) -> list:
        """One query: the record's events, oldest first (the page shows them newest first)."""
        return list(event_model.objects.filter(pgh_obj_id=obj.pk).order_by("pgh_id"))

    def _personal_fields(self, request) -> list[str]:
        """The personal fields this admin shows in full to the user (none for viewers)."""
        if request.method not in ("GET", "POST") or not can_view_personal_data(request.user):
            return []
        return sorted(field for field, _mask in personal_columns(self).values())

    def _log_view(self, request, ids, fields) -> None:
        record_personal_data_view(
            user=request.user,
            model=self.model,
            object_ids=ids,
            fields=fields,
            source=Source.ADMIN,
            request=request,
        )


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(admin.ModelAdmin):
    """Who saw ID and phone numbers in full: for admins (their subtree's users) and superusers."""

    list_display = ["created_at", "username", "user_region", "source", "model", "ids", "ip"]
    list_filter = ["source", "model"]
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
        "model",
        "object_ids",
        "fields",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(user_region__startswith=request.user.region_id or "-")

    @admin.display(description=_("Record ids"))
    def ids(self, obj):
        shown = ", ".join(obj.object_ids[:10])
        return f"{shown} …" if len(obj.object_ids) > 10 else shown

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        user = request.user
        return user.is_active and (user.is_superuser or user.role == UserRole.ADMIN)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
