"""Endpoints of donors, campaigns, funds, donations and spendings (the last two append-only,
corrected by reversals)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.base import APPEND_ONLY, AttachmentMixin, ScopedViewSet
from core.api.schema import IDEMPOTENCY_KEY
from funds.api import serializers as s
from funds.choices import DonationStatus
from funds.filtersets import (
    CampaignFilterSet,
    DonationFilterSet,
    DonorFilterSet,
    FundFilterSet,
    SpendingFilterSet,
)
from funds.models import Campaign, Donation, Donor, Fund, Spending
from funds.selectors import campaign_list, donation_list, donor_list, fund_list, spending_list
from funds.services import (
    campaign_create,
    donation_record,
    donation_record_idempotent,
    donation_reverse,
    donation_reverse_idempotent,
    donor_create,
    fund_create,
    spending_record,
    spending_record_idempotent,
    spending_reverse,
    spending_reverse_idempotent,
)


class DonorViewSet(ScopedViewSet):
    queryset = Donor.objects.all()
    selector = donor_list
    serializer_class = s.DonorSerializer
    update_serializer_class = s.DonorUpdateSerializer
    filterset_class = DonorFilterSet
    create_service = donor_create


class CampaignViewSet(ScopedViewSet):
    """Lists the campaigns above the user's region too; those are read-only for them."""

    queryset = Campaign.objects.all()
    selector = campaign_list
    serializer_class = s.CampaignSerializer
    update_serializer_class = s.CampaignUpdateSerializer
    filterset_class = CampaignFilterSet
    create_service = campaign_create


def ledger_schema(serializer, reverse_serializer, recorded: str):
    """The schema of a ledger's create and reverse: the Idempotency-Key, 201 for a new entry,
    200 for a retry answered with the entry recorded before."""
    return extend_schema_view(
        create=extend_schema(
            parameters=[IDEMPOTENCY_KEY],
            responses={201: serializer, 200: OpenApiResponse(serializer, description=recorded)},
        ),
        reverse=extend_schema(
            request=reverse_serializer,
            parameters=[IDEMPOTENCY_KEY],
            responses={
                201: serializer,
                200: OpenApiResponse(
                    serializer, description=_("A retry: the reversal entry recorded before.")
                ),
            },
        ),
    )


class LedgerViewSet(ScopedViewSet):
    """An append-only ledger: entries are recorded (once per Idempotency-Key) and reversed,
    never updated or deleted (405). Each ledger names its services and the reversal's
    payload; ``entry`` is the service's keyword for the entry reversed."""

    http_method_names = APPEND_ONLY
    entry: str
    record_idempotent: staticmethod
    reverse_service: staticmethod
    reverse_idempotent: staticmethod
    reverse_serializer_class: type

    def create(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return super().create(request, *args, **kwargs)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry, created = self.record_idempotent(
            idempotency_key=key, user=request.user, **serializer.service_arguments()
        )
        return self._answer(entry, created)

    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Record a reversal entry of the negative amount; answers the entry."""
        original = self.get_object()
        payload = self.reverse_serializer_class(data=request.data)
        payload.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key")
        arguments = {self.entry: original, "user": request.user, **payload.validated_data}
        with transaction.atomic():
            if key is None:
                reversal, created = self.reverse_service(**arguments), True
            else:
                reversal, created = self.reverse_idempotent(idempotency_key=key, **arguments)
        return self._answer(reversal, created)

    def _answer(self, entry, created: bool) -> Response:
        data = self.get_serializer(self.reload(entry)).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@ledger_schema(
    s.DonationSerializer,
    s.DonationReverseSerializer,
    _("A retry: the donation recorded before."),
)
class DonationViewSet(LedgerViewSet):
    """Donations are recorded and reversed, never updated or deleted (405)."""

    queryset = Donation.objects.all()
    selector = donation_list
    serializer_class = s.DonationSerializer
    filterset_class = DonationFilterSet
    entry = "donation"
    record_idempotent = staticmethod(donation_record_idempotent)
    reverse_service = staticmethod(donation_reverse)
    reverse_idempotent = staticmethod(donation_reverse_idempotent)
    reverse_serializer_class = s.DonationReverseSerializer

    def perform_create(self, serializer):
        # The service records the donation in scope, in its own transaction. A donation just
        # recorded is neither a reversal nor reversed, so its answer needs no second read
        # through the list's selector (the base class reloads every other record).
        donation = donation_record(user=self.request.user, **serializer.service_arguments())
        donation.status = DonationStatus.RECORDED
        serializer.instance = donation


class FundViewSet(ScopedViewSet):
    """Funds are opened and read; their balances change only by donations and spendings."""

    http_method_names = APPEND_ONLY
    queryset = Fund.objects.all()
    selector = fund_list
    serializer_class = s.FundSerializer
    filterset_class = FundFilterSet
    create_service = fund_create


@ledger_schema(
    s.SpendingSerializer,
    s.SpendingReverseSerializer,
    _("A retry: the spending recorded before."),
)
class SpendingViewSet(AttachmentMixin, LedgerViewSet):
    """Spendings are recorded and reversed, never updated or deleted (405)."""

    queryset = Spending.objects.all()
    selector = spending_list
    serializer_class = s.SpendingSerializer
    filterset_class = SpendingFilterSet
    create_service = spending_record
    entry = "spending"
    record_idempotent = staticmethod(spending_record_idempotent)
    reverse_service = staticmethod(spending_reverse)
    reverse_idempotent = staticmethod(spending_reverse_idempotent)
    reverse_serializer_class = s.SpendingReverseSerializer
