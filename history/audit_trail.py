"""The audit trail of security events: one append-only, hash-chained, partitioned log.

``record(kind, user=..., request=..., target=..., outcome=..., detail=...)`` is the one way
in: the events of core and the domain apps reach it through ``core.audit.security_event``
(they cannot import this app), the sign-ins and lockouts through Django's and django-axes'
signals (``history.apps``).

The chain: each row's ``hash`` is sha256 of the text ``<previous hash>|<seq>|<time>|<fields>``
where ``<fields>`` is the canonical JSON of the row's other columns (``canonical``). Inserts
are serialized by the row lock of the chain's head (``AuditChainHead``, one row): the insert
is one statement that locks the head (``SELECT … FOR UPDATE``, which in READ COMMITTED reads
the head as the last committer left it), numbers the row, takes the time after the lock
(so time and sequence never disagree across a month's boundary), inserts the row with its
hash and moves the head. Two transactions writing events at once are chained one after the
other; the second waits for the first to commit or roll back.
"""

import datetime as dt
import hashlib
import ipaddress
import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.utils import timezone

from core.access import is_superuser
from core.audit import AuditKind, Outcome
from core.context import client_address
from history.middleware import source_of
from history.models import AuditEvent

GENESIS = "0" * 64
TABLE = AuditEvent._meta.db_table
#: Months whose partition this process knows exists (saves a query per event).
_ready_months: set[tuple[str, int, int]] = set()

INSERT = f"""
WITH {{also}} head AS (
    SELECT seq, hash FROM history_auditchainhead WHERE id = 1 FOR UPDATE
), new AS (
    SELECT seq + 1 AS seq, clock_timestamp() AS at, hash AS prev FROM head
), ins AS (
    INSERT INTO {TABLE} (seq, created_at, kind, outcome, user_id, username, superuser, ip,
                         source, model, object_id, detail, hash)
    SELECT new.seq, new.at, %s, %s, %s, %s, %s, %s, %s, %s, {{object_id}}, %s::jsonb,
           encode(sha256(convert_to(
               new.prev || '|' || new.seq || '|'
               || to_char(new.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')
               || '|' || {{canon}}, 'UTF8')), 'hex')
    FROM new
    RETURNING seq, hash
)
UPDATE history_auditchainhead AS head SET seq = ins.seq, hash = ins.hash
FROM ins WHERE head.id = 1
RETURNING ins.seq{{extra_id}}
"""  # noqa: S608 (fixed SQL fragments; the values are parameters)


def canonical(row: dict) -> str:
    """The text of a row's own fields that its hash covers (sorted keys, no spaces)."""
    fields = {name: row[name] for name in CHAINED_FIELDS}
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


CHAINED_FIELDS = (
    "kind",
    "outcome",
    "user_id",
    "username",
    "superuser",
    "ip",
    "source",
    "model",
    "object_id",
    "detail",
)


def link_hash(prev: str, seq: int, at: dt.datetime, row: dict) -> str:
    """The hash of the row ``row`` numbered ``seq`` at ``at`` after the link ``prev``."""
    time = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    text = f"{prev}|{seq}|{time}|{canonical(row)}"
    return hashlib.sha256(text.encode()).hexdigest()


def _normal_ip(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return ipaddress.ip_address(address).compressed
    except ValueError:
        return None


def _actor(user, request):
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def event_fields(
    kind: str,
    *,
    user=None,
    request=None,
    target=None,
    outcome: str = Outcome.SUCCESS,
    detail: dict | None = None,
    username: str = "",
) -> dict:
    """The columns of an event (all but seq, time and hash), as the chain hashes them."""
    actor = _actor(user, request)
    if isinstance(target, models.Model):
        model, object_id = target._meta.label, str(target.pk or "")
    elif isinstance(target, type):
        model, object_id = target._meta.label, ""
    else:
        model, object_id = "", ""
    return {
        "kind": str(AuditKind(kind)),
        "outcome": str(Outcome(outcome)),
        "user_id": actor.pk if actor is not None else None,
        "username": actor.get_username() if actor is not None else username,
        "superuser": is_superuser(actor),
        "ip": _normal_ip(client_address(request)),
        "source": source_of(request.path) if request is not None else "",
        "model": model,
        "object_id": object_id,
        # As the database gives it back (dates and decimals as text), so the hash holds.
        "detail": json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder)),
    }


def record(
    kind: str,
    *,
    user=None,
    request=None,
    target=None,
    outcome: str = Outcome.SUCCESS,
    detail: dict | None = None,
    username: str = "",
    also: tuple[str, list] | None = None,
) -> int:
    """Append one event to the trail; its sequence number (with ``also``: the id of the other
    row). One query.

    ``user`` defaults to the request's; ``username`` names an account that did not sign in
    (a failed login). ``also`` is an ``INSERT … RETURNING id`` written in the same statement,
    whose id becomes the event's record id (the personal-data log, ``history.audit``).
    """
    row = event_fields(
        kind,
        user=user,
        request=request,
        target=target,
        outcome=outcome,
        detail=detail,
        username=username,
    )
    using = router.db_for_write(AuditEvent)
    ensure_partitions(using=using)
    also_sql, also_params = also or ("", [])
    if also:
        # The record id comes from the other insert: hashed as the database writes it.
        mark = "\0record-id\0"
        before, after = canonical({**row, "object_id": mark}).split(json.dumps(mark))
        canon = ["(SELECT to_json(id::text)::text FROM extra)"]
        canon_params = [before, after]
    else:
        canon, canon_params = [], [canonical(row)]
    sql = INSERT.format(
        also=f"extra AS ({also_sql})," if also else "",
        object_id="(SELECT id::text FROM extra)" if also else "%s",
        canon=" || ".join(["%s", *canon, "%s"]) if also else "%s",
        extra_id=", (SELECT id FROM extra)" if also else "",
    )
    params = [
        *also_params,
        row["kind"],
        row["outcome"],
        row["user_id"],
        row["username"][:150],
        row["superuser"],
        row["ip"],
        row["source"],
        row["model"],
        *([] if also else [row["object_id"]]),
        json.dumps(row["detail"]),
        *canon_params,
    ]
    with connections[using].cursor() as cursor:
        for _attempt in range(2):
            cursor.execute(sql, params)
            found = cursor.fetchone()
            if found is not None:
                return found[1] if also else found[0]
            # The head is gone (a test database flushed): the chain starts again.
            cursor.execute(
                "INSERT INTO history_auditchainhead (id, seq, hash) VALUES (1, 0, %s) "
                "ON CONFLICT (id) DO NOTHING",
                [GENESIS],
            )
    raise RuntimeError("The audit trail's head cannot be locked.")


# -- partitions ------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_y{month:%Y}m{month:%m}"


def ensure_partitions(*, using: str = "default", ahead: int = 1, today=None) -> list[str]:
    """Create the partitions of this month (UTC) and ``ahead`` months after it, if missing.

    No query when this process already made sure of them.
    """
    month = month_start(today or timezone.now().astimezone(dt.UTC).date())
    months = [month]
    for _n in range(ahead):
        months.append(next_month(months[-1]))
    missing = [m for m in months if (using, m.year, m.month) not in _ready_months]
    if not missing:
        return []
    statements = []
    for m in missing:
        name = partition_name(m)
        start, end = f"{m:%Y-%m-%d} 00:00:00+00", f"{next_month(m):%Y-%m-%d} 00:00:00+00"
        statements += [
            f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {TABLE} "
            f"FOR VALUES FROM ('{start}') TO ('{end}')",
            # Each month's own keys (none on the parent: pg_restore --clean could not drop
            # a partition's inherited ones).
            f"CREATE UNIQUE INDEX IF NOT EXISTS {name}_id ON {name} (id)",
            f"CREATE INDEX IF NOT EXISTS {name}_seq ON {name} (seq)",
            f"CREATE INDEX IF NOT EXISTS {name}_created_at ON {name} (created_at)",
            f"CREATE INDEX IF NOT EXISTS {name}_user_id ON {name} (user_id)",
            f"CREATE INDEX IF NOT EXISTS {name}_kind ON {name} (kind, created_at)",
        ]
    with connections[using].cursor() as cursor:
        cursor.execute("; ".join(statements))

    def remember():
        _ready_months.update((using, m.year, m.month) for m in missing)

    transaction.on_commit(remember, using=using)
    return [partition_name(m) for m in missing]


def forget_partitions() -> None:
    """Forget which partitions exist (after partitions were dropped)."""
    _ready_months.clear()


def partitions(using: str = "default") -> list[tuple[str, dt.datetime, dt.datetime]]:
    """(name, start, end) of every partition of the trail, oldest first."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = %s::regclass
            """,
            [TABLE],
        )
        found = []
        for name, bound in cursor.fetchall():
            # FOR VALUES FROM ('2026-12-01 08:00:00+08') TO ('2027-01-01 08:00:00+08')
            start, end = (part.split("'")[1] for part in bound.split(" TO "))
            found.append((name, _timestamp(start), _timestamp(end)))
    return sorted(found, key=lambda item: item[1])


def _timestamp(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def retention_cutoff(now=None) -> dt.datetime:
    """Events older than this may be pruned (``AUDIT_RETENTION_DAYS``)."""
    return (now or timezone.now()) - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)


# -- verification ----------------------------------------------------------------------------


class BrokenLink(Exception):
    """Where the chain breaks: the sequence number and what is wrong."""

    def __init__(self, seq: int, problem: str):
        super().__init__(f"{seq}: {problem}")
        self.seq = seq
        self.problem = problem


def chain_start(using: str = "default") -> tuple[int, str]:
    """(seq, hash) the remaining rows continue from: the last pruned link, else the genesis."""
    from history.models import AuditPrune

    last = AuditPrune.objects.using(using).order_by("-last_seq").first()
    return (last.last_seq, last.last_hash) if last is not None else (0, GENESIS)


def verify_chain(using: str = "default", chunk: int = 2000) -> int:
    """Walk the chain in sequence order; the number of events checked, or ``BrokenLink``.

    A changed row breaks its own link; a removed row leaves a gap in the sequence (the last
    one: the head no longer matches); a row slipped in breaks its link or repeats a number.
    """
    from history.models import AuditChainHead

    seq, prev = chain_start(using)
    checked = 0
    rows = (
        AuditEvent.objects.using(using)
        .order_by("seq", "id")
        .values("seq", "created_at", "hash", *CHAINED_FIELDS)
        .iterator(chunk_size=chunk)
    )
    for row in rows:
        if row["seq"] != seq + 1:
            problem = "a row is missing before it" if row["seq"] > seq + 1 else "out of sequence"
            raise BrokenLink(row["seq"], problem)
        row["ip"] = _normal_ip(row["ip"])
        if link_hash(prev, row["seq"], row["created_at"], row) != row["hash"]:
            raise BrokenLink(row["seq"], "its hash does not match its fields and the link before")
        seq, prev = row["seq"], row["hash"]
        checked += 1
    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (seq, prev):
        raise BrokenLink(seq + 1, f"the chain's head is {head.seq}: the last rows are missing")
    return checked


# -- receivers -------------------------------------------------------------------------------


def on_security_event(sender, *, kind, user=None, request=None, target=None, **kwargs):
    """Receiver of ``core.audit.security_event``."""
    record(
        kind,
        user=user,
        request=request,
        target=target,
        outcome=kwargs.get("outcome", Outcome.SUCCESS),
        detail=kwargs.get("detail"),
    )


def on_login(sender, request, user, **kwargs):
    record(AuditKind.LOGIN, user=user, request=request)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(AuditKind.LOGOUT, user=user, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    record(
        AuditKind.LOGIN_FAILED,
        request=request,
        outcome=Outcome.FAILURE,
        username=username,
        detail={"username": username},
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(
        AuditKind.LOCKOUT,
        request=request,
        outcome=Outcome.FAILURE,
        username=username or "",
        detail={"username": username or "", "ip": ip_address or ""},
    )


#: The account fields whose change is a change of role or scope.
SCOPE_FIELDS = ("role", "region_id", "is_superuser", "is_staff", "is_active")


def _scope(user) -> dict:
    return {name: getattr(user, name, None) for name in SCOPE_FIELDS}


def on_user_loaded(sender, instance, **kwargs):
    """Remember an account's role and scope as read (post_init: no query)."""
    instance._audit_scope = _scope(instance)


def on_user_saved(sender, instance, created, raw=False, **kwargs):
    """An account created, or its role, region, superuser, staff or active flag changed."""
    if raw:
        return
    before = {} if created else getattr(instance, "_audit_scope", {})
    after = _scope(instance)
    changed = {
        name: [before.get(name), after[name]] for name in after if before.get(name) != after[name]
    }
    instance._audit_scope = after
    if not changed:
        return
    actor, request = current_actor()
    record(
        AuditKind.ROLE_CHANGED,
        user=actor,
        request=request,
        target=instance,
        detail={"account": instance.get_username(), "created": created, "changes": changed},
    )


def current_actor():
    """(user, request) of the write context around the change (``core.context``), if any."""
    import pghistory

    context = getattr(pghistory.runtime._tracker, "value", None)
    metadata = context.metadata if context is not None else {}
    user_ref = metadata.get("user")
    request = getattr(user_ref, "request", None)
    if request is not None:
        return getattr(request, "user", None), request
    return None, None


def on_admin_log_entry(sender, instance, created, raw=False, **kwargs):
    """Every change a superuser makes in the admin (emergency use is flagged). No query but
    the event's: the admin's user is the request's, already loaded."""
    if raw or not created:
        return
    _user, request = current_actor()
    user = getattr(request, "user", None)
    if user is None or user.pk != instance.user_id or not is_superuser(user):
        return
    content_type = (
        ContentType.objects.get_for_id(instance.content_type_id)
        if instance.content_type_id
        else None
    )
    record(
        AuditKind.SUPERUSER_ACTION,
        user=user,
        request=request,
        detail={
            "action": {1: "add", 2: "change", 3: "delete"}.get(instance.action_flag, ""),
            "model": content_type.model_class()._meta.label if content_type else "",
            "object_id": str(instance.object_id or ""),
            "object": instance.object_repr,
        },
    )
