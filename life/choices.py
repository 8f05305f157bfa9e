"""Choices of the branch-life app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequirementFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")
    YEARLY = "yearly", _("Every year")


class RectificationSource(models.TextChoices):
    """Why a branch was put under rectification."""

    BY_HAND = "by_hand", _("Flagged by hand")
    EVALUATION = "evaluation", _("Annual evaluation")
    INSPECTION = "inspection", _("Inspection")
