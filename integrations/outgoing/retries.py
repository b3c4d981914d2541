"""When a failed delivery is tried again: after +5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
20 h and 24 h (about three days in all, each wait varied by a tenth either way so that the
retries of many deliveries do not arrive together), or later when the endpoint asks for it
with ``Retry-After``."""

import random
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

#: The waits after each failed attempt; the attempt after the last wait is the last one.
SCHEDULE = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(SCHEDULE) + 1
JITTER = 0.1
#: Answers whose Retry-After is honoured: "slow down" and "not now".
THROTTLED = frozenset({429, 503})
#: The longest an endpoint's Retry-After defers the next attempt.
LONGEST_ASKED = timedelta(hours=24)


def asked_wait(value: str | None, now: datetime) -> timedelta | None:
    """Return the wait a ``Retry-After`` header asks for (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(when - now, timedelta(0)) if when.tzinfo else None


def next_wait(
    attempts: int,
    now: datetime,
    *,
    status: int | None = None,
    retry_after: str | None = None,
    rng: random.Random | None = None,
) -> timedelta | None:
    """Return how long to wait after the ``attempts``-th failed attempt, or None when that
    was the last one."""
    if attempts >= MAX_ATTEMPTS:
        return None
    wait = SCHEDULE[max(attempts, 1) - 1] * (rng or random).uniform(1 - JITTER, 1 + JITTER)
    if status in THROTTLED and (asked := asked_wait(retry_after, now)) is not None:
        wait = max(wait, min(asked, LONGEST_ASKED))
    return wait
