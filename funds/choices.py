"""Choices of the funds app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DonorKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ENTERPRISE = "enterprise", _("Enterprise")
    CHAMBER = "chamber", _("Chamber of commerce")
    ORGANIZATION = "organization", _("Organization or public body")
    ANONYMOUS = "anonymous", _("Anonymous")


class CampaignKind(models.TextChoices):
    GIVING_DAY = "giving_day", _("99 Giving Day")
    EMERGENCY = "emergency", _("Emergency appeal")
    PROJECT = "project", _("Charity project")
    OTHER = "other", _("Other")


class DonationKind(models.TextChoices):
    CASH = "cash", _("Money")
    IN_KIND = "in_kind", _("In kind")


class DonationChannel(models.TextChoices):
    ONLINE = "online", _("Online platform")
    BANK = "bank", _("Bank transfer")
    CASH = "cash", _("Cash")
    GOODS = "goods", _("Goods received")


class DonationStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    REVERSED = "reversed", _("Reversed")
    REVERSAL = "reversal", _("Reversal entry")
