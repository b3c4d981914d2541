"""Pause Python's cycle collector around work that builds many objects and keeps them.

A sweep, an import or a bulk upsert holds a few objects per row until it ends: hundreds of
thousands of tuples, dicts and rows. Every few hundred new ones the collector would walk them
all again: a sixth of an import's time, a third of a sweep's planning. They form no cycles;
whatever else does is collected once the work is over.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Keep the cycle collector off inside the block (as it was before, after it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
