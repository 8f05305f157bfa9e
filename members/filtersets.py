"""Filters of the members lists: members, positions, teams, volunteers, service records."""

from django_filters import BooleanFilter, DateFilter

from core.api.filters import (
    IdFilter,
    OrderingFilter,
    PortalFilterSet,
    RegionFilter,
    SearchFilter,
    YearFilter,
)
from members.models import Member, Position, ServiceRecord, Volunteer, VolunteerTeam


class MemberFilterSet(PortalFilterSet):
    region = RegionFilter()
    branch = IdFilter(field_name="branch")
    active = BooleanFilter(field_name="left_on", lookup_expr="isnull")
    joined_after = DateFilter(field_name="joined_on", lookup_expr="gte")
    joined_before = DateFilter(field_name="joined_on", lookup_expr="lte")
    search = SearchFilter(lookups=("name__icontains", "occupation__icontains"))
    ordering = OrderingFilter(fields=("name", "joined_on", "id"))

    class Meta(PortalFilterSet.Meta):
        model = Member
        fields = ["kind", "gender"]


class PositionFilterSet(PortalFilterSet):
    region = RegionFilter()
    branch = IdFilter(field_name="branch")
    member = IdFilter(field_name="member")
    current = BooleanFilter(field_name="ended_on", lookup_expr="isnull")
    started_after = DateFilter(field_name="started_on", lookup_expr="gte")
    started_before = DateFilter(field_name="started_on", lookup_expr="lte")
    search = SearchFilter(lookups=("holder_name__icontains", "holder_title__icontains"))
    ordering = OrderingFilter(fields=("role", "started_on", "id"))

    class Meta(PortalFilterSet.Meta):
        model = Position
        fields = ["role"]


class VolunteerTeamFilterSet(PortalFilterSet):
    region = RegionFilter()
    branch = IdFilter(field_name="branch")
    founded_after = DateFilter(field_name="founded_on", lookup_expr="gte")
    founded_before = DateFilter(field_name="founded_on", lookup_expr="lte")
    search = SearchFilter(lookups=("name__icontains",))
    ordering = OrderingFilter(fields=("name", "founded_on", "id"))

    class Meta(PortalFilterSet.Meta):
        model = VolunteerTeam
        fields = ["service_type"]


class VolunteerFilterSet(PortalFilterSet):
    region = RegionFilter()
    branch = IdFilter(field_name="branch")
    team = IdFilter(field_name="team")
    registered_after = DateFilter(field_name="registered_on", lookup_expr="gte")
    registered_before = DateFilter(field_name="registered_on", lookup_expr="lte")
    search = SearchFilter(lookups=("name__icontains",))
    ordering = OrderingFilter(fields=("name", "registered_on", "id"))

    class Meta(PortalFilterSet.Meta):
        model = Volunteer
        fields = ["status", "gender"]


class ServiceRecordFilterSet(PortalFilterSet):
    region = RegionFilter()
    volunteer = IdFilter(field_name="volunteer")
    team = IdFilter(field_name="team")
    served_after = DateFilter(field_name="served_on", lookup_expr="gte")
    served_before = DateFilter(field_name="served_on", lookup_expr="lte")
    year = YearFilter(field_name="served_on")
    search = SearchFilter(lookups=("activity__icontains",))
    ordering = OrderingFilter(fields=("served_on", "hours", "id"))

    class Meta(PortalFilterSet.Meta):
        model = ServiceRecord
        fields = ["status"]
