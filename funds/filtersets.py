"""Filters of the funds lists: donors, campaigns, donations."""

from django_filters import ChoiceFilter, DateFilter
from drf_spectacular.utils import extend_schema_field

from core.api.filters import (
    IdFilter,
    OrderingFilter,
    PortalFilterSet,
    RegionFilter,
    SearchFilter,
    YearFilter,
)
from funds.choices import DonationStatus, SpendingStatus
from funds.models import Campaign, Donation, Donor, Fund, Spending


class DonorFilterSet(PortalFilterSet):
    region = RegionFilter()
    search = SearchFilter(lookups=("name__icontains", "address__icontains"))
    ordering = OrderingFilter(fields=("name", "id"))

    class Meta(PortalFilterSet.Meta):
        model = Donor
        fields = ["kind"]


class CampaignFilterSet(PortalFilterSet):
    region = RegionFilter()
    parent = IdFilter(field_name="parent")
    starts_after = DateFilter(field_name="starts_on", lookup_expr="gte")
    starts_before = DateFilter(field_name="starts_on", lookup_expr="lte")
    year = YearFilter(field_name="starts_on")
    search = SearchFilter(lookups=("name__icontains",))
    ordering = OrderingFilter(fields=("starts_on", "name", "id"))

    class Meta(PortalFilterSet.Meta):
        model = Campaign
        fields = ["kind"]


class DonationFilterSet(PortalFilterSet):
    region = RegionFilter()
    branch = IdFilter(field_name="branch")
    donor = IdFilter(field_name="donor")
    campaign = IdFilter(field_name="campaign")
    # ``status`` is annotated by funds.selectors.donation_list.
    status = extend_schema_field({"type": "string", "enum": DonationStatus.values})(
        ChoiceFilter(choices=DonationStatus.choices)
    )
    received_after = DateFilter(field_name="received_on", lookup_expr="gte")
    received_before = DateFilter(field_name="received_on", lookup_expr="lte")
    year = YearFilter(field_name="received_on")
    search = SearchFilter(lookups=("receipt_no__icontains", "donor__name__icontains"))
    ordering = OrderingFilter(fields=("received_on", "amount", "id"))

    class Meta(PortalFilterSet.Meta):
        model = Donation
        fields = ["kind", "channel", "designated", "matching"]


class FundFilterSet(PortalFilterSet):
    region = RegionFilter()
    branch = IdFilter(field_name="branch")
    campaign = IdFilter(field_name="campaign")
    search = SearchFilter(lookups=("name__icontains", "project__icontains"))
    ordering = OrderingFilter(fields=("id", "balance"))

    class Meta(PortalFilterSet.Meta):
        model = Fund
        fields = ["kind"]


class SpendingFilterSet(PortalFilterSet):
    region = RegionFilter()
    branch = IdFilter(field_name="branch")
    fund = IdFilter(field_name="fund")
    # ``status`` is annotated by funds.selectors.spending_list.
    status = extend_schema_field({"type": "string", "enum": SpendingStatus.values})(
        ChoiceFilter(choices=SpendingStatus.choices)
    )
    spent_after = DateFilter(field_name="spent_on", lookup_expr="gte")
    spent_before = DateFilter(field_name="spent_on", lookup_expr="lte")
    year = YearFilter(field_name="spent_on")
    search = SearchFilter(
        lookups=("voucher_no__icontains", "payee__icontains", "project__icontains")
    )
    ordering = OrderingFilter(fields=("spent_on", "amount", "id"))

    class Meta(PortalFilterSet.Meta):
        model = Spending
        fields = ["category"]
