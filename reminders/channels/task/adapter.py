"""The task channel: the step is a manual action for a member, not a message."""

from django.db import transaction

from collections_app.actions import create_task
from kapittx.locks import locked
from reminders.channels.base import Adapter, SendResult
from reminders.models import Dispatch


class TaskAdapter(Adapter):
    kind = "task"

    def send(self, dispatch: Dispatch) -> SendResult:
        """Create the task for the step's assignee, or the customer's owner."""
        with transaction.atomic():
            # The task and its id on the dispatch are written together, so a worker that
            # retries after a crash finds the id and does not create a second task.
            row = locked(Dispatch.objects.filter(pk=dispatch.pk)).get()
            if row.provider_message_id:
                return SendResult(row.provider_message_id)
            customer = dispatch.customer
            step = dispatch.step
            title = dispatch.subject or f"Follow up with {customer.name} ({dispatch.tone})"
            task = create_task(
                customer, title, dispatch.body_text, assignee=step.assignee if step else None
            )
            row.provider_message_id = f"task-{task.pk}"
            row.save(update_fields=["provider_message_id"])
        return SendResult(row.provider_message_id)
