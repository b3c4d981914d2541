"""Every Celery task has a soft and a hard time limit, so no task can hold a worker for good."""

from kapittx.celery import app
from reminders import tasks as reminder_tasks


def _limits(task) -> tuple[float | None, float | None]:
    """Return the (soft, hard) limits a worker applies to ``task``."""
    return (
        task.soft_time_limit or app.conf.task_soft_time_limit,
        task.time_limit or app.conf.task_time_limit,
    )


def test_every_registered_task_has_a_soft_and_a_hard_time_limit():
    app.loader.import_default_modules()
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    assert {"reminders.send_dispatches", "reminders.sweep_tenant", "kapittx.tasks.tick"} <= ours
    for name, task in app.tasks.items():
        soft, hard = _limits(task)
        assert soft and hard, f"{name} has no time limit"
        # The soft limit comes first, so the task can stop cleanly before it is killed.
        assert soft < hard, f"{name}: soft {soft} s is not before hard {hard} s"


def test_tasks_that_need_longer_say_so_and_sends_end_before_their_lease():
    sweep, send = reminder_tasks.sweep_tenant, reminder_tasks.send_dispatches
    assert _limits(sweep)[1] > app.conf.task_time_limit
    # A reminder still "sending" after the lease belongs to no live worker.
    assert _limits(send)[1] < reminder_tasks.reconcile.LEASE.total_seconds()
