"""Members, leadership positions, volunteers, volunteer teams and their service records."""

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import BlindIndexField, EncryptedCharField
from core.models import RegionScopedQuerySet
from core.text import validate_visible_text
from members.choices import (
    SINGLE_HOLDER_ROLES,
    Gender,
    MemberKind,
    MembershipEventKind,
    PositionRole,
    ServiceRecordStatus,
    ServiceType,
    VolunteerStatus,
)
from orgs.db import RegionCodeField, TimeStampedModel, copy_region_code_trigger, record_date
from orgs.models import Branch
from orgs.validators import validate_id_number, validate_phone


def _from_branch(model: str):
    return copy_region_code_trigger(
        name=f"members_{model}_region_code",
        source_table="orgs_branch",
        source_key="branch",
        column="region_id",
    )


class MemberQuerySet(RegionScopedQuerySet):
    def active(self):
        return self.filter(left_on__isnull=True)


class Member(TimeStampedModel):
    """A person or unit that joined a branch; leaving and rejoining are kept as events."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("Branch"), on_delete=models.PROTECT, related_name="members"
    )
    region_code = RegionCodeField()
    kind = models.CharField(
        _("Member kind"), max_length=12, choices=MemberKind, default=MemberKind.INDIVIDUAL
    )
    name = models.CharField(
        _("Name (person or unit)"), max_length=100, validators=[validate_visible_text]
    )
    gender = models.CharField(_("Gender"), max_length=6, choices=Gender, blank=True)
    # Encrypted at rest, looked up by their blind index (core.fields).
    id_number = EncryptedCharField(
        _("ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    id_number_index = BlindIndexField(source="id_number")
    phone = EncryptedCharField(_("Phone"), max_length=20, blank=True, validators=[validate_phone])
    phone_index = BlindIndexField(source="phone")
    occupation = models.CharField(_("Occupation"), max_length=100, blank=True)
    joined_on = models.DateField(_("Joined on"))
    left_on = models.DateField(_("Left on"), null=True, blank=True)
    leave_reason = models.CharField(_("Reason for leaving"), max_length=200, blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("Member")
        verbose_name_plural = _("Member")
        ordering = ["branch", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "id_number_index"],
                condition=~Q(id_number_index=""),
                name="%(app_label)s_%(class)s_unique_id_number_in_branch",
                violation_error_message=_("This branch already has a member with this ID number."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="%(app_label)s_%(class)s_left_after_joined",
                violation_error_message=_("A member cannot leave before joining."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | ~Q(leave_reason=""),
                name="%(app_label)s_%(class)s_leave_reason_given",
                violation_error_message=_("Leaving needs a reason."),
            ),
            *record_date("joined_on"),
            *record_date("left_on"),
        ]
        indexes = [
            # Active members of a subtree (rollups, scoped lists).
            models.Index(fields=["region_code", "left_on"], name="members_member_region_idx"),
        ]
        triggers = [_from_branch("member")]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class MembershipEvent(TimeStampedModel):
    """One step of a member's history: joined, left (with a reason) or rejoined."""

    member = models.ForeignKey(
        Member, verbose_name=_("Member"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("Event"), max_length=10, choices=MembershipEventKind)
    happened_on = models.DateField(_("Date"))
    reason = models.CharField(_("Reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Membership event")
        verbose_name_plural = _("Membership event")
        ordering = ["member", "happened_on", "id"]
        constraints = record_date("happened_on")

    def __str__(self):
        return f"{self.member} {self.get_kind_display()} {self.happened_on}"


class PositionQuerySet(RegionScopedQuerySet):
    region_path = "branch__region__code"

    def current(self):
        return self.filter(ended_on__isnull=True)


class Position(TimeStampedModel):
    """A leadership position (council or supervisory board) held by a person for a period."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("Branch"), on_delete=models.PROTECT, related_name="positions"
    )
    role = models.CharField(_("Position"), max_length=30, choices=PositionRole)
    holder_name = models.CharField(_("Holder"), max_length=100, validators=[validate_visible_text])
    member = models.ForeignKey(
        Member,
        verbose_name=_("Member record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions",
    )
    holder_title = models.CharField(_("Employer and title"), max_length=200, blank=True)
    started_on = models.DateField(_("Started on"))
    ended_on = models.DateField(_("Ended on"), null=True, blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Leadership position")
        verbose_name_plural = _("Leadership position")
        ordering = ["branch", "role", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="%(app_label)s_%(class)s_ended_after_started",
                violation_error_message=_("A position cannot end before it started."),
            ),
            models.UniqueConstraint(
                fields=["branch", "role"],
                condition=Q(ended_on__isnull=True, role__in=SINGLE_HOLDER_ROLES),
                name="%(app_label)s_%(class)s_one_current_holder",
                violation_error_message=_(
                    "Someone already holds this position: end their term first."
                ),
            ),
            *record_date("started_on"),
            *record_date("ended_on"),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.holder_name}"


#: The "six unifications" (六统一) a volunteer team is assessed by, as its flag fields.
UNIFICATIONS = (
    "unified_name",
    "unified_insignia",
    "unified_uniform",
    "unified_service",
    "commitment_signed",
    "managed_online",
)


class VolunteerTeam(TimeStampedModel):
    """A volunteer service team of a branch, with its service type and "six unifications"."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("Branch"), on_delete=models.PROTECT, related_name="teams"
    )
    region_code = RegionCodeField()
    name = models.CharField(_("Team name"), max_length=100, validators=[validate_visible_text])
    service_type = models.CharField(_("Service type"), max_length=20, choices=ServiceType)
    founded_on = models.DateField(_("Founded on"), null=True, blank=True)
    unified_name = models.BooleanField(_("Unified name"), default=False)
    unified_insignia = models.BooleanField(_("Unified insignia"), default=False)
    unified_uniform = models.BooleanField(_("Unified uniform"), default=False)
    unified_service = models.BooleanField(_("Unified service content"), default=False)
    commitment_signed = models.BooleanField(_("Commitment signed"), default=False)
    managed_online = models.BooleanField(_("Managed online"), default=False)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Volunteer team")
        verbose_name_plural = _("Volunteer team")
        ordering = ["branch", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "name"],
                name="%(app_label)s_%(class)s_unique_name_in_branch",
                violation_error_message=_("This branch already has a team of this name."),
            ),
            *record_date("founded_on"),
        ]
        triggers = [_from_branch("volunteerteam")]

    def __str__(self):
        return self.name

    @property
    def six_unifications_met(self) -> int:
        """How many of the "six unifications" the team meets (no query)."""
        return sum(getattr(self, name) for name in UNIFICATIONS)


class VolunteerQuerySet(RegionScopedQuerySet):
    def active(self):
        return self.filter(status=VolunteerStatus.ACTIVE)


class Volunteer(TimeStampedModel):
    """A registered volunteer of a branch, usually serving in one of its teams."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("Branch"), on_delete=models.PROTECT, related_name="volunteers"
    )
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=_("Team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteers",
    )
    region_code = RegionCodeField()
    name = models.CharField(_("Full name"), max_length=100, validators=[validate_visible_text])
    gender = models.CharField(_("Gender"), max_length=6, choices=Gender, blank=True)
    # Encrypted at rest, looked up by their blind index (core.fields).
    id_number = EncryptedCharField(
        _("ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    id_number_index = BlindIndexField(source="id_number")
    phone = EncryptedCharField(_("Phone"), max_length=20, blank=True, validators=[validate_phone])
    phone_index = BlindIndexField(source="phone")
    registered_on = models.DateField(_("Registered on"))
    status = models.CharField(
        _("Status"), max_length=10, choices=VolunteerStatus, default=VolunteerStatus.ACTIVE
    )

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("Volunteer")
        verbose_name_plural = _("Volunteer")
        ordering = ["branch", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "id_number_index"],
                condition=~Q(id_number_index=""),
                name="%(app_label)s_%(class)s_unique_id_number_in_branch",
                violation_error_message=_(
                    "This branch already has a volunteer with this ID number."
                ),
            ),
            *record_date("registered_on"),
        ]
        indexes = [
            models.Index(fields=["region_code", "status"], name="members_volunteer_region_idx"),
        ]
        triggers = [_from_branch("volunteer")]

    def __str__(self):
        return self.name


class ServiceRecordQuerySet(RegionScopedQuerySet):
    def approved(self):
        return self.filter(status=ServiceRecordStatus.APPROVED)


class ServiceRecord(TimeStampedModel):
    """Hours a volunteer served on a date; only approved hours count. Never deleted."""

    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("Volunteer"),
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=_("Team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_records",
    )
    region_code = RegionCodeField()
    served_on = models.DateField(_("Served on"))
    hours = models.DecimalField(
        _("Hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    activity = models.CharField(_("Activity"), max_length=200)
    status = models.CharField(
        _("Review status"),
        max_length=10,
        choices=ServiceRecordStatus,
        default=ServiceRecordStatus.PENDING,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("Reviewed at"), null=True, blank=True)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("Service record")
        verbose_name_plural = _("Service record")
        ordering = ["-served_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24),
                name="%(app_label)s_%(class)s_hours_in_day",
                violation_error_message=_("Service hours must be more than 0 and at most 24."),
            ),
            models.CheckConstraint(
                condition=Q(status=ServiceRecordStatus.PENDING) | Q(reviewed_at__isnull=False),
                name="%(app_label)s_%(class)s_reviewed_when_decided",
                violation_error_message=_("A reviewed record needs its review time."),
            ),
            *record_date("served_on"),
        ]
        indexes = [
            models.Index(
                fields=["region_code", "status", "served_on"], name="members_service_region_idx"
            ),
            # The to-do's count of records waiting for a decision, for the whole country too
            # (the index above needs a region to start from).
            models.Index(
                fields=["region_code"],
                condition=Q(status=ServiceRecordStatus.PENDING),
                name="members_service_pending_idx",
            ),
        ]
        triggers = [
            copy_region_code_trigger(
                name="members_servicerecord_region_code",
                source_table="members_volunteer",
                source_key="volunteer",
                column="region_code",
            ),
            # Service records are never deleted: a wrong one is declined.
            pgtrigger.Protect(
                name="members_servicerecord_never_deleted", operation=pgtrigger.Delete
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} {self.served_on} {self.hours}h"


from members.summaries import MemberSummary  # noqa: E402,F401  (registers the summary models)
