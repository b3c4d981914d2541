"""A least-recently-used cache bounded by the bytes its entries take, not by their number.

Caches keyed by template sources hold what tenant members typed: a count of entries says
nothing about their memory when one source can be 64 KB and another 40 bytes.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SizedCache(Generic[K, V]):
    """Keep the most recently used entries whose sizes add up to at most ``max_bytes``;
    ``size_of(key, value)`` estimates an entry's bytes."""

    def __init__(self, max_bytes: int, size_of: Callable[[K, V], int]) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._size_of = size_of
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: K) -> bool:
        return key in self._entries

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """Return the value cached for ``key``, else make it, keep it and return it."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry[0]
        value = make()  # outside the lock: making may be slow, or fail
        self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` for ``key``, forgetting the least recently used entries to make room;
        an entry larger than the whole cache is not kept."""
        size = self._size_of(key, value)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            if size > self.max_bytes:
                return
            while self.bytes + size > self.max_bytes:
                _, (_, freed) = self._entries.popitem(last=False)
                self.bytes -= freed
            self._entries[key] = (value, size)
            self.bytes += size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0
