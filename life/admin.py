"""Admin of branch life: activity kinds and requirements (national reference data, kept by
operators like the standards), the activity ledger, the branches with activities due, the
rectification cases and the annual evaluation (campaigns, self-assessments and ratings)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import scope_of
from core.admin import (
    AttachmentAdmin,
    ReadOnlyTabularInline,
    ScopedAdmin,
    ScopedTabularInline,
    year_filter,
)
from life.choices import EvaluationRating, EvaluationState, RectificationState
from life.models import (
    Activity,
    ActivityKind,
    CommunityRequest,
    DueBranch,
    Evaluation,
    EvaluationCampaign,
    EvaluationDecision,
    RectificationCase,
    RectificationProgress,
    Requirement,
    ResponseTarget,
)
from life.rules import REQUEST_STEPS, SCALE_RATINGS, is_level_above
from life.selectors import (
    activity_kind_list,
    activity_list,
    campaign_list,
    evaluation_list,
    rectification_list,
    request_list,
    requirement_list,
    response_target_list,
)
from life.services import (
    ACTIVITY_FIELDS,
    activity_record,
    activity_update,
    community_request_record,
    community_request_update,
    evaluation_campaign_open,
    evaluation_decide,
    evaluation_publish,
    evaluation_submit,
    rectification_close,
    rectification_open,
    rectification_progress_record,
    reviewer_region,
)
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


class RectificationStateFilter(admin.SimpleListFilter):
    """Open, overdue (the to-do's link) or accepted cases."""

    title = _("State")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return RectificationState.choices

    def queryset(self, request, queryset):
        if self.value() not in RectificationState.values:
            return queryset
        return queryset.in_state(self.value(), timezone.localdate())


class RectificationProgressInline(ScopedTabularInline):
    """Progress entries: added through the service, never changed or deleted."""

    model = RectificationProgress
    fields = ["recorded_on", "note", "recorded_by"]
    readonly_fields = ["recorded_by"]
    list_select_related = ["recorded_by"]
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return (
            obj is not None and obj.closed_on is None and super().has_add_permission(request, obj)
        )


class RectificationForm(forms.ModelForm):
    """Leaves the rules to the services (life.rules): each broken one shows at its field."""

    def validate_constraints(self):
        pass

    def validate_unique(self):
        pass


@admin.register(RectificationCase)
class RectificationCaseAdmin(AttachmentAdmin, ScopedAdmin):
    """Cases are opened here, progress added below, and the level above accepts a case by
    filling in its results and the day of acceptance."""

    selector = staticmethod(rectification_list)
    create_service = staticmethod(rectification_open)
    form = RectificationForm
    inlines = [RectificationProgressInline]
    list_display = ["branch", "opened_on", "deadline", "responsible", "state", "closed_on"]
    list_filter = [RectificationStateFilter, RegionFilter, "source", year_filter("opened_on")]
    search_fields = ["branch__name", "responsible"]
    search_help_text = _("Part of a branch's name or of the responsible person's name.")
    autocomplete_fields = ["branch"]
    add_fields = [
        "branch",
        "source",
        "opened_on",
        "problems",
        "measures",
        "responsible",
        "deadline",
    ]
    closing_fields = ["closed_on", "evidence", "attachment"]
    fields = [*add_fields, *closing_fields, "attachment_file", "opened_by", "accepted_by"]
    readonly_fields = ["attachment_file", "opened_by", "accepted_by"]

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # A case's findings stay as opened; an accepted case is read only.
        frozen = self.add_fields + (self.closing_fields if obj.closed_on else [])
        return [*frozen, *self.readonly_fields]

    def get_changeform_initial_data(self, request):
        return {"opened_on": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        # A case's own fields change only by its acceptance, after the progress below.
        if not change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        data, obj = form.cleaned_data, form.instance
        if change and (data.get("closed_on") or data.get("evidence")):
            rectification_close(
                case=obj,
                evidence=data.get("evidence") or "",
                closed_on=data.get("closed_on"),
                attachment=data.get("attachment") or None,
                user=request.user,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not RectificationProgress:
            super().save_formset(request, form, formset, change)
            return
        # The admin's change message reads what the formset saved.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            if row.has_changed() and row.instance.pk is None and row.cleaned_data:
                formset.new_objects.append(
                    rectification_progress_record(
                        case=form.instance,
                        note=row.cleaned_data.get("note") or "",
                        recorded_on=row.cleaned_data.get("recorded_on"),
                        user=request.user,
                    )
                )

    @admin.display(description=_("State"))
    def state(self, case):
        if case.closed_on:
            return _("Accepted")
        return _("Overdue") if case.overdue else _("In progress")

    @admin.display(description=_("Download"))
    def attachment_file(self, case):
        return self.attachment_link(case)


# Annual evaluation ----------------------------------------------------------------------------


@admin.register(EvaluationCampaign)
class EvaluationCampaignAdmin(ScopedAdmin):
    """A year's evaluation: opened here, which enrols the branches it rates; the scale and
    the branches rated stay as opened."""

    selector = staticmethod(campaign_list)
    create_service = staticmethod(evaluation_campaign_open)
    list_display = ["year", "region", "level", "standard", "scale", "self_assessment_due"]
    list_filter = ["year", "level", "scale"]
    list_select_related = ["region", "standard"]
    search_fields = ["region__name"]
    autocomplete_fields = ["region"]
    fields = ["year", "region", "level", "standard", "scale", "self_assessment_due", "note"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["year", "region", "level", "standard", "scale"]

    def get_changeform_initial_data(self, request):
        initial = {"year": timezone.localdate().year, "region": scope_of(request.user) or None}
        return {**initial, **super().get_changeform_initial_data(request)}


class EvaluationStateFilter(admin.SimpleListFilter):
    """Not submitted, waiting for review (the to-do's links) or rated."""

    title = _("State")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return EvaluationState.choices

    def queryset(self, request, queryset):
        if self.value() not in EvaluationState.values:
            return queryset
        return queryset.in_state(self.value())


class EvaluationDecisionInline(ReadOnlyTabularInline):
    """Every decision, the drafted one and those published (final; a correction is a new
    one with its reason)."""

    model = EvaluationDecision
    fields = ["rating", "comment", "reason", "decided_by", "published_on"]
    list_select_related = ["decided_by"]
    show_change_link = False


class EvaluationForm(forms.ModelForm):
    """The branch's self-assessment, and for the level above the decision (life.services
    apply the rules; each broken one shows at its field)."""

    decision = forms.ChoiceField(
        label=_("Rating"), required=False, choices=[("", "---------"), *EvaluationRating.choices]
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea)
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Required when a published rating is corrected."),
    )
    publish = forms.BooleanField(
        label=_("Publish the rating"),
        required=False,
        help_text=_("A published rating is final: a later change is a correction."),
    )

    def validate_constraints(self):
        pass

    def validate_unique(self):
        pass


@admin.register(Evaluation)
class EvaluationAdmin(AttachmentAdmin, ScopedAdmin):
    """A branch fills in its self-assessment here; the level above rates it below."""

    selector = staticmethod(evaluation_list)
    create_service = staticmethod(evaluation_submit)
    form = EvaluationForm
    inlines = [EvaluationDecisionInline]
    list_display = ["branch", "campaign", "submitted_on", "items", "rating"]
    list_filter = [EvaluationStateFilter, RegionFilter, "campaign__year", "rating"]
    list_select_related = ["branch", "campaign", "campaign__region"]
    search_fields = ["branch__name"]
    search_help_text = _("Part of a branch's name.")
    autocomplete_fields = ["branch"]
    add_fields = ["campaign", "branch", "self_assessment", "attachment"]
    assessment_fields = ["items_met", "self_assessment", "activities", "attachment"]
    decision_fields = ["decision", "comment", "reason", "publish"]
    readonly_fields = ["campaign", "branch", "submitted_on", "submitted_by", "attachment_file"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": self.add_fields})]
        fieldsets = [
            (None, {"fields": ["campaign", "branch", "submitted_on", "submitted_by"]}),
            (_("Self-assessment"), {"fields": [*self.assessment_fields, "attachment_file"]}),
        ]
        if self._reviews(request, obj):
            fieldsets.append((_("Decision of the level above"), {"fields": self.decision_fields}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Once rated, the self-assessment stays as the level above read it.
        return [*self.readonly_fields, *(self.assessment_fields if obj.rating else [])]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        fields = form.base_fields
        if "decision" in fields:
            ratings = SCALE_RATINGS[obj.campaign.scale]
            fields["decision"].choices = [("", "---------")] + [
                (r, EvaluationRating(r).label) for r in ratings
            ]
        # The campaign's standard's items, and the branch's activities of the year, as boxes.
        choices = {
            "items_met": obj.campaign.standard.items.all(),
            "activities": Activity.objects.filter(
                branch_id=obj.branch_id, held_on__year=obj.campaign.year
            ).select_related("branch", "kind"),
        }
        for name, queryset in choices.items():
            if name in fields:
                fields[name].widget = forms.CheckboxSelectMultiple()
                fields[name].queryset = queryset
                fields[name].help_text = ""  # the admin's hint is for a multiple-select list
        return form

    def _reviews(self, request, obj) -> bool:
        """Whether the user is the level above the branch, who rates it."""
        reviewer = reviewer_region(request.user)
        return obj.submitted_on is not None and is_level_above(reviewer, obj.region_code)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not change:
            super().save_related(request, form, formsets, change)
            return
        # The self-assessment's links change through the service only, as its text does.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        data, obj = form.cleaned_data, form.instance
        if not obj.rating and set(form.changed_data) & set(self.assessment_fields):
            evaluation_submit(
                campaign=obj.campaign,
                branch=obj.branch,
                items_met=data.get("items_met") or (),
                self_assessment=data.get("self_assessment") or "",
                activities=data.get("activities") or (),
                attachment=data.get("attachment") or None,
                user=request.user,
            )
        try:
            if data.get("decision"):
                evaluation_decide(
                    evaluation=obj,
                    rating=data["decision"],
                    comment=data.get("comment") or "",
                    reason=data.get("reason") or "",
                    publish=bool(data.get("publish")),
                    user=request.user,
                )
            elif data.get("publish"):
                evaluation_publish(evaluation=obj, user=request.user)
        except ValidationError as error:
            # The service's rating is the form's decision field.
            errors = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
            raise ValidationError(
                {"decision" if field == "rating" else field: e for field, e in errors.items()}
            ) from error

    @admin.display(description=_("Items met"))
    def items(self, evaluation):
        return f"{evaluation.met_count}/{evaluation.item_count}"

    @admin.display(description=_("Download"))
    def attachment_file(self, evaluation):
        return self.attachment_link(evaluation)


# Community requests (1310) --------------------------------------------------------------------


@admin.register(ResponseTarget)
class ResponseTargetAdmin(ScopedAdmin):
    list_display = ["region", "contact_minutes", "on_site_minutes"]
    list_select_related = ["region"]
    search_fields = ["region__name"]
    autocomplete_fields = ["region"]
    selector = staticmethod(response_target_list)
    reference_data = True


class CommunityRequestForm(forms.ModelForm):
    """Leaves the rules to the services (life.rules): each broken one shows at its field."""

    def validate_constraints(self):
        pass


class OpenRequestFilter(admin.SimpleListFilter):
    title = _("Resolved")
    parameter_name = "resolved"

    def lookups(self, request, model_admin):
        return [("no", _("Not yet")), ("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(resolved_at__isnull=self.value() == "no")
        return queryset


@admin.register(CommunityRequest)
class CommunityRequestAdmin(ScopedAdmin):
    """A request is recorded when it comes in; its later steps are filled in here."""

    selector = staticmethod(request_list)
    create_service = staticmethod(community_request_record)
    form = CommunityRequestForm
    list_display = ["received_at", "region", "summary", "team", "contacted_at", "on_site_at"]
    list_filter = [OpenRequestFilter, RegionFilter, year_filter("received_at")]
    list_select_related = ["region", "team"]
    date_hierarchy = "received_at"
    search_fields = ["summary", "region__name"]
    search_help_text = _("Part of the request or of the unit's name.")
    autocomplete_fields = ["region", "team"]
    fields = ["region", "team", "summary", "received_at", *REQUEST_STEPS, "recorded_by"]
    readonly_fields = ["recorded_by"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else [*self.readonly_fields, "region"]

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        community_request_update(request=obj, user=request.user, **changed)
