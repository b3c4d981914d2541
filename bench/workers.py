"""The benchmarks' worker processes, started and warmed before anything is timed, as the
product's long-lived workers are when a tick hands them its sweeps."""

import multiprocessing
from collections.abc import Callable

from django.db import connections


def _start(warm: Callable, args: tuple, ready) -> None:
    warm(*args)
    ready.wait(timeout=600)


def start_workers(processes: int, warm: Callable, *args):
    """Return a pool of ``processes`` worker processes, each connected and warmed by
    ``warm(*args)`` before this returns."""
    # Each process opens its own connection; none may inherit the parent's.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(processes + 1)
    pool = context.Pool(processes, initializer=_start, initargs=(warm, args, ready))
    ready.wait(timeout=600)
    return pool
