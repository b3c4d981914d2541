"""How one customer is chased: a member's changes are noted on the timeline and re-time what
waited, and resuming after a hold lets the waiting reminders go."""

from datetime import timedelta

from collections_app import events
from receivables.models import Customer
from reminders.models import Dispatch, DispatchStatus, ReminderPosition
from reminders.setup.customers import pinned_workflow
from tests.reminders.pages import make_dispatch, reminders_post, today, url


def test_a_collector_pauses_pins_and_opts_a_customer_out(client, mine, teammate):
    customer = mine.customer
    waiting = make_dispatch(
        mine.tenant,
        customer,
        [mine.invoice],
        key="w",
        status=DispatchStatus.PLANNED,
    )
    Dispatch.objects.filter(pk=waiting.pk).update(send_after=waiting.due_at + timedelta(days=9))
    client.force_login(teammate)
    target = url("customer_reminders", mine.tenant, customer_id=customer.pk)
    until = today() + timedelta(days=10)
    response = client.post(
        target,
        reminders_post(
            workflow=mine.workflow.pk,
            reminders_paused_until=until.isoformat(),
            opted_out_channels=["sms", "voice"],
        ),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert pinned_workflow(customer) == mine.workflow and customer.reminders_paused_until == until
    assert customer.opted_out_channels == ["sms", "voice"] and not customer.do_not_contact
    entry = customer.timeline.get(kind=events.Kind.REMINDERS_CHANGED)
    assert entry.message == (
        f"Reminders changed by {teammate.email}: workflow pinned to {mine.workflow.name}; "
        f"paused until {until:%d %b %Y}; no reminders by sms, voice"
    )
    # The sweep places the customer's invoices on the pinned workflow again.
    assert ReminderPosition.objects.get(invoice=mine.invoice).next_at == (
        ReminderPosition.AT_NEXT_SWEEP
    )
    # Lifting the pause early lets what waited go at the next release.
    client.post(target, reminders_post(workflow=mine.workflow.pk))
    assert Dispatch.objects.get(pk=waiting.pk).send_after == waiting.due_at
    assert (
        customer.timeline.filter(kind=events.Kind.REMINDERS_CHANGED)
        .first()
        .message.endswith("pause lifted; every channel allowed")
    )


def test_resuming_lets_reminders_that_waited_on_the_hold_go_at_the_next_release(
    client, mine, teammate
):
    Customer.objects.filter(pk=mine.customer.pk).update(reminders_on_hold=True)
    waiting = make_dispatch(
        mine.tenant,
        mine.customer,
        [mine.invoice],
        key="w",
        status=DispatchStatus.PLANNED,
    )
    Dispatch.objects.filter(pk=waiting.pk).update(send_after=waiting.due_at + timedelta(days=1))
    client.force_login(teammate)
    client.post(url("customer_resume", mine.tenant, customer_id=mine.customer.pk))
    assert Dispatch.objects.get(pk=waiting.pk).send_after == waiting.due_at
