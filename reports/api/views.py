"""Rollups of a region and of the country, and the coverage gaps under a region."""

import datetime
import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import sees_country
from core.api.filters import REGION_CODE_SCHEMA, query_parameters
from orgs.models import Region
from reports.api.serializers import (
    CoverageGapSerializer,
    CoverageGapsQuerySerializer,
    RegionRollupSerializer,
    RollupQuerySerializer,
)
from reports.rollups import coverage_gaps, region_rollup, subtree_changes

REGION_CODE = OpenApiParameter("code", REGION_CODE_SCHEMA, OpenApiParameter.PATH)


def scoped_region(user, code: str) -> Region:
    """The region ``code`` if it lies in the user's subtree, else 404 (one query)."""
    region = Region.objects.visible_to(user).filter(code=code).first()
    if region is None:
        raise exceptions.NotFound()
    return region


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


#: How a rollup may be cached: by the client only, revalidated with its ETag every time.
CACHE_CONTROL = "private, max-age=0, must-revalidate"
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    description=_("The ETag of a rollup received before: 304 if the figures have not changed."),
)
ROLLUP_RESPONSES = {
    200: RegionRollupSerializer,
    304: OpenApiResponse(
        description=_("Not modified: the figures are those of the ETag sent in If-None-Match.")
    ),
}
#: The caching headers of a rollup's answers.
ROLLUP_HEADERS = [
    OpenApiParameter(
        "ETag",
        str,
        OpenApiParameter.HEADER,
        response=[200, 304],
        description=_("Changes whenever a figure of the answer may have changed."),
    ),
    OpenApiParameter(
        "Last-Modified",
        str,
        OpenApiParameter.HEADER,
        response=[200],
        description=_("When the last write in the region was recorded (absent: none yet)."),
    ),
    OpenApiParameter(
        "Cache-Control",
        str,
        OpenApiParameter.HEADER,
        response=[200, 304],
        description=CACHE_CONTROL,
    ),
]


def conditional_rollup(request, code: str, compute: Callable[[], dict]):
    """The rollup, or 304 when the client's ETag is current: the subtree's write count
    (reports.rollups.subtree_changes) decides, before any figure is computed.

    The ETag also names what else shapes the answer: the query, the language and the API's
    version. Call only after the user's scope and the query were checked.
    """
    changes, changed_at = subtree_changes(code)
    shape = "|".join(
        [request.path, request.GET.urlencode(), get_language(), spectacular_settings.VERSION]
    )
    etag = f'W/"{changes}-{hashlib.sha256(shape.encode()).hexdigest()[:16]}"'
    last_modified = changed_at.timestamp() if changed_at else None
    # The ETag alone decides: Last-Modified has whole seconds, too coarse to tell.
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = Response(plain(compute()))
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    patch_vary_headers(response, ["Accept-Language", "Authorization", "Cookie"])
    return response


class RegionRollupView(APIView):
    """Figures of a region of the user's subtree and of each of its direct children.

    Answers carry an ETag: send it back in If-None-Match to get 304 while nothing in the
    region has changed.
    """

    @extend_schema(
        parameters=[REGION_CODE, RollupQuerySerializer, IF_NONE_MATCH, *ROLLUP_HEADERS],
        responses=ROLLUP_RESPONSES,
    )
    def get(self, request, code):
        region = scoped_region(request.user, code)
        query = query_parameters(RollupQuerySerializer, request)
        return conditional_rollup(
            request, region.code, lambda: region_rollup(region=region, **query).as_dict()
        )


class CountryRollupView(APIView):
    """Figures of the whole country and of each province: for superusers (others: 404).

    With an ETag, like a region's rollup.
    """

    extra_error_statuses = (404,)

    @extend_schema(
        parameters=[RollupQuerySerializer, IF_NONE_MATCH, *ROLLUP_HEADERS],
        responses=ROLLUP_RESPONSES,
    )
    def get(self, request):
        if not sees_country(request.user):
            raise exceptions.NotFound()
        query = query_parameters(RollupQuerySerializer, request)
        return conditional_rollup(
            request, "", lambda: region_rollup(region=None, **query).as_dict()
        )


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
