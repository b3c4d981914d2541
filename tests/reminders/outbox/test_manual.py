"""What a member does to a reminder by hand: cancel it while it waits, send a failed one
again, or ask for one now, which still leaves through the gate and the worker."""

from datetime import date

from django.utils import timezone

from collections_app import events
from reminders.models import Dispatch, DispatchStatus
from reminders.outbox import sweep
from tests.reminders.pages import make_dispatch, url
from tests.reminders.scenario import local, make_customer, make_invoice, make_workflow, run


def test_a_pending_reminder_can_be_cancelled_until_a_worker_takes_it(client, mine, teammate):
    pending = make_dispatch(
        mine.tenant, mine.customer, [mine.invoice], key="p1", status=DispatchStatus.PLANNED
    )
    client.force_login(teammate)
    detail = url("dispatch_detail", mine.tenant, dispatch_id=pending.pk)
    assert 'id="cancel-dispatch"' in client.get(detail).content.decode()

    response = client.post(url("dispatch_cancel", mine.tenant, dispatch_id=pending.pk))
    assert response.status_code == 302 and response["Location"] == detail
    pending.refresh_from_db()
    assert pending.status == DispatchStatus.CANCELLED
    assert pending.reason == f"cancelled by {teammate.email}"
    assert events.Kind.REMINDER_CANCELLED in set(
        mine.customer.timeline.values_list("kind", flat=True)
    )

    # A reminder a worker has claimed, or one that left, is not cancelled.
    for status in (DispatchStatus.SENDING, DispatchStatus.SENT):
        Dispatch.objects.filter(pk=pending.pk).update(status=status)
        client.post(url("dispatch_cancel", mine.tenant, dispatch_id=pending.pk))
        assert Dispatch.objects.get(pk=pending.pk).status == status
        page = client.get(detail).content.decode()
        assert 'id="cancel-dispatch"' not in page and 'id="send-again"' not in page


def test_a_cancelled_reminder_is_not_planned_again_but_the_next_step_comes(
    client, tenant, teammate
):
    make_workflow(tenant)
    customer = make_customer(tenant, "C-9")
    make_invoice(tenant, customer, "INV-9", date(2026, 3, 10), "100.00")
    sweep.sweep(tenant, local("2026-03-17 08:00"))
    polite = Dispatch.objects.get(tenant=tenant, status=DispatchStatus.PLANNED)
    assert polite.template_key == "overdue-polite"
    client.force_login(teammate)
    client.post(url("dispatch_cancel", tenant, dispatch_id=polite.pk))

    sweep.sweep(tenant, local("2026-03-17 11:00"))
    sweep.sweep(tenant, local("2026-03-18 11:00"))
    reminders = Dispatch.objects.filter(tenant=tenant).exclude(status=DispatchStatus.SKIPPED)
    assert list(reminders.values_list("status", flat=True)) == [DispatchStatus.CANCELLED]
    sweep.sweep(tenant, local("2026-03-24 08:00"))
    assert list(
        Dispatch.objects.filter(tenant=tenant, status=DispatchStatus.PLANNED).values_list(
            "template_key", flat=True
        )
    ) == ["overdue-firm"]


def test_a_failed_reminder_goes_back_in_line_with_fresh_attempts(client, mine, teammate):
    failed = make_dispatch(
        mine.tenant,
        mine.customer,
        [mine.invoice],
        key="f1",
        status=DispatchStatus.FAILED,
        attempts=6,
        error="Email provider error (HTTP 401)",
    )
    client.force_login(teammate)
    client.post(url("dispatch_send_again", mine.tenant, dispatch_id=failed.pk))
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == (DispatchStatus.PLANNED, 0, "")
    assert failed.send_after <= timezone.now()

    # Sent reminders are not sent twice.
    client.post(url("dispatch_send_again", mine.tenant, dispatch_id=mine.dispatch.pk))
    assert Dispatch.objects.get(pk=mine.dispatch.pk).status == DispatchStatus.SENT


def test_a_reminder_sent_by_hand_leaves_through_the_gate_and_the_worker(client, tenant, teammate):
    make_workflow(tenant)
    customer = make_customer(tenant, "C-5", name="Brandt Maschinenbau")
    first = make_invoice(tenant, customer, "INV-5", date(2026, 3, 10), "100.00")
    second = make_invoice(tenant, customer, "INV-6", date(2026, 3, 8), "250.00")
    client.force_login(teammate)
    response = client.post(
        url("customer_send_now", tenant, customer_id=customer.pk),
        {"channel": "email", "template_key": "statement", "tone": "reminder"},
    )
    dispatch = Dispatch.objects.get(tenant=tenant)
    assert response["Location"] == url("dispatch_detail", tenant, dispatch_id=dispatch.pk)
    assert (dispatch.template_key, dispatch.status) == ("statement", DispatchStatus.PLANNED)
    assert set(dispatch.lines.values_list("invoice_id", flat=True)) == {first.pk, second.pk}
    assert customer.timeline.filter(kind=events.Kind.REMINDER_REQUESTED).exists()

    # On this scenario's clock it was asked for on Tuesday 17 March, 09:55.
    Dispatch.objects.filter(pk=dispatch.pk).update(
        due_at=local("2026-03-17 09:55"), send_after=local("2026-03-17 09:55")
    )
    # A sweep whose invoices move on does not supersede it; the release and worker send it.
    sweep.sweep(tenant, local("2026-03-17 10:00"))
    assert Dispatch.objects.get(pk=dispatch.pk).status == DispatchStatus.PLANNED
    [sent] = [d for d in run(tenant, local("2026-03-17 10:00")) if d.pk == dispatch.pk]
    sent.refresh_from_db()
    assert sent.status == DispatchStatus.SENT
    assert "INV-5" in sent.body_text and "INV-6" in sent.body_text


def test_a_reminder_by_hand_still_keeps_to_do_not_contact(client, tenant, teammate):
    customer = make_customer(tenant, "C-5", do_not_contact=True)
    make_invoice(tenant, customer, "INV-5", date(2026, 3, 10))
    client.force_login(teammate)
    client.post(
        url("customer_send_now", tenant, customer_id=customer.pk),
        {"channel": "sms", "template_key": "overdue-firm", "tone": "firm"},
    )
    Dispatch.objects.update(send_after=local("2026-03-17 09:55"))
    assert run(tenant, local("2026-03-17 10:00")) == []
    assert Dispatch.objects.get(tenant=tenant).status == DispatchStatus.BLOCKED
