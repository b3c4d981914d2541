"""Remember look-ups for the length of one batch of sends.

A worker sending a batch of reminders for one tenant would otherwise read the same tenant
settings, provider account and templates once per message. Inside ``batch_scope()`` a
``memo(key, load)`` call loads once and reuses the answer; outside it, it always loads, so
pages and tests always see current data.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[Any, Any] | None] = ContextVar("kapittx_batch_memo", default=None)


@contextmanager
def batch_scope() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def memo(key: Any, load: Callable[[], T]) -> T:
    """Return ``load()``, computed once per batch for ``key``."""
    store = _memo.get()
    if store is None:
        return load()
    if key not in store:
        store[key] = load()
    return store[key]
