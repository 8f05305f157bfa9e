"""Endpoints of donors, campaigns and donations (append-only, corrected by reversals)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.base import APPEND_ONLY, ScopedViewSet
from core.api.schema import IDEMPOTENCY_KEY
from funds.api import serializers as s
from funds.choices import DonationStatus
from funds.filtersets import CampaignFilterSet, DonationFilterSet, DonorFilterSet
from funds.models import Campaign, Donation, Donor
from funds.selectors import campaign_list, donation_list, donor_list
from funds.services import (
    campaign_create,
    donation_record,
    donation_record_idempotent,
    donation_reverse,
    donation_reverse_idempotent,
    donor_create,
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


class DonationViewSet(ScopedViewSet):
    """Donations are recorded and reversed, never updated or deleted (405)."""

    http_method_names = APPEND_ONLY
    queryset = Donation.objects.all()
    selector = donation_list
    serializer_class = s.DonationSerializer
    filterset_class = DonationFilterSet

    def perform_create(self, serializer):
        # The service records the donation in scope, in its own transaction. A donation just
        # recorded is neither a reversal nor reversed, so its answer needs no second read
        # through the list's selector (the base class reloads every other record).
        donation = donation_record(user=self.request.user, **serializer.service_arguments())
        donation.status = DonationStatus.RECORDED
        serializer.instance = donation

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: s.DonationSerializer,
            200: OpenApiResponse(
                s.DonationSerializer, description=_("A retry: the donation recorded before.")
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return super().create(request, *args, **kwargs)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        donation, created = donation_record_idempotent(
            idempotency_key=key, user=request.user, **serializer.service_arguments()
        )
        data = self.get_serializer(self.reload(donation)).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        request=s.DonationReverseSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: s.DonationSerializer,
            200: OpenApiResponse(
                s.DonationSerializer, description=_("A retry: the reversal entry recorded before.")
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Record a reversal entry of the negative amount; answers the entry."""
        donation = self.get_object()
        payload = s.DonationReverseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key")
        arguments = {"donation": donation, "user": request.user, **payload.validated_data}
        with transaction.atomic():
            if key is None:
                reversal, created = donation_reverse(**arguments), True
            else:
                reversal, created = donation_reverse_idempotent(idempotency_key=key, **arguments)
        data = self.get_serializer(self.reload(reversal)).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
