"""Filters of the activity list."""

from django_filters import DateFilter

from core.api.filters import (
    IdFilter,
    OrderingFilter,
    PortalFilterSet,
    RegionFilter,
    SearchFilter,
    YearFilter,
)
from life.models import Activity


class ActivityFilterSet(PortalFilterSet):
    region = RegionFilter()
    branch = IdFilter(field_name="branch")
    kind = IdFilter(field_name="kind")
    held_after = DateFilter(field_name="held_on", lookup_expr="gte")
    held_before = DateFilter(field_name="held_on", lookup_expr="lte")
    year = YearFilter(field_name="held_on")
    search = SearchFilter(lookups=("place__icontains", "summary__icontains"))
    ordering = OrderingFilter(fields=("held_on", "id"))

    class Meta(PortalFilterSet.Meta):
        model = Activity
        fields = ["late"]
