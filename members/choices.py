"""Choices of the members app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MemberKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual member")
    UNIT = "unit", _("Unit member")


class MembershipEventKind(models.TextChoices):
    JOINED = "joined", _("Joined")
    LEFT = "left", _("Left")
    REJOINED = "rejoined", _("Rejoined")


class PositionRole(models.TextChoices):
    HONORARY_PRESIDENT = "honorary_president", _("Honorary president")
    HONORARY_VICE_PRESIDENT = "honorary_vice_president", _("Honorary vice-president")
    PRESIDENT = "president", _("President")
    EXECUTIVE_VICE_PRESIDENT = "executive_vice_president", _("Executive vice-president")
    FULL_TIME_VICE_PRESIDENT = "full_time_vice_president", _("Full-time vice-president")
    PART_TIME_VICE_PRESIDENT = "part_time_vice_president", _("Part-time vice-president")
    SECRETARY_GENERAL = "secretary_general", _("Secretary-general")
    STANDING_COUNCIL_MEMBER = "standing_council_member", _("Standing council member")
    COUNCIL_MEMBER = "council_member", _("Council member")
    SUPERVISORY_CHAIR = "supervisory_chair", _("Supervisory board chair")
    SUPERVISOR = "supervisor", _("Supervisor")


#: Roles one person at a time holds at a branch.
SINGLE_HOLDER_ROLES = [
    PositionRole.PRESIDENT,
    PositionRole.EXECUTIVE_VICE_PRESIDENT,
    PositionRole.SECRETARY_GENERAL,
    PositionRole.SUPERVISORY_CHAIR,
]


class ServiceType(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency rescue and first aid")
    THREE_DONATIONS = "three_donations", _("The three donations (blood, stem cells, organs)")
    ELDERLY_CARE = "elderly_care", _("Elderly care")
    CARING = "caring", _("Caring for the needy")
    ARTS = "arts", _("Arts and culture")
    PUBLIC_AFFAIRS = "public_affairs", _("Public affairs")
    LEGAL_MEDIATION = "legal_mediation", _("Legal mediation")


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("Registered")
    INACTIVE = "inactive", _("Deregistered")


class ServiceRecordStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
