"""Running the tasks a periodic task starts at once, in the test's process, as a worker would."""

from collections.abc import Iterator
from contextlib import contextmanager

from celery.signals import task_prerun

from kapittx.celery import app


@contextmanager
def run_at_once(task_name: str) -> Iterator[list]:
    """Run tasks as they are sent; yield the first argument of each ``task_name`` run."""
    firsts: list = []

    def record(sender=None, task=None, args=(), **kwargs):
        if task is not None and task.name == task_name:
            firsts.append(args[0])

    task_prerun.connect(record, weak=False)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    try:
        yield firsts
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = False, False
        task_prerun.disconnect(record)
