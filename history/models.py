"""History events of every tracked record, and the log of full views of personal data.

Both are append-only: database triggers refuse UPDATE and DELETE, for everybody.
"""

import pghistory
import pgtrigger
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.audit import AuditKind, Outcome
from core.context import Source
from core.fields import BlindIndexField
from core.models import RegionScopedQuerySet
from funds.models import Campaign, Donation, Donor, Fund, Spending
from history import triggers
from life.models import (
    Activity,
    ActivityKind,
    CommunityRequest,
    Evaluation,
    EvaluationCampaign,
    EvaluationDecision,
    RectificationCase,
    RectificationProgress,
    Requirement,
    ResponseTarget,
)
from members.models import (
    Member,
    MembershipEvent,
    Position,
    ServiceRecord,
    Volunteer,
    VolunteerTeam,
)
from orgs.models import Assessment, Branch, Region, Standard, StandardItem

APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


class PersonalDataViewQuerySet(RegionScopedQuerySet):
    """Log rows by the region of the user who looked."""

    region_path = "user_region"


class PersonalDataView(models.Model):
    """One response that showed ID or phone numbers in full: who, when, from where, which rows."""

    created_at = models.DateTimeField(_("Time"), auto_now_add=True, db_index=True)
    # No database constraint: the row outlives the account and is never rewritten.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("User"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    username = models.CharField(_("Username"), max_length=150)
    #: The viewer's region when they looked: an admin sees the views of their subtree.
    user_region = models.CharField(_("User's region"), max_length=12, blank=True)
    source = models.CharField(_("Source"), max_length=10, choices=Source)
    ip = models.GenericIPAddressField(_("Address"), null=True, blank=True)
    url = models.TextField(_("Address visited"), blank=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("Record type"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    model = models.CharField(_("Model"), max_length=100)
    # JSON arrays: ArrayField would need django.contrib.postgres, whose type lookups add a
    # query to every new connection. ``object_ids__contains=["5"]`` finds a record's views.
    object_ids = models.JSONField(_("Record ids"), default=list)
    fields = models.JSONField(_("Fields"), default=list)

    objects = PersonalDataViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("Personal data view")
        verbose_name_plural = _("Personal data views")
        ordering = ["-created_at", "-pk"]
        triggers = [APPEND_ONLY]

    def __str__(self):
        return f"{self.username} {self.model} {self.created_at:%Y-%m-%d %H:%M}"


#: The event model of each tracked model.
EVENT_MODELS: dict[type[models.Model], type[models.Model]] = {}


def event_model_for(model) -> type[models.Model] | None:
    """The model holding ``model``'s history, or None when it is not tracked."""
    return EVENT_MODELS.get(model._meta.concrete_model)


def _events(model, *trackers, exclude=(), name=None) -> type[models.Model]:
    """The append-only event model of ``model`` in this app; context stored on each event."""
    EVENT_MODELS[model] = pghistory.create_event_model(
        model,
        *(trackers or triggers.every_change()),
        # A blind index is derived from its encrypted field: not history of its own.
        exclude=[*exclude, *(f.name for f in model._meta.fields if isinstance(f, BlindIndexField))],
        model_name=name or f"{model.__name__}Event",
        app_label="history",
        abstract=False,
        append_only=True,
        obj_field=pghistory.ObjForeignKey(related_name="+", related_query_name="+"),
        context_field=pghistory.ContextJSONField(),
        context_id_field=pghistory.ContextUUIDField(),
        meta={"verbose_name": format_lazy(_("History of {}"), model._meta.verbose_name)},
    )
    return EVENT_MODELS[model]


RegionEvent = _events(Region)
BranchEvent = _events(Branch)
StandardEvent = _events(Standard)
StandardItemEvent = _events(StandardItem)
AssessmentEvent = _events(Assessment)
AssessmentItemsMetEvent = _events(Assessment.items_met.through, name="AssessmentItemsMetEvent")
MemberEvent = _events(Member)
MembershipEventEvent = _events(MembershipEvent, name="MembershipEventHistory")
PositionEvent = _events(Position)
VolunteerTeamEvent = _events(VolunteerTeam)
VolunteerEvent = _events(Volunteer)
ServiceRecordEvent = _events(ServiceRecord)
DonorEvent = _events(Donor)
CampaignEvent = _events(Campaign)
# Donations are never edited or deleted (their own triggers refuse it): creation is the history.
DonationEvent = _events(Donation, triggers.Inserted())
FundEvent = _events(Fund)
# Spendings, like donations, are append-only: creation is the history.
SpendingEvent = _events(Spending, triggers.Inserted())
ActivityKindEvent = _events(ActivityKind)
RequirementEvent = _events(Requirement)
ActivityEvent = _events(Activity)
RectificationCaseEvent = _events(RectificationCase)
RectificationProgressEvent = _events(RectificationProgress)
EvaluationCampaignEvent = _events(EvaluationCampaign)
EvaluationEvent = _events(Evaluation)
EvaluationItemsMetEvent = _events(Evaluation.items_met.through, name="EvaluationItemsMetEvent")
EvaluationActivitiesEvent = _events(Evaluation.activities.through, name="EvaluationActivitiesEvent")
EvaluationDecisionEvent = _events(EvaluationDecision)
ResponseTargetEvent = _events(ResponseTarget)
CommunityRequestEvent = _events(CommunityRequest)
# The password hash never enters the history; sign-ins (last_login) are not changes.
# The account model (settings.AUTH_USER_MODEL) is loaded: its app is installed before this one.
UserEvent = _events(
    apps.get_model(settings.AUTH_USER_MODEL, require_ready=False),
    exclude=["password", "last_login"],
)


class AuditEvent(models.Model):
    """One security event of the audit trail: who, when, from where, what, with what outcome.

    The table is partitioned by month of ``created_at`` (PostgreSQL declarative partitioning,
    created by the migration's SQL: Django sees one table) and append-only (a trigger refuses
    UPDATE and DELETE; ``prune_audit`` drops whole partitions past the retention). Each row is
    chained to the previous one: ``hash`` is sha256 of the previous row's hash and this row's
    fields (``history.audit_trail``); ``manage.py verify_audit`` walks the chain.
    """

    # Unique in each month's partition (a unique index there) and across them (one sequence).
    id = models.BigAutoField(primary_key=True)
    seq = models.BigIntegerField(_("Sequence"), editable=False)
    created_at = models.DateTimeField(_("Time"), editable=False)
    kind = models.CharField(_("Event"), max_length=20, choices=AuditKind)
    outcome = models.CharField(_("Outcome"), max_length=10, choices=Outcome)
    # No database constraint: the row outlives the account and is never rewritten.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("User"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    username = models.CharField(_("Username"), max_length=150, blank=True)
    superuser = models.BooleanField(_("By a superuser"), default=False)
    ip = models.GenericIPAddressField(_("Address"), null=True, blank=True)
    source = models.CharField(_("Source"), max_length=10, blank=True)
    model = models.CharField(_("Record type"), max_length=100, blank=True)
    object_id = models.CharField(_("Record id"), max_length=64, blank=True)
    detail = models.JSONField(_("Detail"), default=dict)
    hash = models.CharField(_("Chain hash"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("Audit event")
        verbose_name_plural = _("Audit trail")
        ordering = ["-seq"]

    def __str__(self):
        return f"{self.seq} {self.get_kind_display()} {self.username}"


class AuditChainHead(models.Model):
    """The chain's last link (one row): the next event is chained to it, under its row lock."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self):
        return f"{self.seq} {self.hash}"


class AuditPrune(models.Model):
    """A partition exported and dropped by ``prune_audit``: its last link, where the chain
    continues (``verify_audit`` starts from the newest one)."""

    pruned_at = models.DateTimeField(_("Pruned at"), auto_now_add=True)
    partition = models.CharField(_("Partition"), max_length=63)
    first_seq = models.BigIntegerField(null=True)
    last_seq = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)
    rows = models.IntegerField(default=0)
    file = models.CharField(_("File"), max_length=500)

    class Meta:
        ordering = ["-last_seq"]
        triggers = [APPEND_ONLY]

    def __str__(self):
        return f"{self.partition} {self.last_seq}"
