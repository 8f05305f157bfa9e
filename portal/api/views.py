"""Endpoints of the portal itself: the API token, the signed-in user, unknown addresses."""

from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.api.authentication import token_expires
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
    throttle_classes = [AnonRateThrottle]
    renderer_classes = [JSONRenderer]

    @extend_schema(request=AuthTokenSerializer, responses=TokenSerializer, auth=[])
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        with transaction.atomic():
            token = Token.objects.select_for_update().filter(user=user).first()
            expires = token_expires(token.created) if token else None
            if token is not None and expires is not None and expires <= timezone.now():
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
