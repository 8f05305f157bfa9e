"""The branch-life endpoints: the activity ledger, the rectification cases and the annual
evaluation."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.access import Action, in_scope, scope_of
from core.api.base import APPEND_ONLY, NO_DELETE, AttachmentMixin, ScopedViewSet
from core.api.filters import query_parameters
from life.api import serializers as s
from life.filtersets import (
    ActivityFilterSet,
    CommunityRequestFilterSet,
    EvaluationCampaignFilterSet,
    EvaluationFilterSet,
    RectificationFilterSet,
)
from life.models import (
    Activity,
    CommunityRequest,
    Evaluation,
    EvaluationCampaign,
    RectificationCase,
)
from life.selectors import (
    activity_list,
    campaign_list,
    evaluation_list,
    rectification_list,
    request_list,
    response_figures,
)
from life.services import (
    activity_record,
    activity_update,
    community_request_record,
    community_request_update,
    evaluation_campaign_open,
    evaluation_decide,
    evaluation_publish,
    evaluation_submit,
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


class EvaluationCampaignViewSet(ScopedViewSet):
    """A year's evaluation of the branches of a level below a region; opening one enrols
    them. Campaigns of the regions above are listed, read only."""

    http_method_names = APPEND_ONLY
    queryset = EvaluationCampaign.objects.all()
    selector = campaign_list
    serializer_class = s.EvaluationCampaignSerializer
    filterset_class = EvaluationCampaignFilterSet
    create_service = evaluation_campaign_open


class EvaluationViewSet(AttachmentMixin, ScopedViewSet):
    """Branches' self-assessments (POST submits one, again until it is rated) and the
    ratings of the level above: ``decide`` drafts or publishes one, ``publish`` publishes the
    draft; a published rating is final, corrected by a new decision with its reason."""

    http_method_names = APPEND_ONLY
    queryset = Evaluation.objects.all()
    selector = evaluation_list
    serializer_class = s.EvaluationSerializer
    filterset_class = EvaluationFilterSet
    create_service = evaluation_submit
    access_actions = {"decide": Action.APPROVE, "publish": Action.APPROVE}

    def get_queryset(self):
        return super().get_queryset().prefetch_related("decisions", "items_met", "activities")

    @extend_schema(request=s.EvaluationDecideSerializer, responses={200: s.EvaluationSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The level above rates the self-assessment (a draft unless ``publish``); answers
        the evaluation."""
        return self.act(evaluation_decide, s.EvaluationDecideSerializer, "evaluation")

    @extend_schema(request=None, responses={200: s.EvaluationSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the drafted rating: it is final; answers the evaluation."""
        return self.act(evaluation_publish, serializers.Serializer, "evaluation")


class CommunityRequestViewSet(ScopedViewSet):
    """Residents' requests at grid and community units (1310): recorded when they come in,
    their later steps filled in with PATCH; ``figures`` gives the response times."""

    http_method_names = NO_DELETE
    queryset = CommunityRequest.objects.all()
    selector = request_list
    serializer_class = s.CommunityRequestSerializer
    update_serializer_class = s.CommunityRequestUpdateSerializer
    filterset_class = CommunityRequestFilterSet
    create_service = community_request_record

    def update_record(self, instance, fields):
        return community_request_update(request=instance, user=self.request.user, **fields)

    @extend_schema(
        parameters=[s.ResponseFiguresQuerySerializer],
        responses={200: s.ResponseFiguresSerializer(many=True)},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def figures(self, request):
        """Per region and child region: the requests received in the year, and for each
        step the median and 90th percentile of the minutes from the receipt and the share
        within its target."""
        query = query_parameters(s.ResponseFiguresQuerySerializer, request)
        code = query.get("region", scope_of(request.user) or "")
        if not in_scope(request.user, code):
            raise NotFound(_("No such region in your scope."))
        year = query.get("year", timezone.localdate().year)
        rows = response_figures(user=request.user, code=code, year=year)
        return Response(s.ResponseFiguresSerializer(rows, many=True).data)
