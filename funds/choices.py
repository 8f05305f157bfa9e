"""Choices of the funds app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class FundKind(models.TextChoices):
    UNRESTRICTED = "unrestricted", _("Unrestricted")
    DESIGNATED = "designated", pgettext_lazy("fund kind", "Designated")
    MATCHING = "matching", _("Matching")


class SpendingCategory(models.TextChoices):
    PROJECT = "project", _("Project spending")
    AID = "aid", _("Aid")
    PURCHASE = "purchase", _("In-kind purchase")
    ADMINISTRATIVE = "administrative", _("Administrative costs")


class SpendingStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    REVERSED = "reversed", _("Reversed")
    REVERSAL = "reversal", _("Reversal entry")


class ReversalKind(models.TextChoices):
    """What a reversal entry does to the figures: a correction (冲正) restates the original's
    period, a refund (退款) is booked when it happens."""

    CORRECTION = "correction", _("Correction (the original's period loses it)")
    REFUND = "refund", _("Refund (booked on the day it happens)")
