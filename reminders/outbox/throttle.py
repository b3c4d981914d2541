"""Rate limits per provider account, shared by every worker on every machine.

Each send takes a slot in the account's current one-second window, counted in the cache
(Redis in production, so all workers see the same count). A send that finds the window full
goes back to the outbox for the next tick instead of exceeding the provider's limit.
"""

import time

from django.conf import settings
from django.core.cache import cache

from kapittx.tenancy import scoped
from reminders.channels.registry import CHANNELS
from reminders.models import Dispatch, ProviderAccount
from reminders.outbox.batch_memo import memo


def account_limit(dispatch: Dispatch) -> tuple[str, int] | None:
    """Return (account key, sends per second) for the account ``dispatch`` goes through."""
    kind = CHANNELS.get(dispatch.channel)
    provider = kind.account if kind else None
    if provider is None:
        return None
    own = memo(
        ("rate", dispatch.tenant_id, provider),
        lambda: (
            scoped(ProviderAccount, dispatch.tenant_id)
            .filter(provider=provider)
            .values_list("pk", "rate_per_second")
            .first()
        ),
    )
    if own is not None:
        return f"{provider}:account{own[0]}", own[1]
    # Tenants without their own account share the platform's, and so share its limit.
    return f"{provider}:platform", settings.KAPITTX_PLATFORM_RATES[provider]


def acquire(key: str, per_second: int) -> bool:
    """Take a send slot in ``key``'s current second; False when the second is full."""
    window = f"kapittx:rate:{key}:{int(time.time())}"
    cache.add(window, 0, timeout=5)
    try:
        return cache.incr(window) <= per_second
    except ValueError:  # the window expired between add and incr
        cache.add(window, 1, timeout=5)
        return True
