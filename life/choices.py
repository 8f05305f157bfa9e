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


class EvaluationScale(models.TextChoices):
    """The scale a year's evaluation rates branches on (life.rules.SCALE_RATINGS)."""

    STARS = "stars", _("Stars (five to one)")
    GRADES = "grades", _("Excellent, good, pass, fail")
    FLAGS = "flags", _("Red flag, standard met, yellow card")


class EvaluationRating(models.TextChoices):
    """A rating of every scale; a campaign's decisions take those of its own scale."""

    STARS_5 = "stars_5", _("Five stars")
    STARS_4 = "stars_4", _("Four stars")
    STARS_3 = "stars_3", _("Three stars")
    STARS_2 = "stars_2", _("Two stars")
    STARS_1 = "stars_1", _("One star")
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    RED_FLAG = "red_flag", _("Red flag")
    MET = "met", _("Standard met")
    YELLOW_CARD = "yellow_card", _("Yellow card")


class EvaluationState(models.TextChoices):
    """Where a branch's evaluation stands (life.models.evaluation_state)."""

    NOT_SUBMITTED = "not_submitted", _("Self-assessment not submitted")
    TO_REVIEW = "to_review", _("Waiting for review")
    PUBLISHED = "published", _("Rating published")
