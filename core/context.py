"""Who, from where and how: the context attached to every write inside ``write_context``.

The history triggers copy the context of the current statement into each event, so bulk
writes and raw SQL inside the block carry it too. Writes outside any block (management
commands, the shell) have no context and show as "system".
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pghistory
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


def client_address(request) -> str | None:
    """The client's address: behind PROXY_COUNT proxies, the one the outermost proxy appended
    to X-Forwarded-For (what the client wrote there itself is not trusted); else the peer.

    Axes counts failed logins by it (AXES_CLIENT_IP_CALLABLE) and the history records it.
    """
    if request is None:
        return None
    proxies = settings.PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class Source(models.TextChoices):
    """Where a write came from."""

    ADMIN = "admin", _("Admin")
    API = "api", _("API")
    WEB = "web", _("Web")
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")
    SYSTEM = "system", _("System")


class _RequestUser:
    """The request's user, looked up when a write is made, not when the request starts.

    API tokens are checked by the view, after the middleware: DRF then sets the user on
    the request, and the next write carries it.
    """

    def __init__(self, request, attribute: str):
        self.request = request
        self.attribute = attribute

    def resolve(self):
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return user.pk if self.attribute == "pk" else user.get_username()


class ContextEncoder(DjangoJSONEncoder):
    """Serializes the context of each write (``PGHISTORY_JSON_ENCODER``)."""

    def default(self, o):
        if isinstance(o, _RequestUser):
            return o.resolve()
        return super().default(o)


def context_metadata(
    *, source: str, user=None, request=None, reason: str = "", effective_on: date | None = None
) -> dict:
    """The metadata stored with each write: source, user id and name, address, path, the
    reason when one is given (e.g. the region vintage that moved a branch), and the date the
    change took effect when it is not the day it was written (the vintage's date in force)."""
    if user is None and request is not None:
        who, name = _RequestUser(request, "pk"), _RequestUser(request, "username")
    else:
        signed_in = user is not None and user.is_authenticated
        who = user.pk if signed_in else None
        name = user.get_username() if signed_in else None
    metadata = {
        "source": str(source),
        "user": who,
        "username": name,
        "ip": client_address(request),
        "url": request.get_full_path() if request is not None else None,
    }
    if reason:
        metadata["reason"] = str(reason)
    if effective_on is not None:
        metadata["effective_on"] = effective_on.isoformat()
    return metadata


@contextmanager
def write_context(
    *,
    source: str,
    user=None,
    request=None,
    reason: str = "",
    effective_on: date | None = None,
) -> Iterator[None]:
    """Attach {source, user, username, ip, url[, reason][, effective_on]} to every write
    inside the block.

    A nested block shares the outer block's context id; its values win inside it (an import
    started from a page is recorded as "import"), and the outer values come back after it.
    """
    outer = getattr(pghistory.runtime._tracker, "value", None)
    saved = dict(outer.metadata) if outer is not None else None
    try:
        with pghistory.context(
            **context_metadata(
                source=source,
                user=user,
                request=request,
                reason=reason,
                effective_on=effective_on,
            )
        ):
            yield
    finally:
        if outer is not None:
            # pghistory merges a nested block into the outer one; give the rest back its own.
            outer.metadata.clear()
            outer.metadata.update(saved)
