"""Admin of branch life: activity kinds and requirements (national reference data, kept by
operators like the standards), the activity ledger, and the branches with activities due."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import AttachmentAdmin, ScopedAdmin, year_filter
from life.models import Activity, ActivityKind, DueBranch, Requirement
from life.selectors import activity_kind_list, activity_list, requirement_list
from life.services import ACTIVITY_FIELDS, activity_record, activity_update
from orgs.admin import RegionFilter


class ActivityForm(forms.ModelForm):
    """Leaves an activity's rules to its services (life.rules), which show each broken rule
    beside its field: the model's date constraints checked here first would say the same
    above the form."""

    def validate_constraints(self):
        pass


@admin.register(ActivityKind)
class ActivityKindAdmin(ScopedAdmin):
    list_display = ["name", "region"]
    list_select_related = ["region"]
    search_fields = ["name"]
    autocomplete_fields = ["region"]
    # Those that apply to the user's region: national ones, those above it and within it.
    selector = staticmethod(activity_kind_list)
    reference_data = True


@admin.register(Requirement)
class RequirementAdmin(ScopedAdmin):
    list_display = ["standard", "kind", "frequency", "minimum"]
    list_filter = ["standard", "frequency"]
    list_select_related = ["standard", "kind"]
    search_fields = ["kind__name", "standard__name"]
    selector = staticmethod(requirement_list)
    reference_data = True


@admin.register(Activity)
class ActivityAdmin(AttachmentAdmin, ScopedAdmin):
    selector = staticmethod(activity_list)
    create_service = staticmethod(activity_record)
    form = ActivityForm
    list_display = ["held_on", "branch", "kind", "place", "members_present", "late"]
    # Kinds of the user's own activities only: the list names no kind set beside them.
    list_filter = [
        RegionFilter,
        ("kind", admin.RelatedOnlyFieldListFilter),
        "late",
        year_filter("held_on"),
    ]
    date_hierarchy = "held_on"
    search_fields = ["branch__name", "place"]
    search_help_text = _("Part of a branch's name or of the place.")
    autocomplete_fields = ["branch", "kind"]
    add_fields = ["branch", *ACTIVITY_FIELDS]
    fields = [
        *add_fields[:-1],
        "attachment",
        "attachment_file",
        "late",
        "recorded_by",
        "created_at",
    ]
    readonly_fields = ["attachment_file", "late", "recorded_by", "created_at"]

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        # The branch of a recorded activity stays: a correction moves nothing elsewhere.
        return self.readonly_fields if obj is None else [*self.readonly_fields, "branch"]

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        activity_update(activity=obj, user=request.user, **changed)

    @admin.display(description=_("Download"))
    def attachment_file(self, activity):
        return self.attachment_link(activity)


class DueThisMonthFilter(admin.SimpleListFilter):
    """Branches that owe an activity due this month (the to-do's link)."""

    title = _("Activities due this month")
    parameter_name = "due_this_month"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        return queryset.due_this_month(timezone.localdate())


@admin.register(DueBranch)
class DueBranchAdmin(ScopedAdmin):
    """Read only: the branches themselves are kept in their own admin."""

    addable = changeable = deletable = False
    list_display = ["name", "region", "status"]
    list_filter = [DueThisMonthFilter, RegionFilter, "status"]
    list_select_related = ["region"]
    search_fields = ["name"]
