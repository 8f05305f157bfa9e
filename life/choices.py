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


class RectificationState(models.TextChoices):
    """Where a rectification case stands on a day (life.models.rectification_state)."""

    OPEN = "open", _("In progress")
    DUE = "due", _("Overdue or due within 30 days")
    OVERDUE = "overdue", _("Overdue")
    CLOSED = "closed", _("Accepted")
