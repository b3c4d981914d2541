"""How much one portal link may do: requests counted per link in the shared cache (Redis in
production, so every web process sees the same count), and the size of what it may send.

A customer answers a reminder with a handful of posts; a link that posts far more is a
script or a leaked link, and each post writes rows and tasks for the tenant's team.
"""

from datetime import timedelta

from django.core.cache import cache

#: Posts (promise, dispute, "already paid") one link may make per window.
POSTS_PER_WINDOW, POST_WINDOW = 10, timedelta(hours=1)
#: Fresh links one contact may ask for per window.
FRESH_LINKS_PER_WINDOW, FRESH_LINK_WINDOW = 3, timedelta(hours=24)
#: The largest request body the portal reads (its longest field is 2,000 characters).
MAX_BODY_BYTES = 32 * 1024


def take(what: str, holder: str, limit: int, window: timedelta) -> bool:
    """Count one ``what`` by ``holder``; False once ``limit`` is used up in the window, which
    starts with the first use."""
    key = f"kapittx:portal:{what}:{holder}"
    seconds = int(window.total_seconds())
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the window ended between add and incr
        cache.add(key, 1, timeout=seconds)
        return True


def body_too_large(content_length: str | None) -> bool:
    """Whether a request announcing ``content_length`` is larger than the portal reads."""
    try:
        return int(content_length or 0) > MAX_BODY_BYTES
    except ValueError:
        return True
