"""Choices of the branch-life app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequirementFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every quarter")
    YEARLY = "yearly", _("Every year")
