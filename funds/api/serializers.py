"""Shapes of donors, campaigns and donations in the API (no business rules)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.base import PortalModelSerializer, ScopedPrimaryKeyRelatedField
from core.api.personal_data import LogsPersonalDataViews
from funds.choices import DonationStatus
from funds.models import Campaign, Donation, Donor
from funds.selectors import campaign_list
from orgs.validators import mask_id_number, mask_phone


class DonorSerializer(LogsPersonalDataViews, PortalModelSerializer):
    masked_fields = {"identifier": mask_id_number, "phone": mask_phone}

    class Meta:
        model = Donor
        fields = ["id", "kind", "name", "region", "identifier", "phone", "address", "created_at"]
        read_only_fields = ["created_at"]


class DonorUpdateSerializer(DonorSerializer):
    """Who the donor is (kind, identifier) and who registered them (region) stay."""

    class Meta(DonorSerializer.Meta):
        read_only_fields = ["kind", "region", "identifier", "created_at"]


def _campaign_field(**kwargs) -> ScopedPrimaryKeyRelatedField:
    """A campaign of the user's region or one above it (a city's 99 Giving Day)."""
    return ScopedPrimaryKeyRelatedField(
        scope=campaign_list, queryset=Campaign.objects.all(), allow_null=True, **kwargs
    )


class CampaignSerializer(PortalModelSerializer):
    parent = _campaign_field(required=False)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "kind",
            "region",
            "parent",
            "starts_on",
            "ends_on",
            "target_amount",
            "description",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class CampaignUpdateSerializer(CampaignSerializer):
    """Where a campaign is organized, and under which campaign, stays."""

    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta(CampaignSerializer.Meta):
        read_only_fields = ["region", "created_at"]


class DonationSerializer(PortalModelSerializer):
    campaign = _campaign_field(required=False)
    region = serializers.CharField(source="region_code", read_only=True)
    status = serializers.ChoiceField(
        choices=DonationStatus.choices,
        read_only=True,
        help_text=_("recorded; reversed (a reversal entry cancels it); reversal (the entry)."),
    )

    class Meta:
        model = Donation
        fields = [
            "id",
            "branch",
            "region",
            "donor",
            "campaign",
            "kind",
            "amount",
            "in_kind_description",
            "channel",
            "received_on",
            "receipt_no",
            "status",
            "reverses",
            "reason",
            "designated",
            "designation",
            "matching",
            "note",
            "created_at",
        ]
        read_only_fields = ["receipt_no", "reverses", "reason", "created_at"]


class DonationReverseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
