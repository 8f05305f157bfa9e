"""Shapes of the rollup and coverage-gap endpoints."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orgs.choices import RegionLevel
from orgs.models import Region


class RollupQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Limit service hours and donations to this calendar year."),
    )


class CoverageGapsQuerySerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=RegionLevel.choices, help_text=_("The level of the units to list.")
    )


class BranchFiguresSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=_("Branches not dissolved."))
    active = serializers.IntegerField()
    by_kind = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("Active branches per kind.")
    )
    standard_compliant = serializers.IntegerField(
        help_text=_("Active branches meeting every item of their latest assessment.")
    )


class CoverageSerializer(serializers.Serializer):
    covered = serializers.IntegerField()
    total = serializers.IntegerField()
    ratio = serializers.FloatField(allow_null=True, help_text=_("Null when there is no unit."))


class MemberFiguresSerializer(serializers.Serializer):
    active = serializers.IntegerField()


class VolunteerFiguresSerializer(serializers.Serializer):
    active = serializers.IntegerField()
    service_hours = serializers.DecimalField(max_digits=None, decimal_places=1)


class CampaignAmountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    amount = serializers.DecimalField(max_digits=None, decimal_places=2)


class DonationFiguresSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("Net of reversal entries."))
    amount = serializers.DecimalField(max_digits=None, decimal_places=2)
    in_kind_value = serializers.DecimalField(max_digits=None, decimal_places=2)
    by_campaign = CampaignAmountSerializer(many=True)
    by_channel = serializers.DictField(
        child=serializers.DecimalField(max_digits=None, decimal_places=2)
    )


class RegionFiguresSerializer(serializers.Serializer):
    """The figures of one region (documentation of ``portal.rollups.region_rollup``)."""

    code = serializers.CharField(allow_null=True, help_text=_("Null for the whole country."))
    name = serializers.CharField()
    level = serializers.CharField()
    as_of = serializers.DateTimeField(help_text=_("The moment the figures are true for."))
    branches = BranchFiguresSerializer()
    coverage = serializers.DictField(
        child=CoverageSerializer(), help_text=_("Per level below the region.")
    )
    members = MemberFiguresSerializer()
    volunteers = VolunteerFiguresSerializer()
    donations = DonationFiguresSerializer()


class RegionRollupSerializer(RegionFiguresSerializer):
    children = RegionFiguresSerializer(many=True, help_text=_("Each direct child region."))


class CoverageGapSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "parent"]
        read_only_fields = fields
