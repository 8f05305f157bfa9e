"""Reads of the imports app for other pages."""

from django.db.models import F, Q, QuerySet

from imports.models import ImportJob


def finished_unseen(user) -> QuerySet[ImportJob]:
    """The user's jobs whose dry run or import ended since the user last opened them.

    Newest first, without the file's bytes or the error list (for a to-do list).
    """
    return (
        ImportJob.objects.filter(user=user, ended_at__isnull=False)
        .filter(Q(seen_at__isnull=True) | Q(seen_at__lt=F("ended_at")))
        .defer("data", "errors")
        .order_by("-ended_at", "-id")
    )
