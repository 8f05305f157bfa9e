"""Shapes of the portal's own endpoints: the tokens and the signed-in user."""

from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from core.access import requires_second_factor
from core.errors import code as error_code
from orgs.models import Region
from portal.models import ApiToken, TokenState, User
from portal.tokens import max_age_days
from portal.twofactor import code_failed, verify_code

OTP_REQUIRED = error_code(
    "otp_required", "The account signs in with a one-time code: send the current one as otp."
)
OTP_INVALID = error_code("otp_invalid", "The one-time code is wrong or was used already.")
OTP_NOT_ENROLLED = error_code(
    "otp_not_enrolled", "The account has not set up two-factor login yet (in the browser)."
)


@extend_schema_serializer(component_name="AuthToken")
class TokenRequestSerializer(AuthTokenSerializer):
    """The username and password, and the one-time code of accounts with two-factor login."""

    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=32,
        label=_("One-time code"),
        help_text=_(
            "The current six-digit code of the account's authenticator app (or one of its "
            "recovery codes): required for superusers, staff and administrators."
        ),
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = attrs["user"]
        if not requires_second_factor(user):
            return attrs
        if not user_has_device(user):
            message = _(
                "This account has not set up two-factor login yet: sign in to the portal in "
                "the browser once to set it up."
            )
            raise serializers.ValidationError({"otp": [message]}, code=OTP_NOT_ENROLLED)
        code = attrs.get("otp", "")
        if not code.strip():
            message = _("This account needs the current one-time code in the otp field.")
            raise serializers.ValidationError({"otp": [message]}, code=OTP_REQUIRED)
        if verify_code(user, code) is None:
            code_failed(self.context["request"], user)
            message = _("This one-time code is not valid (or was used already).")
            raise serializers.ValidationError({"otp": [message]}, code=OTP_INVALID)
        return attrs


class TokenIssueSerializer(TokenRequestSerializer):
    """The credentials, and what the new token is: its name, read-only or not, its days."""

    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        label=_("Name"),
        help_text=_("What the token is for (e.g. the system that uses it): shown in the lists."),
    )
    read_only = serializers.BooleanField(
        required=False,
        default=False,
        label=_("Read-only"),
        help_text=_("A read-only token may only read (GET, HEAD, OPTIONS): writes answer 403."),
    )
    expires_in_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        label=_("Days"),
        help_text=_(
            "How many days the token lasts: at most, and by default, API_TOKEN_MAX_AGE_DAYS (90)."
        ),
    )

    def validate_expires_in_days(self, value):
        limit = max_age_days()
        if value is not None and limit and value > limit:
            message = _("A token lasts at most %(days)d days.") % {"days": limit}
            raise serializers.ValidationError(message, code="max_value")
        return value


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_("Send it as `Authorization: Token <token>`. Shown this once only.")
    )
    id = serializers.IntegerField(help_text=_("The token's id in GET /api/v1/tokens/."))
    name = serializers.CharField()
    read_only = serializers.BooleanField()
    expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_(
            "When the token stops working (null: never); ask for a new one before. A new "
            "password, role or region ends it at once."
        ),
    )


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token of the caller, without its key (only the first characters)."""

    state = serializers.ChoiceField(choices=TokenState.choices, read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "read_only",
            "created_at",
            "expires_at",
            "last_used_at",
            "last_used_from",
            "revoked_at",
            "state",
        ]
        read_only_fields = fields


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
