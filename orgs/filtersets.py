"""Filters of the orgs lists: regions, branches, standards, assessments."""

from django_filters import DateFilter

from core.api.filters import (
    IdFilter,
    OrderingFilter,
    PortalFilterSet,
    RegionCodeFilter,
    RegionFilter,
    SearchFilter,
    YearFilter,
)
from orgs.models import Assessment, Branch, Region, Standard


class RegionFilterSet(PortalFilterSet):
    region = RegionFilter()
    parent = RegionCodeFilter(field_name="parent_id")
    search = SearchFilter(lookups=("name__icontains", "code__startswith"))
    ordering = OrderingFilter(fields=("code", "name"))

    class Meta(PortalFilterSet.Meta):
        model = Region
        fields = ["level", "kind"]


class BranchFilterSet(PortalFilterSet):
    region = RegionFilter()
    parent = IdFilter(field_name="parent")
    founded_after = DateFilter(field_name="founded_on", lookup_expr="gte")
    founded_before = DateFilter(field_name="founded_on", lookup_expr="lte")
    search = SearchFilter(lookups=("name__icontains",))
    ordering = OrderingFilter(fields=("name", "region", "founded_on", "id"))

    class Meta(PortalFilterSet.Meta):
        model = Branch
        fields = ["kind", "status", "rating"]


class StandardFilterSet(PortalFilterSet):
    region = RegionFilter(path="region__code")
    search = SearchFilter(lookups=("name__icontains", "code__icontains"))
    ordering = OrderingFilter(fields=("code", "name"))

    class Meta(PortalFilterSet.Meta):
        model = Standard
        fields = ["is_default"]


class AssessmentFilterSet(PortalFilterSet):
    region = RegionFilter()
    branch = IdFilter(field_name="branch")
    standard = IdFilter(field_name="standard")
    assessed_after = DateFilter(field_name="assessed_on", lookup_expr="gte")
    assessed_before = DateFilter(field_name="assessed_on", lookup_expr="lte")
    year = YearFilter(field_name="assessed_on")
    ordering = OrderingFilter(fields=("assessed_on", "id"))

    class Meta(PortalFilterSet.Meta):
        model = Assessment
        fields = []
