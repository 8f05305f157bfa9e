"""Filters of the branch-life lists."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter, ChoiceFilter, DateFilter

from core.api.filters import (
    IdFilter,
    OrderingFilter,
    PortalFilterSet,
    RegionFilter,
    SearchFilter,
    YearFilter,
)
from life.choices import EvaluationRating, EvaluationState, RectificationState
from life.models import (
    Activity,
    CommunityRequest,
    Evaluation,
    EvaluationCampaign,
    RectificationCase,
)


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


class RectificationFilterSet(PortalFilterSet):
    region = RegionFilter()
    branch = IdFilter(field_name="branch")
    state = ChoiceFilter(
        choices=RectificationState.choices,
        method="filter_state",
        help_text=_("open: in progress; overdue: open past its deadline; closed: accepted."),
    )
    deadline_before = DateFilter(field_name="deadline", lookup_expr="lte")
    year = YearFilter(field_name="opened_on")
    ordering = OrderingFilter(fields=("deadline", "opened_on", "id"))

    class Meta(PortalFilterSet.Meta):
        model = RectificationCase
        fields = ["source"]

    def filter_state(self, queryset, name, value):
        return queryset.in_state(value, timezone.localdate())


class EvaluationCampaignFilterSet(PortalFilterSet):
    ordering = OrderingFilter(fields=("year", "id"))

    class Meta(PortalFilterSet.Meta):
        model = EvaluationCampaign
        fields = ["year", "level", "scale"]


class EvaluationFilterSet(PortalFilterSet):
    region = RegionFilter()
    branch = IdFilter(field_name="branch")
    campaign = IdFilter(field_name="campaign")
    year = YearFilter(field_name="campaign__year", lookup_expr="exact")
    state = ChoiceFilter(
        choices=EvaluationState.choices,
        method="filter_state",
        help_text=_(
            "not_submitted: no self-assessment yet; to_review: submitted, no published "
            "rating; published: rated."
        ),
    )
    rating = ChoiceFilter(choices=EvaluationRating.choices)
    ordering = OrderingFilter(fields=("submitted_on", "id"))

    class Meta(PortalFilterSet.Meta):
        model = Evaluation
        fields = []

    def filter_state(self, queryset, name, value):
        return queryset.in_state(value)


class CommunityRequestFilterSet(PortalFilterSet):
    region = RegionFilter()
    team = IdFilter(field_name="team")
    year = YearFilter(field_name="received_at")
    resolved = BooleanFilter(
        field_name="resolved_at",
        lookup_expr="isnull",
        exclude=True,
        help_text=_("Resolved or not."),
    )
    search = SearchFilter(lookups=("summary__icontains",))
    ordering = OrderingFilter(fields=("received_at", "id"))

    class Meta(PortalFilterSet.Meta):
        model = CommunityRequest
        fields = []
