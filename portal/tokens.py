"""Named API tokens: issued, checked, touched and revoked here (``portal.models.ApiToken``).

A key is ``gp_`` and 43 random characters; the database keeps its sha256 only, so a copy of
the database signs in nobody. The key is shown once, in the answer that issues it. A token
lasts ``API_TOKEN_MAX_AGE_DAYS`` (the default and the most a client may ask for; 0: no
limit), may be read-only, and records its last use (time and address) at most once every
``TOKEN_USE_EVERY`` seconds, not on every request.

django-rest-knox (hashed tokens with an expiry) was weighed: it deletes a revoked token (the
list here keeps it, with its last use), has no read-only flag, no last use or address, and its
login view is its own (the second factor of ``TokenRequestSerializer`` would be grafted onto
it); what it would bring is the hashing, a few lines here.

The tokens issued before named tokens (DRF's ``authtoken_token``, one per account, the key in
clear) keep working until their expiry (``core.api.authentication``); none is issued any more.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import AuditKind, log_security_event
from core.context import client_address
from portal.models import ApiToken, User

KEY_PREFIX = "gp_"
#: How stale a token's recorded last use may get before it is written again (seconds).
TOKEN_USE_EVERY = 60
DEFAULT_NAME = _("API token")


def key_digest(key: str) -> str:
    """The stored form of a key: its sha256 in hex (the key is random: no salt is needed)."""
    return hashlib.sha256(key.encode()).hexdigest()


def max_age_days() -> int:
    """The most days a token may last (0: no limit)."""
    return settings.API_TOKEN_MAX_AGE_DAYS


def api_token_issue(
    *,
    user: User,
    name: str = "",
    read_only: bool = False,
    expires_in_days: int | None = None,
    request=None,
    issued_by: User | None = None,
) -> tuple[ApiToken, str]:
    """Issue a new token to ``user`` (by ``issued_by``, else the user); returns the token and
    its key, which is never stored nor shown again. One insert and one audit event."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    days = expires_in_days or max_age_days()
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip() or str(DEFAULT_NAME),
        digest=key_digest(key),
        prefix=key[:8],
        read_only=read_only,
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    log_security_event(
        AuditKind.TOKEN_ISSUED,
        user=issued_by or user,
        request=request,
        target=user,
        detail={
            "account": user.get_username(),
            "token": token.pk,
            "name": token.name,
            "read_only": read_only,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        },
    )
    return token, key


def api_token_revoke(*, token: ApiToken, user: User, request=None) -> bool:
    """Revoke ``token`` (``user`` revokes it; the caller has checked they may); False when it
    was revoked already. Records the revocation in the audit trail."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        token.refresh_from_db(fields=["revoked_at"])
        log_security_event(
            AuditKind.TOKEN_REVOKED,
            user=user,
            request=request,
            target=token.user,
            detail={"account": token.user.get_username(), "token": token.pk, "name": token.name},
        )
    return bool(revoked)


def api_token_find(key: str) -> ApiToken | None:
    """The named token of ``key`` with its account (one query), revoked or not; None: no such
    named token (it may be one issued before them)."""
    if not key.startswith(KEY_PREFIX):
        return None
    return ApiToken.objects.select_related("user").filter(digest=key_digest(key)).first()


def api_token_touch(token: ApiToken, request) -> None:
    """Record this use of ``token`` (time and address) when the recorded one is older than
    ``TOKEN_USE_EVERY`` seconds: one UPDATE at most once a minute, none in between."""
    now = timezone.now()
    address = client_address(request)
    recent = token.last_used_at is not None and (now - token.last_used_at).total_seconds() < (
        TOKEN_USE_EVERY
    )
    if recent:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_from=address)
    token.last_used_at, token.last_used_from = now, address


def api_token_list(*, user: User):
    """The tokens of ``user``, newest first (no query until evaluated)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
