"""The task channel: a task for the step's assignee or the customer's owner, made once, also
from a worker's batch."""

import pytest

from collections_app.models import Task
from reminders.channels.base import SendResult
from reminders.channels.task.adapter import TaskAdapter
from reminders.models import Step, Workflow
from reminders.outbox import send
from tests.reminders.fakes import make_dispatch

pytestmark = pytest.mark.usefixtures("adapter_providers")


def test_task_adapter_makes_a_task_for_the_owner_once(contact, owner):
    dispatch = make_dispatch(contact, "task", subject="", body_text="Call about 2026-001.")

    first = TaskAdapter().send(dispatch)
    again = TaskAdapter().send(dispatch)

    task = Task.objects.get()
    assert first == again == SendResult(f"task-{task.pk}")
    assert task.assignee == owner
    assert task.details == "Call about 2026-001."
    assert task.customer == contact.customer


def test_a_worker_batch_of_tasks_goes_to_each_steps_assignee(
    tenant, contact, owner, teammate, django_assert_max_num_queries
):
    workflow = Workflow.objects.create(tenant=tenant, name="Calls")
    steps = [
        Step.objects.create(
            tenant=tenant,
            workflow=workflow,
            offset_days=offset,
            channel="task",
            template_key="call-customer",
            assignee=assignee,
        )
        for offset, assignee in ((10, teammate), (20, None))
    ]
    queued = [make_dispatch(contact, "task", step=step, status="queued") for step in steps]
    with django_assert_max_num_queries(40):
        outcome = send.deliver_many(tenant.pk, [d.pk for d in queued])
    assert set(outcome.values()) == {"sent"}
    assignees = dict(Task.objects.values_list("title", "assignee"))
    assert sorted(assignees.values()) == sorted([teammate.pk, owner.pk])


def test_task_adapter_prefers_the_steps_assignee(tenant, contact, teammate):
    workflow = Workflow.objects.create(tenant=tenant, name="Calls")
    step = Step.objects.create(
        tenant=tenant,
        workflow=workflow,
        offset_days=10,
        channel="task",
        template_key="call",
        assignee=teammate,
    )
    dispatch = make_dispatch(contact, "task", step=step, subject="Call Müller GmbH")

    TaskAdapter().send(dispatch)

    task = Task.objects.get()
    assert task.assignee == teammate
    assert task.title == "Call Müller GmbH"
