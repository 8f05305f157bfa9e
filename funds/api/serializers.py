"""Shapes of donors, campaigns and donations in the API (no business rules)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.base import PortalModelSerializer, ScopedPrimaryKeyRelatedField
from core.api.personal_data import LogsPersonalDataViews
from funds.choices import DonationStatus, ReversalKind, SpendingStatus
from funds.models import Campaign, Donation, Donor, Fund, Spending
from funds.selectors import campaign_list, fund_list
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


def _fund_field(**kwargs) -> ScopedPrimaryKeyRelatedField:
    """A fund of a branch in the user's region."""
    return ScopedPrimaryKeyRelatedField(scope=fund_list, queryset=Fund.objects.all(), **kwargs)


class DonationSerializer(PortalModelSerializer):
    campaign = _campaign_field(required=False)
    fund = _fund_field(
        required=False,
        allow_null=True,
        help_text=_(
            "Leave out for the default: the campaign's designated fund, "
            "else the branch's unrestricted fund."
        ),
    )
    region = serializers.CharField(source="region_code", read_only=True)
    status = serializers.ChoiceField(
        choices=DonationStatus.choices,
        read_only=True,
        help_text=_("recorded; reversed (a reversal entry cancels it); reversal (the entry)."),
    )

    reversal_kind = serializers.ChoiceField(
        choices=ReversalKind.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("A reversal entry's kind: correction or refund; empty for any other entry."),
    )

    class Meta:
        model = Donation
        fields = [
            "id",
            "branch",
            "region",
            "donor",
            "campaign",
            "fund",
            "kind",
            "amount",
            "in_kind_description",
            "channel",
            "received_on",
            "receipt_no",
            "status",
            "reverses",
            "reversal_kind",
            "reason",
            "designated",
            "designation",
            "matching",
            "note",
            "created_at",
        ]
        read_only_fields = ["receipt_no", "reverses", "reversal_kind", "reason", "created_at"]


class ReverseSerializer(serializers.Serializer):
    """What a reversal asks: why, and whether it corrects the original's period or is a
    refund booked today."""

    reason = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(
        choices=ReversalKind.choices,
        default=ReversalKind.CORRECTION,
        help_text=_(
            "correction (冲正, the default): booked in the original's period, whose figures "
            "lose it; refund (退款): booked on the day it is recorded."
        ),
    )


class DonationReverseSerializer(ReverseSerializer):
    pass


MONEY = {"max_digits": 16, "decimal_places": 2, "read_only": True}


class FundSerializer(PortalModelSerializer):
    campaign = _campaign_field(required=False)
    region = serializers.CharField(source="region_code", read_only=True)
    received = serializers.DecimalField(**MONEY, help_text=_("Money received, net of reversals."))
    spent = serializers.DecimalField(**MONEY, help_text=_("Money spent, net of reversals."))
    balance = serializers.DecimalField(**MONEY, help_text=_("Received less spent; never below 0."))

    class Meta:
        model = Fund
        fields = [
            "id",
            "branch",
            "region",
            "kind",
            "name",
            "campaign",
            "project",
            "received",
            "spent",
            "balance",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class SpendingSerializer(PortalModelSerializer):
    fund = _fund_field()
    region = serializers.CharField(source="region_code", read_only=True)
    status = serializers.ChoiceField(
        choices=SpendingStatus.choices,
        read_only=True,
        help_text=_("recorded; reversed (a reversal entry cancels it); reversal (the entry)."),
    )
    # Whether the number is taken is the service's check (a field validator would answer a
    # retry with the same Idempotency-Key with 400 before the service returns the first).
    voucher_no = serializers.CharField(label=_("Voucher number"), max_length=40)
    has_attachment = serializers.SerializerMethodField(
        help_text=_("Whether a voucher file is kept: GET …/attachment/ to read it.")
    )

    reversal_kind = serializers.ChoiceField(
        choices=ReversalKind.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("A reversal entry's kind: correction or refund; empty for any other entry."),
    )

    class Meta:
        model = Spending
        fields = [
            "id",
            "fund",
            "branch",
            "region",
            "spent_on",
            "amount",
            "category",
            "project",
            "payee",
            "purpose",
            "voucher_no",
            "has_attachment",
            "status",
            "reverses",
            "reversal_kind",
            "reason",
            "created_at",
        ]
        read_only_fields = ["branch", "reverses", "reversal_kind", "reason", "created_at"]

    def get_has_attachment(self, spending) -> bool:
        return bool(spending.attachment)


class SpendingReverseSerializer(ReverseSerializer):
    pass
