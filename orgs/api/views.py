"""Endpoints of regions, branches, standards and assessments."""

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from core.api.base import NO_DELETE, NO_UPDATE, READ_ONLY, ScopedViewSet, record_update
from core.converters import RegionCodeConverter
from orgs.api.serializers import (
    AssessmentSerializer,
    BranchDissolveSerializer,
    BranchSerializer,
    RegionSerializer,
    StandardSerializer,
    StandardUpdateSerializer,
)
from orgs.filtersets import (
    AssessmentFilterSet,
    BranchFilterSet,
    RegionFilterSet,
    StandardFilterSet,
)
from orgs.models import Assessment, Branch, Region, Standard, StandardItem
from orgs.selectors import branch_list, region_list, standard_list
from orgs.services import (
    assessment_record,
    branch_dissolve,
    branch_move,
    branch_register,
    branch_update,
    check_write_scope,
    validate_model,
)

#: The field each standard constraint is about, so that its message shows beside that field.
STANDARD_CONSTRAINT_FIELDS = {
    "orgs_standard_one_default": "is_default",
    "orgs_standarditem_unique_number": "number",
}


class RegionViewSet(ScopedViewSet):
    """Regions of the user's subtree and the regions above it; read-only."""

    http_method_names = READ_ONLY
    queryset = Region.objects.all()
    selector = region_list
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"
    lookup_value_regex = RegionCodeConverter.regex


class BranchViewSet(ScopedViewSet):
    """Branches are never deleted: they are dissolved (POST .../dissolve/)."""

    http_method_names = NO_DELETE
    queryset = Branch.objects.all()
    selector = branch_list
    serializer_class = BranchSerializer
    filterset_class = BranchFilterSet
    create_service = branch_register

    def update_record(self, instance, fields):
        """A new region moves the branch (``branch_move``); the rest is ``branch_update``."""
        region = fields.pop("region", instance.region)
        if region.pk != instance.region_id:
            instance = branch_move(branch=instance, region=region, user=self.request.user)
        return branch_update(branch=instance, user=self.request.user, **fields)

    @extend_schema(request=BranchDissolveSerializer, responses=BranchSerializer)
    @action(detail=True, methods=["post"])
    def dissolve(self, request, pk=None):
        return self.act(branch_dissolve, BranchDissolveSerializer, "branch")


def standard_create(*, items: list[dict], user, **fields) -> Standard:
    """Create a standard with its items; one at no region (everywhere) is for superusers.

    No service in orgs.services writes standards yet; this is the same check-and-save.
    """
    region = fields.get("region")
    check_write_scope(user=user, code=region.code if region else "", field="region")
    with transaction.atomic():
        standard = Standard(**fields)
        validate_model(standard, fields=STANDARD_CONSTRAINT_FIELDS)
        standard.save()
        for index, data in enumerate(items):
            _standard_item_add(standard, index, data)
    return standard


def _standard_item_add(standard: Standard, index: int, data: dict) -> None:
    """Save one item; its errors are reported under ``items.<index>.<field>``."""
    item = StandardItem(standard=standard, **data)
    try:
        validate_model(item, fields=STANDARD_CONSTRAINT_FIELDS)
    except ValidationError as error:
        raise ValidationError(
            {f"items.{index}.{field}": messages for field, messages in error.message_dict.items()}
        ) from None
    item.save()


class StandardViewSet(ScopedViewSet):
    """Standards that apply to the user's region; administrators edit those of their region."""

    queryset = Standard.objects.all()
    serializer_class = StandardSerializer
    update_serializer_class = StandardUpdateSerializer
    filterset_class = StandardFilterSet
    create_service = standard_create

    def get_queryset(self):
        # Items by one prefetch query, whatever the page size.
        return standard_list(user=self.request.user).prefetch_related("items")

    def update_record(self, instance, fields):
        if "region" in fields:
            region = fields["region"]
            code = region.code if region else ""
            check_write_scope(user=self.request.user, code=code, field="region")
        return record_update(instance=instance, **fields)


class AssessmentViewSet(ScopedViewSet):
    """Assessments are recorded, not edited: a new assessment supersedes the last."""

    http_method_names = NO_UPDATE
    queryset = Assessment.objects.prefetch_related("items_met")
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    create_service = assessment_record
