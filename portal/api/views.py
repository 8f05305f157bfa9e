"""Endpoints of the portal itself: the API token, the signed-in user, region rollups."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, permissions
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from orgs.models import Region
from portal.api.filters import PASSTHROUGH_PARAMETERS, REGION_CODE_SCHEMA, UNKNOWN_PARAMETER
from portal.api.serializers import (
    CoverageGapSerializer,
    CoverageGapsQuerySerializer,
    MeSerializer,
    RegionRollupSerializer,
    RollupQuerySerializer,
    TokenSerializer,
)
from portal.rollups import coverage_gaps, region_rollup

REGION_CODE = OpenApiParameter("code", REGION_CODE_SCHEMA, OpenApiParameter.PATH)


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
        return super().post(request, *args, **kwargs)


class MeView(APIView):
    """The signed-in account: its region (its scope) and its role."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


def scoped_region(user, code: str) -> Region:
    """The region ``code`` if it lies in the user's subtree, else 404 (one query)."""
    region = Region.objects.visible_to(user).filter(code=code).first()
    if region is None:
        raise exceptions.NotFound()
    return region


def query_parameters(serializer_class, request, *, paged: bool = False) -> dict:
    """The validated query parameters; unknown ones are a 400, as on every list."""
    allowed = set(serializer_class().fields) | (PASSTHROUGH_PARAMETERS if paged else {"format"})
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise exceptions.ValidationError({name: [UNKNOWN_PARAMETER] for name in unknown})
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def plain(value: Any) -> Any:
    """A rollup as JSON data: Decimals as strings, moments in the portal's time zone."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    return value


class RegionRollupView(APIView):
    """Figures of a region of the user's subtree and of each of its direct children."""

    @extend_schema(
        parameters=[REGION_CODE, RollupQuerySerializer], responses=RegionRollupSerializer
    )
    def get(self, request, code):
        region = scoped_region(request.user, code)
        year = query_parameters(RollupQuerySerializer, request).get("year")
        return Response(plain(region_rollup(region=region, year=year).as_dict()))


class CountryRollupView(APIView):
    """Figures of the whole country and of each province: for superusers (others: 404)."""

    extra_error_statuses = (404,)

    @extend_schema(parameters=[RollupQuerySerializer], responses=RegionRollupSerializer)
    def get(self, request):
        if not request.user.is_superuser:
            raise exceptions.NotFound()
        year = query_parameters(RollupQuerySerializer, request).get("year")
        return Response(plain(region_rollup(region=None, year=year).as_dict()))


class CoverageGapsView(generics.ListAPIView):
    """Units of a level below the region that no active territorial branch covers."""

    queryset = Region.objects.all()
    serializer_class = CoverageGapSerializer
    filter_backends = []

    @extend_schema(parameters=[REGION_CODE, CoverageGapsQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        region = scoped_region(self.request.user, self.kwargs["code"])
        query = query_parameters(CoverageGapsQuerySerializer, self.request, paged=True)
        return coverage_gaps(region=region, level=query["level"])
