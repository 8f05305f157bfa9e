"""Admin screens of regions, branches, standards and assessments (region-scoped)."""

import re
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.access import in_scope, scope_of
from core.admin import (
    ReadOnlyTabularInline,
    ScopedAdmin,
    ScopedTabularInline,
    year_filter,
)
from core.regions import REGION_CODE_PATTERN
from orgs.choices import CODE_LENGTH
from orgs.models import (
    BRANCH_FIELDS,
    Assessment,
    Branch,
    Region,
    Standard,
    StandardItem,
    Vintage,
)
from orgs.selectors import (
    branch_list,
    change_counts,
    standard_list,
    stranded_branches,
    vintage_changes,
)
from orgs.services import assessment_record, branch_register


class RegionFilter(admin.SimpleListFilter):
    """Drill down the region tree from the user's region: its children, then theirs.

    Offers the regions between the user's region and the chosen one (to go back up) and
    the chosen region's children: one query, however big the tree.
    """

    title = _("Region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        root = scope_of(request.user) or ""
        chosen = self.value() if self._allowed(request.user, self.value()) else root
        path = [chosen[:n] for n in CODE_LENGTH.values() if len(root) < n <= len(chosen)]
        children = Q(parent_id=chosen) if chosen else Q(parent__isnull=True)
        regions = Region.objects.filter(children | Q(code__in=path)).order_by("code")
        return [(region.code, self._label(region, root)) for region in regions]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if not re.fullmatch(REGION_CODE_PATTERN, self.value()):
            raise IncorrectLookupParameters(_("A region code has 2, 4, 6, 9 or 12 digits."))
        return queryset.within(self.value())

    @staticmethod
    def _allowed(user, code: str | None) -> bool:
        return bool(code) and code.isdigit() and in_scope(user, code)

    @staticmethod
    def _label(region: Region, root: str) -> str:
        """The name, indented by its depth below the user's region (ideographic spaces)."""
        depth = sum(1 for n in CODE_LENGTH.values() if len(root) < n < len(region.code))
        return "\u3000" * depth + region.name


class AssessedThisYearFilter(admin.SimpleListFilter):
    """Branches with or without an assessment dated this year (the to-do's link)."""

    title = _("Assessed this year")
    parameter_name = "assessed_this_year"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        return queryset.assessed_in(timezone.localdate().year, assessed=self.value() == "yes")


def met_text(met: int | None, total: int | None) -> str:
    """``达标 5/6`` for an assessment's figures; "not assessed" when there are none."""
    if total is None:
        return gettext("Not assessed")
    return gettext("Met %(met)d/%(total)d") % {"met": met, "total": total}


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "valid_to"]
    list_filter = [RegionFilter, "level", "kind"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    search_help_text = _("A code prefix (e.g. 3608) or part of a name (e.g. 天玉).")
    autocomplete_fields = ["parent"]
    # The tree is loaded from the published division codes; only operators correct it.
    reference_data = True
    deletable = False

    def get_readonly_fields(self, request, obj=None):
        # The code is the primary key: changing it would make a second region.
        return ["code"] if obj is not None else []

    def get_search_results(self, request, queryset, search_term):
        """Digits find codes by prefix (a btree range scan); other text finds names.

        Higher levels come first: "青原" offers 青原区 before Heilongjiang's 青原镇.
        """
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isdigit():
            queryset = queryset.filter(code__startswith=term)
        else:
            queryset = queryset.filter(name__contains=term)
        return queryset.order_by(Length("code"), "code"), False


class AssessmentInline(ReadOnlyTabularInline):
    model = Assessment
    fields = ["assessed_on", "standard", "met", "note"]
    verbose_name_plural = _("Standard assessments")
    list_select_related = ["branch", "standard"]

    @admin.display(description=_("Items met"))
    def met(self, assessment):
        return met_text(assessment.met_count, assessment.item_count)


@admin.register(Branch)
class BranchAdmin(ScopedAdmin):
    selector = staticmethod(branch_list)
    create_service = staticmethod(branch_register)
    list_display = ["name", "region", "kind", "status", "rating", "latest_assessment", "founded_on"]
    list_filter = [RegionFilter, "kind", "status", "rating", AssessedThisYearFilter]
    search_fields = ["name"]
    autocomplete_fields = ["region", "parent"]
    fields = [*BRANCH_FIELDS, "assessment_summary"]
    add_fields = BRANCH_FIELDS
    readonly_fields = ["assessment_summary"]
    inlines = [AssessmentInline]

    @admin.display(description=_("Latest assessment"), ordering="latest_met")
    def latest_assessment(self, branch):
        return met_text(branch.latest_met, branch.latest_total)

    @admin.display(description=_("Latest assessment"))
    def assessment_summary(self, branch):
        """The latest assessment's figures and date (annotated by branch_list), and a link
        to record a new one for this branch."""
        summary = met_text(branch.latest_met, branch.latest_total)
        if branch.latest_assessed_on is not None:
            summary = f"{summary}（{branch.latest_assessed_on:%Y-%m-%d}）"
        add_url = reverse("admin:orgs_assessment_add") + "?" + urlencode({"branch": branch.pk})
        return format_html(
            '{} <a href="{}">{}</a>', summary, add_url, gettext("Record an assessment")
        )


class StandardItemInline(ScopedTabularInline):
    model = StandardItem
    fields = ["number", "title", "description"]
    scoped = False
    reference_data = True


@admin.register(Standard)
class StandardAdmin(ScopedAdmin):
    list_display = ["code", "name", "region", "is_default"]
    list_filter = ["is_default"]
    list_select_related = ["region"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["region"]
    inlines = [StandardItemInline]
    # Those that apply to the user's region: national ones, those above it and within it.
    selector = staticmethod(standard_list)
    reference_data = True


class StandardItemsField(forms.ModelMultipleChoiceField):
    """Items of every standard, each labelled with its standard (the service checks them)."""

    def label_from_instance(self, obj):
        return f"{obj.standard.name} · {obj}"


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdmin):
    create_service = staticmethod(assessment_record)
    # An assessment is a dated finding: a later one supersedes it, nothing edits it.
    changeable = False
    list_display = ["branch", "standard", "assessed_on", "met", "note"]
    list_filter = [RegionFilter, "standard", year_filter("assessed_on")]
    list_select_related = ["branch", "standard"]
    search_fields = ["branch__name"]
    autocomplete_fields = ["branch"]
    add_fields = ["branch", "standard", "assessed_on", "items_met", "note"]
    fields = ["branch", "standard", "assessed_on", "items_met", "met", "note", "created_at"]
    readonly_fields = ["met", "created_at"]

    @admin.display(description=_("Items met"), ordering="met_count")
    def met(self, assessment):
        return met_text(assessment.met_count, assessment.item_count)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "standard":
            kwargs["required"] = False
            kwargs["help_text"] = _("Leave empty for the default standard.")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "items_met":
            kwargs["form_class"] = StandardItemsField
            kwargs["queryset"] = StandardItem.objects.filter(
                standard__in=standard_list(user=request.user)
            ).select_related("standard")
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Vintage)
class VintageAdmin(ScopedAdmin):
    """区划变更: each vintage loaded, its report for the user's region, and the user's branches
    left at a closed unit. Vintages are applied by ``load_regions --vintage``, never here."""

    list_display = ["name", "package", "effective_on", "loaded_at"]
    fields = ["name", "package", "effective_on", "loaded_at"]
    readonly_fields = fields
    change_form_template = "admin/orgs/vintage/change_form.html"
    # A vintage is the whole country's; the rows of its report are read in the user's scope.
    scoped = False
    addable = changeable = deletable = False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        vintage = self.get_object(request, object_id)
        if vintage is not None:
            changes = list(vintage_changes(user=request.user, vintage=vintage))
            extra_context = {
                **(extra_context or {}),
                "vintage_counts": change_counts(changes),
                "vintage_changes": changes,
                "stranded": stranded_branches(user=request.user),
            }
        return super().change_view(request, object_id, form_url, extra_context)
