"""Endpoints of members, leadership positions, volunteer teams, volunteers and service hours."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.base import APPEND_ONLY, NO_DELETE, ScopedViewSet
from members.api import serializers as s
from members.filtersets import (
    MemberFilterSet,
    PositionFilterSet,
    ServiceRecordFilterSet,
    VolunteerFilterSet,
    VolunteerTeamFilterSet,
)
from members.models import Member, Position, ServiceRecord, Volunteer, VolunteerTeam
from members.selectors import (
    member_list,
    position_list,
    service_record_list,
    team_list,
    volunteer_list,
)
from members.services import (
    member_join,
    member_leave,
    member_rejoin,
    position_assign,
    position_end,
    service_record_submit,
    service_records_approve,
    service_records_decline,
    team_create,
    volunteer_register,
)


class MemberViewSet(ScopedViewSet):
    """Members leave and rejoin (their history stays): never deleted."""

    http_method_names = NO_DELETE
    queryset = Member.objects.all()
    selector = member_list
    serializer_class = s.MemberSerializer
    update_serializer_class = s.MemberUpdateSerializer
    filterset_class = MemberFilterSet
    create_service = member_join

    @extend_schema(request=s.MemberLeaveSerializer, responses=s.MemberSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        return self.act(member_leave, s.MemberLeaveSerializer, "member")

    @extend_schema(request=s.MemberRejoinSerializer, responses=s.MemberSerializer)
    @action(detail=True, methods=["post"])
    def rejoin(self, request, pk=None):
        return self.act(member_rejoin, s.MemberRejoinSerializer, "member")


class PositionViewSet(ScopedViewSet):
    queryset = Position.objects.all()
    selector = position_list
    serializer_class = s.PositionSerializer
    update_serializer_class = s.PositionUpdateSerializer
    filterset_class = PositionFilterSet
    create_service = position_assign

    @extend_schema(request=s.PositionEndSerializer, responses=s.PositionSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self.act(position_end, s.PositionEndSerializer, "position")


class VolunteerTeamViewSet(ScopedViewSet):
    queryset = VolunteerTeam.objects.all()
    selector = team_list
    serializer_class = s.VolunteerTeamSerializer
    update_serializer_class = s.VolunteerTeamUpdateSerializer
    filterset_class = VolunteerTeamFilterSet
    create_service = team_create


class VolunteerViewSet(ScopedViewSet):
    queryset = Volunteer.objects.all()
    selector = volunteer_list
    serializer_class = s.VolunteerSerializer
    update_serializer_class = s.VolunteerUpdateSerializer
    filterset_class = VolunteerFilterSet
    create_service = volunteer_register


class ServiceRecordViewSet(ScopedViewSet):
    """Hours are submitted, then approved or declined; a record is never edited or deleted."""

    http_method_names = APPEND_ONLY
    queryset = ServiceRecord.objects.all()
    selector = service_record_list
    serializer_class = s.ServiceRecordSerializer
    filterset_class = ServiceRecordFilterSet
    create_service = service_record_submit

    def review_one(self, service) -> Response:
        record = self.get_object()
        with transaction.atomic():
            service(records=ServiceRecord.objects.filter(pk=record.pk), user=self.request.user)
        return Response(self.get_serializer(self.reload(record)).data)

    def review_many(self, service) -> Response:
        payload = s.ServiceRecordIdsSerializer(
            data=self.request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        records = ServiceRecord.objects.filter(pk__in=payload.validated_data["ids"])
        with transaction.atomic():
            count = service(records=records, user=self.request.user)
        return Response({"count": count})

    @extend_schema(request=None, responses=s.ServiceRecordSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.review_one(service_records_approve)

    @extend_schema(request=None, responses=s.ServiceRecordSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self.review_one(service_records_decline)

    @extend_schema(
        operation_id="service_records_approve_many",
        request=s.ServiceRecordIdsSerializer,
        responses=s.ReviewCountSerializer,
    )
    @action(detail=False, methods=["post"], url_path="approve", url_name="approve-many")
    def approve_many(self, request):
        return self.review_many(service_records_approve)

    @extend_schema(
        operation_id="service_records_decline_many",
        request=s.ServiceRecordIdsSerializer,
        responses=s.ReviewCountSerializer,
    )
    @action(detail=False, methods=["post"], url_path="decline", url_name="decline-many")
    def decline_many(self, request):
        return self.review_many(service_records_decline)
