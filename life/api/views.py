"""The branch-life endpoints: the activity ledger and the rectification cases."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.access import Action
from core.api.base import APPEND_ONLY, NO_DELETE, AttachmentMixin, ScopedViewSet
from life.api import serializers as s
from life.filtersets import ActivityFilterSet, RectificationFilterSet
from life.models import Activity, RectificationCase
from life.selectors import activity_list, rectification_list
from life.services import (
    activity_record,
    activity_update,
    rectification_close,
    rectification_open,
    rectification_progress_record,
)


class ActivityViewSet(AttachmentMixin, ScopedViewSet):
    """Activities are recorded and corrected; an activity entered late is flagged, not refused."""

    http_method_names = NO_DELETE
    queryset = Activity.objects.all()
    selector = activity_list
    serializer_class = s.ActivitySerializer
    update_serializer_class = s.ActivityUpdateSerializer
    filterset_class = ActivityFilterSet
    create_service = activity_record

    def update_record(self, instance, fields):
        return activity_update(activity=instance, user=self.request.user, **fields)


class RectificationViewSet(AttachmentMixin, ScopedViewSet):
    """Rectification cases of weak and lax branches: opened here, progress added with
    ``progress``, accepted by the level above with ``close``; never edited or deleted."""

    http_method_names = APPEND_ONLY
    queryset = RectificationCase.objects.all()
    selector = rectification_list
    serializer_class = s.RectificationSerializer
    filterset_class = RectificationFilterSet
    create_service = rectification_open
    access_actions = {"progress": Action.CHANGE, "close": Action.CHANGE}

    def get_queryset(self):
        return super().get_queryset().prefetch_related("progress")

    @extend_schema(
        request=s.RectificationProgressSerializer,
        responses={201: s.RectificationSerializer},
    )
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """Add a step to an open case; answers the case."""
        case = self.get_object()
        payload = s.RectificationProgressSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with transaction.atomic():
            rectification_progress_record(case=case, user=request.user, **payload.validated_data)
        data = self.get_serializer(self.reload(case)).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.RectificationCloseSerializer, responses={200: s.RectificationSerializer}
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The level above accepts the results: the case closes; answers the case."""
        case = self.get_object()
        payload = s.RectificationCloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with transaction.atomic():
            closed = rectification_close(case=case, user=request.user, **payload.validated_data)
        return Response(self.get_serializer(self.reload(closed)).data)
