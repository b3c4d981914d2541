"""How far a running import is, told while its rows are written.

The rows are written in one transaction, so the import's own row cannot show progress until
it commits; the count goes through the cache instead (Redis in production, shared by web
processes and workers). Without a shared cache the page shows each step as it finishes.
"""

import time

from django.core.cache import cache

#: Seconds a progress entry outlives its last update.
TTL = 3600
#: Seconds between two updates of the same import.
EVERY = 0.5


def _key(job_id: int) -> str:
    return f"kapittx:import:{job_id}:progress"


class Reporter:
    """A progress callback for one import that tells the cache of every new stage, and of
    progress within one every ``EVERY`` seconds or each tenth of the way, whichever comes
    first (a fast stage still shows its steps)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._last, self._stage, self._done = 0.0, "", 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        tenth = max(total // 10, 1)
        if (
            stage == self._stage
            and done < total
            and now - self._last < EVERY
            and done - self._done < tenth
        ):
            return
        self._last, self._stage, self._done = now, stage, done
        cache.set(_key(self.job_id), {"stage": stage, "done": done, "total": total}, TTL)


def latest(job_id: int) -> dict | None:
    """Return the last progress told for ``job_id``: stage, rows done, rows in all."""
    return cache.get(_key(job_id))


def forget(job_id: int) -> None:
    cache.delete(_key(job_id))
