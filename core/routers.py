"""Reads of the dashboards and the rollup API from a streaming replica (docs/SCALING.md, 3).

``DATABASE_REPLICA_URL`` adds the ``replica`` alias and names it in ``REPLICA_DATABASE``;
without it every query runs on ``default``. ``ReplicaReadsMiddleware`` marks a GET or HEAD
request whose resolved URL name is in ``REPLICA_URL_NAMES``; while it runs,
``ReplicaRouter`` sends the ORM's reads to the replica, and ``read_alias()`` gives the alias
to the raw SQL of the rollups. Everything else stays on the primary: every write, every
read of any other request (a staffer reads back what they wrote), and sessions, users and
API tokens, which a request may have written on the primary a moment ago.
"""

from contextvars import ContextVar

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import router

#: The requests that only read summaries and records: the dashboards and the rollup API.
REPLICA_URL_NAMES = frozenset(
    {
        "portal:home",
        "portal:region_dashboard",
        "portal:region_gaps",
        "api:rollup",
        "api:region-rollup",
        "api:region-rollup-csv",
        "api:region-rollup-xlsx",
        "api:region-coverage-gaps",
    }
)
#: Apps always read from the primary: accounts, sessions, API tokens, permissions, lockouts.
PRIMARY_APPS = frozenset({"auth", "authtoken", "axes", "contenttypes", "sessions"})
#: Models always read from the primary: accounts and their API tokens (a token issued a moment
#: ago may not have reached the replica yet).
PRIMARY_MODELS = frozenset({settings.AUTH_USER_MODEL.lower(), "portal.apitoken"})
DEFAULT = "default"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_alias() -> str | None:
    """The replica's alias when one is configured, else None."""
    alias = getattr(settings, "REPLICA_DATABASE", None)
    return alias if alias and alias in settings.DATABASES else None


class ReplicaRouter:
    """Reads of a marked request go to the replica; writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        alias = replica_alias()
        if alias is None or not _replica_reads.get():
            return DEFAULT
        meta = model._meta
        if meta.app_label in PRIMARY_APPS or meta.label_lower in PRIMARY_MODELS:
            return DEFAULT
        if issubclass(model, AbstractBaseSession):  # the session engine's own model
            return DEFAULT
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        aliases = {DEFAULT, replica_alias()}
        return obj1._state.db in aliases and obj2._state.db in aliases

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT


def read_alias(model) -> str:
    """The alias a raw SQL read of ``model``'s table runs on: where the router reads it."""
    return router.db_for_read(model)


class ReplicaReadsMiddleware:
    """Marks replica-readable requests (GET or HEAD of a URL in REPLICA_URL_NAMES)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _replica_reads.set(False)
        try:
            return self.get_response(request)
        finally:
            _replica_reads.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method in ("GET", "HEAD") and match and match.view_name in REPLICA_URL_NAMES:
            _replica_reads.set(True)
        return None
