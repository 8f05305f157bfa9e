"""Endpoints of the portal itself: the API token, the signed-in user, unknown addresses."""

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView
from rest_framework import exceptions, permissions
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.authentication import token_expired, token_expires
from core.api.schema import SCHEMA_LANGUAGE
from core.api.throttles import AnonThrottle
from portal.api.serializers import MeSerializer, TokenSerializer


@csrf_exempt
def not_found(request, *args, **kwargs) -> JsonResponse:
    """The API's 404 for addresses that match no endpoint, whatever the method."""
    detail = str(exceptions.NotFound.default_detail)
    return JsonResponse({"detail": detail, "code": "not_found"}, status=404)


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the account's API token (one per account)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    # Password guessing is throttled by address like any anonymous request.
    throttle_classes = [AnonThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]

    @extend_schema(request=AuthTokenSerializer, responses=TokenSerializer, auth=[])
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        with transaction.atomic():
            token = Token.objects.select_for_update().filter(user=user).first()
            if token is not None and token_expired(token):
                token.delete()  # an expired token is replaced, never renewed
                token = None
            if token is None:
                token = Token.objects.create(user=user)
        answer = {"token": token.key, "expires_at": token_expires(token.created)}
        return Response(TokenSerializer(answer).data)


class MeView(APIView):
    """The signed-in account: its region (its scope) and its role."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class SchemaView(SpectacularAPIView):
    """This schema: the same bytes whatever Accept-Language says; ?lang=zh-hans for Chinese descriptions."""

    @extend_schema(**SCHEMA_KWARGS)
    def get(self, request, *args, **kwargs):
        language = request.GET.get("lang") or SCHEMA_LANGUAGE
        if language not in dict(settings.LANGUAGES):
            language = SCHEMA_LANGUAGE
        with translation.override(language):
            response = self._get_schema_response(request)
        response["Content-Language"] = language
        return response
