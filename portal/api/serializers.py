"""Shapes of the portal's own endpoints: the token and the signed-in user."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orgs.models import Region
from portal.models import User


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send it as `Authorization: Token <token>`."))
    expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_(
            "When the token stops working (null: never); ask for a new one before. A new "
            "password, role or region ends it at once."
        ),
    )


class RegionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    region = RegionRefSerializer(
        read_only=True, allow_null=True, help_text=_("Null for superusers: the whole country.")
    )

    class Meta:
        model = User
        fields = ["username", "region", "role", "is_superuser"]
        read_only_fields = fields
