"""Progress of a dry run or import running in the background worker, for the job's page.

The import runs in one transaction, whose rows no other connection sees before it ends, so
the figures go to a cache shared by the worker and the web processes (the ``progress``
cache: Redis with ``REDIS_URL``, else files under var/), never to the job's row.
"""

from django.core.cache import caches

TIMEOUT = 60 * 60
CACHE = "progress"


def progress_key(job_id: int) -> str:
    return f"imports:progress:{job_id}"


class Progress:
    """A callable ``(phase, done, total)`` that stores the figures under the job's id."""

    def __init__(self, job_id: int):
        self.key = progress_key(job_id)

    def __call__(self, phase: str, done: int, total: int) -> None:
        caches[CACHE].set(self.key, {"phase": phase, "done": done, "total": total}, TIMEOUT)

    def finish(self) -> None:
        self("finished", 1, 1)


def progress_of(job_id: int) -> dict:
    """The last figures stored for the job (one cache read); "waiting" before any."""
    return caches[CACHE].get(progress_key(job_id)) or {"phase": "waiting", "done": 0, "total": 0}
