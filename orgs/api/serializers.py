"""Shapes of regions, branches, standards and assessments in the API (no business rules)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.base import PortalModelSerializer, ScopedPrimaryKeyRelatedField
from orgs.choices import RegionKind
from orgs.models import BRANCH_FIELDS, Assessment, Branch, Region, Standard, StandardItem
from orgs.selectors import standard_list


class RegionSerializer(serializers.ModelSerializer):
    # Provinces, cities and counties have no kind: read-only fields lose allow_blank otherwise.
    kind = serializers.ChoiceField(choices=RegionKind.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent"]
        read_only_fields = fields


class LatestAssessmentSerializer(serializers.Serializer):
    """How a branch did in its latest assessment against a standard."""

    met = serializers.IntegerField(help_text=_("Items met"))
    total = serializers.IntegerField(help_text=_("Items in total"))
    assessed_on = serializers.DateField()


class BranchSerializer(PortalModelSerializer):
    standard = serializers.SerializerMethodField(help_text=_("The latest assessment, if any."))

    class Meta:
        model = Branch
        fields = [
            "id",
            *BRANCH_FIELDS,
            "standard",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    @extend_schema_field(LatestAssessmentSerializer(allow_null=True))
    def get_standard(self, branch: Branch) -> dict | None:
        """From the annotations of ``orgs.selectors.branch_list`` (no query)."""
        if branch.latest_assessed_on is None:
            return None
        latest = {
            "met": branch.latest_met,
            "total": branch.latest_total,
            "assessed_on": branch.latest_assessed_on,
        }
        return LatestAssessmentSerializer(latest).data


class BranchDissolveSerializer(serializers.Serializer):
    dissolved_on = serializers.DateField()


class StandardItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = StandardItem
        fields = ["id", "number", "title", "description"]
        read_only_fields = ["id"]


class StandardSerializer(PortalModelSerializer):
    items = StandardItemSerializer(many=True, help_text=_("Fixed once the standard exists."))

    class Meta:
        model = Standard
        fields = ["id", "code", "name", "description", "region", "is_default", "items"]
        extra_kwargs = {"region": {"allow_null": True, "required": False}}


class StandardUpdateSerializer(StandardSerializer):
    """Assessments refer to a standard's items, so an edit leaves the items as they are."""

    items = StandardItemSerializer(many=True, read_only=True)


class AssessmentSerializer(PortalModelSerializer):
    standard = ScopedPrimaryKeyRelatedField(
        scope=standard_list,
        queryset=Standard.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Leave empty for the default standard (the six haves)."),
    )
    items_met = serializers.PrimaryKeyRelatedField(
        many=True, queryset=StandardItem.objects.all(), help_text=_("Ids of the items met.")
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "branch",
            "standard",
            "assessed_on",
            "items_met",
            "met_count",
            "item_count",
            "note",
            "created_at",
        ]
        read_only_fields = ["met_count", "item_count", "created_at"]
