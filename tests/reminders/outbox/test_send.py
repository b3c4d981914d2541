"""The worker composes and sends each released reminder once: what the customer owes now, to
the contact's address, with the provider's id kept."""

from datetime import date
from decimal import Decimal

from receivables import ledger
from reminders.models import Dispatch, DispatchStatus, Tone
from reminders.outbox import release, send, sweep
from tests.reminders.scenario import local, make_customer, make_invoice, run

DUE = date(2026, 3, 20)  # a Friday


def test_it_sends_the_courtesy_reminder_three_days_before_due(tenant, customer):
    invoice = make_invoice(tenant, customer, "INV-1", DUE)
    assert run(tenant, local("2026-03-16 10:00")) == []
    sent = run(tenant, local("2026-03-17 10:00"))
    assert len(sent) == 1
    dispatch = Dispatch.objects.get(pk=sent[0].pk)
    assert (dispatch.tone, dispatch.template_key, dispatch.status) == (
        Tone.COURTESY,
        "courtesy-before-due",
        DispatchStatus.SENT,
    )
    assert dispatch.recipient == "ap-C-1@x.test"
    assert invoice.number in dispatch.body_text and "500.00" in dispatch.body_text
    assert dispatch.subject and dispatch.body_html
    assert dispatch.provider_message_id


def test_partial_payment_shows_the_balance_not_the_total(tenant, customer):
    invoice = make_invoice(tenant, customer, "INV-1", DUE, "1000.00")
    ledger.record_payment(tenant, customer, amount="400.00", received_on=date(2026, 3, 1))
    sent = run(tenant, local("2026-03-17 10:00"))
    body = Dispatch.objects.get(pk=sent[0].pk).body_text
    assert "600.00" in body and "1,000.00" not in body
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("600.00")


def test_sweeping_twice_and_delivering_twice_sends_once(tenant, customer):
    make_invoice(tenant, customer, "INV-1", DUE)
    now = local("2026-03-17 10:00")
    sweep.sweep(tenant, now)
    sweep.sweep(tenant, now)
    assert Dispatch.objects.filter(tenant=tenant).count() == 1
    released = []
    release.release(tenant, now, released.extend)
    release.release(tenant, now, released.extend)
    dispatch = Dispatch.objects.get(tenant=tenant)
    assert send.deliver_many(tenant.pk, [dispatch.pk]) == {dispatch.pk: "sent"}
    assert send.deliver_many(tenant.pk, [dispatch.pk]) == {dispatch.pk: "not claimed"}
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts) == (DispatchStatus.SENT, 1)


def test_an_invoice_moved_to_another_customer_is_left_out_of_the_first_ones_reminder(
    tenant, customer
):
    invoice = make_invoice(tenant, customer, "INV-1", DUE)
    now = local("2026-03-17 10:00")
    sweep.sweep(tenant, now)
    dispatch = Dispatch.objects.get(tenant=tenant)
    invoice.customer = make_customer(tenant, "C-2")
    invoice.save(update_fields=["customer"])
    release.release(tenant, now, [].extend)

    assert send.deliver_many(tenant.pk, [dispatch.pk]) == {dispatch.pk: "cancelled"}
    dispatch.refresh_from_db()
    assert (dispatch.reason, dispatch.body_text) == ("nothing left to pay", "")
