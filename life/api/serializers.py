"""Shapes of the branch-life endpoints: checked here, the rules are the services'."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.base import PortalModelSerializer, ScopedPrimaryKeyRelatedField
from core.models import FIRST_YEAR, LAST_YEAR, region_code_validator
from life.choices import EvaluationRating
from life.models import (
    Activity,
    ActivityKind,
    CommunityRequest,
    Evaluation,
    EvaluationCampaign,
    EvaluationDecision,
    RectificationCase,
    RectificationProgress,
)
from life.selectors import activity_kind_list, activity_list, campaign_list
from orgs.models import Standard, StandardItem
from orgs.selectors import standard_list


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


class EvaluationCampaignSerializer(PortalModelSerializer):
    # The standards set everywhere and above the user's region are theirs to use too.
    standard = ScopedPrimaryKeyRelatedField(queryset=Standard.objects.all(), scope=standard_list)

    class Meta:
        model = EvaluationCampaign
        fields = [
            "id",
            "year",
            "region",
            "level",
            "standard",
            "scale",
            "self_assessment_due",
            "note",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class EvaluationDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationDecision
        fields = [
            "id",
            "rating",
            "comment",
            "reason",
            "corrects",
            "decided_by",
            "published_on",
            "created_at",
        ]
        read_only_fields = fields


class EvaluationSerializer(PortalModelSerializer):
    """A branch's self-assessment in a campaign (POST submits it, again until rated) and
    the decisions of the level above."""

    campaign = ScopedPrimaryKeyRelatedField(
        queryset=EvaluationCampaign.objects.all(), scope=campaign_list
    )
    year = serializers.IntegerField(source="campaign.year", read_only=True)
    region = serializers.CharField(source="region_code", read_only=True)
    activities = ScopedPrimaryKeyRelatedField(
        queryset=Activity.objects.all(), scope=activity_list, many=True, required=False
    )
    items_met = serializers.PrimaryKeyRelatedField(
        queryset=StandardItem.objects.all(), many=True, required=False
    )
    decisions = EvaluationDecisionSerializer(many=True, read_only=True)
    rating = serializers.ChoiceField(
        choices=EvaluationRating.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("The published rating in force; empty until one is published."),
    )
    has_attachment = serializers.SerializerMethodField(
        help_text=_("Whether a file is kept: GET …/attachment/ to read it.")
    )

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "campaign",
            "year",
            "branch",
            "region",
            "items_met",
            "met_count",
            "item_count",
            "self_assessment",
            "activities",
            "has_attachment",
            "submitted_on",
            "rating",
            "decisions",
            "created_at",
        ]
        read_only_fields = ["met_count", "item_count", "submitted_on", "rating", "created_at"]
        # A re-submission names the same campaign and branch: the service replaces it.
        validators = []

    def get_has_attachment(self, evaluation) -> bool:
        return bool(evaluation.attachment)


class EvaluationDecideSerializer(serializers.Serializer):
    """The level above's rating of a submitted self-assessment."""

    rating = serializers.ChoiceField(
        choices=EvaluationRating.choices, help_text=_("One of the campaign's scale.")
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when a published rating is corrected."),
    )
    publish = serializers.BooleanField(
        required=False, default=False, help_text=_("Publish at once: the rating is final.")
    )


class CommunityRequestSerializer(PortalModelSerializer):
    class Meta:
        model = CommunityRequest
        fields = [
            "id",
            "region",
            "team",
            "summary",
            "received_at",
            "contacted_at",
            "on_site_at",
            "resolved_at",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class CommunityRequestUpdateSerializer(CommunityRequestSerializer):
    """Later steps and corrections: the unit stays."""

    class Meta(CommunityRequestSerializer.Meta):
        read_only_fields = ["region", "created_at"]


class StepFiguresSerializer(serializers.Serializer):
    recorded = serializers.IntegerField(help_text=_("Requests with this step recorded."))
    median_minutes = serializers.DecimalField(
        max_digits=12, decimal_places=1, allow_null=True, coerce_to_string=False
    )
    p90_minutes = serializers.DecimalField(
        max_digits=12, decimal_places=1, allow_null=True, coerce_to_string=False
    )
    within_target = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        allow_null=True,
        coerce_to_string=False,
        help_text=_("Share of the recorded steps within the target; null without a target."),
    )


class ResponseFiguresSerializer(serializers.Serializer):
    code = serializers.CharField(
        allow_null=True, help_text=_("The child region; null for the region asked for.")
    )
    name = serializers.CharField()
    count = serializers.IntegerField()
    contacted = StepFiguresSerializer()
    on_site = StepFiguresSerializer()
    resolved = StepFiguresSerializer()


class ResponseFiguresQuerySerializer(serializers.Serializer):
    region = serializers.CharField(
        required=False,
        validators=[region_code_validator],
        help_text=_("A region code; the user's own region by default."),
    )
    year = serializers.IntegerField(
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("The year the requests were received; this year by default."),
    )
