"""Shapes of the activity endpoint: checked here, the rules are the services'."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.base import PortalModelSerializer, ScopedPrimaryKeyRelatedField
from life.models import Activity, ActivityKind, RectificationCase, RectificationProgress
from life.selectors import activity_kind_list


class ActivitySerializer(PortalModelSerializer):
    # The kinds set everywhere and above the user's region are theirs to record too.
    kind = ScopedPrimaryKeyRelatedField(
        queryset=ActivityKind.objects.all(), scope=activity_kind_list
    )
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    region = serializers.CharField(source="region_code", read_only=True)
    has_attachment = serializers.SerializerMethodField(
        help_text=_("Whether a file is kept: GET …/attachment/ to read it.")
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "branch",
            "region",
            "kind",
            "kind_name",
            "held_on",
            "place",
            "members_present",
            "volunteers_present",
            "summary",
            "has_attachment",
            "late",
            "created_at",
        ]
        read_only_fields = ["late", "created_at"]

    def get_has_attachment(self, activity) -> bool:
        return bool(activity.attachment)


class ActivityUpdateSerializer(ActivitySerializer):
    """A correction: the branch stays."""

    class Meta(ActivitySerializer.Meta):
        read_only_fields = ["branch", "late", "created_at"]


class RectificationProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = RectificationProgress
        fields = ["id", "recorded_on", "note", "recorded_by", "created_at"]
        read_only_fields = ["id", "recorded_by", "created_at"]
        extra_kwargs = {"recorded_on": {"required": False}}


class RectificationSerializer(PortalModelSerializer):
    region = serializers.CharField(source="region_code", read_only=True)
    overdue = serializers.BooleanField(read_only=True, help_text=_("Open and past its deadline."))
    progress = RectificationProgressSerializer(many=True, read_only=True)
    has_attachment = serializers.SerializerMethodField(
        help_text=_("Whether a file is kept: GET …/attachment/ to read it.")
    )

    class Meta:
        model = RectificationCase
        fields = [
            "id",
            "branch",
            "region",
            "source",
            "opened_on",
            "problems",
            "measures",
            "responsible",
            "deadline",
            "overdue",
            "closed_on",
            "evidence",
            "accepted_by",
            "has_attachment",
            "progress",
            "created_at",
        ]
        read_only_fields = ["closed_on", "evidence", "accepted_by", "created_at"]
        extra_kwargs = {"opened_on": {"required": False}}

    def get_has_attachment(self, case) -> bool:
        return bool(case.attachment)


class RectificationCloseSerializer(serializers.Serializer):
    """The level above accepts the results."""

    evidence = serializers.CharField(help_text=_("The results that show the problems corrected."))
    closed_on = serializers.DateField(
        required=False, help_text=_("The day of acceptance (default today).")
    )
