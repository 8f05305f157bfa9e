"""Events the history app records, sent by the base classes that cannot import it.

``personal_data_shown`` is sent once per response that showed ID or phone numbers in full
(admin page, API response, export file); the history app's receiver writes the log row
(``history.audit``). Sending it costs that one insert, nothing else.
"""

from collections.abc import Iterable

from django.db import models
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

#: Sent with user, model, object_ids, fields, source, request.
personal_data_shown = Signal()


def log_personal_data_shown(
    *,
    user,
    model: type[models.Model] | models.Model,
    object_ids: Iterable,
    fields: Iterable[str],
    source: str,
    request=None,
    searched: bool = False,
) -> None:
    """Record that ``user`` saw ``fields`` of the ``object_ids`` rows of ``model`` in full.

    ``searched``: the user searched by those fields (a phone or ID number); logged even when
    nothing was found, with the fields named ``search:<field>``.
    """
    ids = [str(pk) for pk in object_ids]
    if searched:
        fields = [f"search:{name}" for name in fields]
    if ids or searched:
        personal_data_shown.send(
            sender=model if isinstance(model, type) else type(model),
            user=user,
            object_ids=ids,
            fields=list(fields),
            source=source,
            request=request,
        )


class AuditKind(models.TextChoices):
    """The kinds of security event in the audit trail (``history.audit_trail``)."""

    LOGIN = "login", _("Login")
    LOGOUT = "logout", _("Logout")
    LOGIN_FAILED = "login_failed", _("Login failure")
    LOCKOUT = "lockout", _("Lockout")
    TOKEN_ISSUED = "token_issued", _("API token issued")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    PERMISSION_DENIED = "permission_denied", _("Permission denied")
    ROLE_CHANGED = "role_changed", _("Role or scope changed")
    EXPORT = "export", _("Export")
    IMPORT_CONFIRMED = "import_confirmed", _("Import confirmed")
    PERSONAL_DATA_VIEW = "personal_data_view", _("Personal data view")
    SUPERUSER_ACTION = "superuser_action", _("Superuser action")
    AUDIT_READ = "audit_read", _("Audit trail read")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")


#: Sent with kind, user, request, target, outcome, detail; the history app records the event.
security_event = Signal()


def log_security_event(
    kind: str,
    *,
    user=None,
    request=None,
    target: models.Model | type[models.Model] | None = None,
    outcome: str = Outcome.SUCCESS,
    detail: dict | None = None,
) -> None:
    """Record a security event in the audit trail (one insert) from code that cannot import
    the history app: who (``user``, else the request's), from where, what, with what outcome."""
    security_event.send(
        sender=AuditKind,
        kind=kind,
        user=user,
        request=request,
        target=target,
        outcome=outcome,
        detail=detail or {},
    )
