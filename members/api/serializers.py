"""Shapes of members, positions, teams, volunteers and service records (no business rules)."""

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.api.base import PortalModelSerializer, request_user
from core.api.personal_data import LogsPersonalDataViews
from members.models import UNIFICATIONS, Member, Position, ServiceRecord, Volunteer, VolunteerTeam
from orgs.validators import mask_id_number, mask_phone

PERSONAL_DATA = {"phone": mask_phone, "id_number": mask_id_number}
REGION = serializers.CharField(
    source="region_code", read_only=True, help_text=gettext_lazy("The branch's region code.")
)


class MemberSerializer(LogsPersonalDataViews, PortalModelSerializer):
    masked_fields = PERSONAL_DATA
    region = REGION

    class Meta:
        model = Member
        fields = [
            "id",
            "branch",
            "region",
            "kind",
            "name",
            "gender",
            "id_number",
            "phone",
            "occupation",
            "joined_on",
            "left_on",
            "leave_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["left_on", "leave_reason", "created_at", "updated_at"]


class MemberUpdateSerializer(MemberSerializer):
    """A member moves to another branch by leaving and joining there."""

    class Meta(MemberSerializer.Meta):
        read_only_fields = [*MemberSerializer.Meta.read_only_fields, "branch"]


class MemberLeaveSerializer(serializers.Serializer):
    left_on = serializers.DateField()
    reason = serializers.CharField(max_length=200)


class MemberRejoinSerializer(serializers.Serializer):
    rejoined_on = serializers.DateField()


class PositionSerializer(PortalModelSerializer):
    class Meta:
        model = Position
        fields = [
            "id",
            "branch",
            "role",
            "holder_name",
            "member",
            "holder_title",
            "started_on",
            "ended_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["ended_on", "created_at", "updated_at"]


class PositionUpdateSerializer(PositionSerializer):
    """A term belongs to its branch and member: a new holder is a new term."""

    class Meta(PositionSerializer.Meta):
        read_only_fields = [*PositionSerializer.Meta.read_only_fields, "branch", "member"]


class PositionEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField()


class VolunteerTeamSerializer(PortalModelSerializer):
    region = REGION
    six_unifications_met = serializers.IntegerField(read_only=True)
    volunteer_count = serializers.IntegerField(
        read_only=True, help_text=gettext_lazy("Registered volunteers of the team.")
    )

    class Meta:
        model = VolunteerTeam
        fields = [
            "id",
            "branch",
            "region",
            "name",
            "service_type",
            "founded_on",
            *UNIFICATIONS,
            "six_unifications_met",
            "volunteer_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class VolunteerTeamUpdateSerializer(VolunteerTeamSerializer):
    class Meta(VolunteerTeamSerializer.Meta):
        read_only_fields = [*VolunteerTeamSerializer.Meta.read_only_fields, "branch"]


class VolunteerSerializer(LogsPersonalDataViews, PortalModelSerializer):
    masked_fields = PERSONAL_DATA
    region = REGION

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "branch",
            "team",
            "region",
            "name",
            "gender",
            "id_number",
            "phone",
            "registered_on",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "created_at", "updated_at"]


class VolunteerUpdateSerializer(VolunteerSerializer):
    """An edit may deregister a volunteer (status), not move them to another branch or team."""

    class Meta(VolunteerSerializer.Meta):
        read_only_fields = ["branch", "team", "created_at", "updated_at"]


class ServiceRecordSerializer(PortalModelSerializer):
    region = REGION

    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "volunteer",
            "team",
            "region",
            "served_on",
            "hours",
            "activity",
            "status",
            "reviewed_by",
            "reviewed_at",
            "created_at",
        ]
        read_only_fields = ["status", "reviewed_by", "reviewed_at", "created_at"]


class ServiceRecordIdsSerializer(serializers.Serializer):
    """Ids of service records to review at once; each must be one the user may see."""

    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=1000
    )

    def validate_ids(self, ids: list[int]) -> list[int]:
        """One query: which of the ids lie in the user's region."""
        visible = ServiceRecord.objects.visible_to(request_user(self.context))
        found = set(visible.filter(pk__in=ids).values_list("pk", flat=True))
        missing = [pk for pk in dict.fromkeys(ids) if pk not in found]
        if missing:
            message = serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"]
            raise serializers.ValidationError([message.format(pk_value=pk) for pk in missing])
        return ids


class ReviewCountSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=gettext_lazy("Records decided by this request."))
