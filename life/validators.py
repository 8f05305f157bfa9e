"""Validators of the branch-life app: the activity's attachment."""

from django.conf import settings

from core.attachments import check_attachment


def validate_attachment(file) -> None:
    """The attachment rule (core.attachments) within ACTIVITY_ATTACHMENT_MAX_BYTES."""
    check_attachment(file, settings.ACTIVITY_ATTACHMENT_MAX_BYTES)
