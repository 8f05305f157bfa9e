"""Endpoints of the portal itself: API tokens, the signed-in user, unknown addresses."""

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView
from rest_framework import exceptions, permissions
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.base import ScopedViewSet
from core.api.schema import SCHEMA_LANGUAGE
from core.api.throttles import AnonThrottle
from portal.api.serializers import (
    ApiTokenSerializer,
    MeSerializer,
    TokenIssueSerializer,
    TokenSerializer,
)
from portal.models import ApiToken
from portal.tokens import api_token_issue, api_token_list, api_token_revoke


@csrf_exempt
def not_found(request, *args, **kwargs) -> JsonResponse:
    """The API's 404 for addresses that match no endpoint, whatever the method."""
    detail = str(exceptions.NotFound.default_detail)
    return JsonResponse({"detail": detail, "code": "not_found"}, status=404)


class TokenView(ObtainAuthToken):
    """Exchange a username and password for a new API token (each call issues one, named,
    read-only or not); accounts with two-factor login add the current one-time code
    (``otp``)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    # Password guessing is throttled by address like any anonymous request.
    throttle_classes = [AnonThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    serializer_class = TokenIssueSerializer

    @extend_schema(request=TokenIssueSerializer, responses=TokenSerializer, auth=[])
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token, key = api_token_issue(
            user=data["user"],
            name=data.get("name", ""),
            read_only=data["read_only"],
            expires_in_days=data.get("expires_in_days"),
            request=request,
        )
        answer = {
            "token": key,
            "id": token.pk,
            "name": token.name,
            "read_only": token.read_only,
            "expires_at": token.expires_at,
        }
        return Response(TokenSerializer(answer).data)


class ApiTokenViewSet(ScopedViewSet):
    """The caller's own API tokens (never their keys): listed with their last use, revoked
    one by one (DELETE); a read-only token cannot revoke."""

    selector = api_token_list
    queryset = ApiToken.objects.all()
    serializer_class = ApiTokenSerializer
    filterset_class = None  # a person's few tokens: no filters
    http_method_names = ["get", "delete", "head", "options"]

    def perform_destroy(self, instance):
        api_token_revoke(token=instance, user=self.request.user, request=self.request)


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
