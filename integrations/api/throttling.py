"""Requests per key, counted in the shared cache (Redis in production) in fixed windows."""

import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from integrations.api.models import ApiKey

#: Seconds per period, by the period's first letter: ``/s``, ``/min``, ``/hour``, ``/day``.
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """Return (requests, seconds) of a rate like ``600/min`` (or ``/minute``, ``/s``, ``/h``,
    ``/day``)."""
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period.strip().lower()[:1]]


class PerKeyThrottle(BaseThrottle):
    """At most ``KAPITTX_API_RATE`` requests per key and window; then 429 with Retry-After.

    A counter per window is one atomic increment in the cache, so parallel requests and
    several web processes count together.
    """

    def allow_request(self, request, view) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            return True
        limit, seconds = parse_rate(settings.KAPITTX_API_RATE)
        now = time.time()
        window = int(now // seconds)
        name = f"kapittx:api-rate:{key.prefix}:{seconds}:{window}"
        cache.add(name, 0, timeout=seconds + 1)
        try:
            used = cache.incr(name)
        except ValueError:  # expired between add and incr
            cache.add(name, 1, timeout=seconds + 1)
            used = 1
        self._wait = (window + 1) * seconds - now
        return used <= limit

    def wait(self) -> int:
        return max(1, math.ceil(self._wait))
