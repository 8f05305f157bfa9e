"""Rollups of a region and of the country, and the coverage gaps under a region."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import sees_country
from core.api.filters import PASSTHROUGH_PARAMETERS, REGION_CODE_SCHEMA, UNKNOWN_PARAMETER
from orgs.models import Region
from reports.api.serializers import (
    CoverageGapSerializer,
    CoverageGapsQuerySerializer,
    RegionRollupSerializer,
    RollupQuerySerializer,
)
from reports.rollups import coverage_gaps, region_rollup

REGION_CODE = OpenApiParameter("code", REGION_CODE_SCHEMA, OpenApiParameter.PATH)


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
        if not sees_country(request.user):
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
