"""Progress of a long dry run or import, kept in the cache for the page to poll.

The import runs in one transaction, whose rows no other connection sees before it ends;
the cache is outside it. The page names the progress by a random token it sends with the
form, so it can poll before the answer (and the job's id) comes back.
"""

import re

from django.core.cache import cache

TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
TIMEOUT = 15 * 60


def progress_key(user_id: int, token: str) -> str:
    return f"imports:progress:{user_id}:{token}"


class Progress:
    """A callable ``(phase, done, total)`` that stores the figures under the user's token."""

    def __init__(self, user_id: int, token: str | None):
        self.key = progress_key(user_id, token) if token and TOKEN.match(token) else None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.key:
            cache.set(self.key, {"phase": phase, "done": done, "total": total}, TIMEOUT)

    def finish(self) -> None:
        self("finished", 1, 1)


def progress_of(user_id: int, token: str) -> dict:
    """The last figures stored for the token (one cache read); "waiting" before any."""
    if not TOKEN.match(token):
        return {"phase": "unknown", "done": 0, "total": 0}
    return cache.get(progress_key(user_id, token)) or {"phase": "waiting", "done": 0, "total": 0}
