"""How often a password may be tried, and from where.

django-axes counts failed sign-ins in the database (``AccessAttempt``, with every failure
also kept in ``AccessFailureLog`` and every sign-in in ``AccessLog``, all in the admin).
Two counts lock out: wrong passwords for one user from one address
(``AXES_FAILURE_LIMIT``), and wrong passwords for anyone from one address
(``KAPITTX_LOGIN_ADDRESS_FAILURE_LIMIT``, higher, since an office shares one address).
Requests for password-reset mail are counted in the cache.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """Return the client's address: REMOTE_ADDR, or the one the proxies in front recorded.

    Each of ``KAPITTX_PROXY_COUNT`` proxies appends the address it was reached from to
    X-Forwarded-For, so the client is that many entries from the end; anything further left
    was written by the client and proves nothing.
    """
    proxies = settings.KAPITTX_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


def typed_email(request: HttpRequest, credentials: dict | None) -> str | None:
    """Return the email a sign-in was tried for, as users log in: case and spaces ignored.

    Without this, ``Owner@acme.test`` and ``owner@acme.test`` would be counted apart.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and credentials.get(field) is not None:
        typed = credentials[field]
    else:
        typed = getattr(request, "POST", {}).get(field)
    return typed.strip().lower() if isinstance(typed, str) else typed


class LoginThrottle(AxesDatabaseHandler):
    """Axes' database handler, with a limit of its own for the per-address count."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """Return the failures that count against the user's limit.

        The address-wide count is scaled onto the user's limit, so that reaching either
        limit reaches ``AXES_FAILURE_LIMIT`` (the one number axes compares with).
        """
        per_user, per_address = (
            attempts.values_list("failures_since_start", flat=True)
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = get_failure_limit(request, credentials)
        address_limit = settings.KAPITTX_LOGIN_ADDRESS_FAILURE_LIMIT
        return max(sum(per_user), sum(per_address) * limit // address_limit)


def within_limit(key: str, limit: int, seconds: int) -> bool:
    """Count one more request under ``key``; return whether the last ``seconds`` allow it."""
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= limit
