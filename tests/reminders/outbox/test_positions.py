"""Invoice positions follow what happens to invoices and customers, and ticks read only what
is due."""

from datetime import date
from decimal import Decimal

import pytest

from receivables import ledger
from receivables.behaviour import refresh_payment_habits
from receivables.models import Customer, Invoice
from reminders.models import Dispatch, ReminderPosition, Segment, Tone, Workflow
from reminders.outbox import positions, sweep
from tests.reminders.scenario import local, make_customer, make_invoice, make_workflow, run

DUE = date(2026, 3, 20)  # a Friday
AT_NEXT_SWEEP = ReminderPosition.AT_NEXT_SWEEP


@pytest.fixture
def customer(tenant):
    make_workflow(tenant)
    return make_customer(tenant)


def firm_segment(tenant, name: str, rule: dict) -> Workflow:
    """A segment matching ``rule`` whose workflow has one firm step, a day after the due date."""
    firm = make_workflow(
        tenant, [(1, "email", "overdue-firm", Tone.FIRM)], name="Firm", default=False
    )
    Segment.objects.create(tenant=tenant, name=name, priority=1, workflow=firm, rules=[rule])
    return firm


def position(invoice: Invoice) -> tuple:
    row = ReminderPosition.objects.get(invoice=invoice)
    return row.reminded_offset, row.next_at


def test_a_new_invoice_waits_for_the_next_sweep_which_places_it(tenant, customer):
    invoice = make_invoice(tenant, customer, "INV-1", DUE)
    assert position(invoice) == (None, AT_NEXT_SWEEP)
    sweep.sweep(tenant, local("2026-03-10 10:00"))
    # Looked at again from midnight of the courtesy step's day, in the customer's time zone.
    assert position(invoice) == (None, local("2026-03-17 00:00"))
    run(tenant, local("2026-03-17 10:00"))
    assert position(invoice) == (-3, local("2026-03-20 00:00"))


def test_the_day_begins_at_midnight_in_the_customers_own_time_zone(tenant):
    make_workflow(tenant)
    tokyo = make_customer(tenant, "C-TYO", time_zone="Asia/Tokyo")
    invoice = make_invoice(tenant, tokyo, "INV-1", DUE)
    sweep.sweep(tenant, local("2026-03-10 10:00"))
    assert position(invoice) == (None, local("2026-03-17 00:00", "Asia/Tokyo"))
    # 00:30 in Tokyo is still the 16th in Berlin: the courtesy reminder is planned, and the
    # send window holds it until 09:00 Tokyo time.
    planned = sweep.sweep(tenant, local("2026-03-17 00:30", "Asia/Tokyo"))
    assert [item.send_after for item in planned.due] == [local("2026-03-17 09:00", "Asia/Tokyo")]


def test_a_sweep_reads_only_positions_whose_day_has_come(tenant, customer):
    make_invoice(tenant, customer, "INV-1", DUE)
    sweep.sweep(tenant, local("2026-03-10 10:00"))
    # Nothing is due until the 17th, so a sweep in between has nothing to look at.
    assert sweep.plan(tenant, local("2026-03-12 10:00")).positions == {}
    assert list(sweep.plan(tenant, local("2026-03-17 10:00")).positions) != []


def test_a_paid_invoice_leaves_the_sweeps_view(tenant, customer):
    invoice = make_invoice(tenant, customer, "INV-1", DUE)
    sweep.sweep(tenant, local("2026-03-10 10:00"))
    ledger.record_payment(tenant, customer, amount=invoice.total, received_on=date(2026, 3, 12))
    assert run(tenant, local("2026-03-17 10:00")) == []
    assert position(invoice) == (None, None)


def test_a_partial_payment_sends_the_invoice_back_with_its_history(tenant, customer):
    invoice = make_invoice(tenant, customer, "INV-1", DUE)
    run(tenant, local("2026-03-17 10:00"))
    ledger.record_payment(tenant, customer, amount="100.00", received_on=date(2026, 3, 18))
    assert position(invoice) == (-3, AT_NEXT_SWEEP)
    sent = run(tenant, local("2026-03-20 10:00"))
    assert [d.template_key for d in sent] == ["due-today"]
    assert "400.00" in Dispatch.objects.get(pk=sent[0].pk).body_text


def test_editing_a_customer_moves_it_to_its_new_segment_at_the_next_sweep(tenant, customer):
    invoice = make_invoice(tenant, customer, "INV-1", DUE)
    sweep.sweep(tenant, local("2026-03-10 10:00"))
    firm = firm_segment(tenant, "Austria", {"field": "country", "op": "eq", "value": "AT"})
    customer.country = "AT"
    customer.save()
    assert position(invoice) == (None, AT_NEXT_SWEEP)
    assert run(tenant, local("2026-03-17 10:00")) == []  # the default courtesy step is gone
    sent = run(tenant, local("2026-03-23 10:00"))
    assert [(d.workflow_id, d.template_key) for d in sent] == [(firm.pk, "overdue-firm")]


def test_a_customer_who_starts_paying_late_moves_to_the_late_payers_segment(tenant, customer):
    invoice = make_invoice(tenant, customer, "INV-1", DUE)
    other = make_customer(tenant, "C-2")
    theirs = make_invoice(tenant, other, "INV-2", DUE)
    sweep.sweep(tenant, local("2026-03-10 10:00"))
    firm_segment(tenant, "Late payers", {"field": "average_days_late", "op": "gte", "value": 5})
    assert refresh_payment_habits(tenant, today=date(2026, 3, 12)) == []
    # An earlier invoice paid twenty days late
    paid_late = make_invoice(tenant, customer, "INV-0", date(2026, 2, 1))
    ledger.record_payment(
        tenant,
        customer,
        amount="500.00",
        received_on=date(2026, 2, 21),
        splits=[ledger.Split(paid_late, Decimal("500.00"))],
    )
    sweep.sweep(tenant, local("2026-03-10 10:00"))
    assert position(invoice) == (None, local("2026-03-17 00:00"))

    assert refresh_payment_habits(tenant, today=date(2026, 3, 12)) == [customer.pk]

    # Only the customer whose habits changed goes back to the next sweep, into the segment.
    assert position(invoice) == (None, AT_NEXT_SWEEP)
    assert position(theirs) == (None, local("2026-03-17 00:00"))
    sent = run(tenant, local("2026-03-17 10:00"))
    assert [(d.customer_id, d.template_key) for d in sent] == [(other.pk, "courtesy-before-due")]
    sent = run(tenant, local("2026-03-23 10:00"))
    assert [(d.customer_id, d.template_key) for d in sent if d.customer_id == customer.pk] == [
        (customer.pk, "overdue-firm")
    ]


def test_invoices_written_without_signals_get_positions(tenant, customer, other_tenant):
    invoice = make_invoice(tenant, customer, "INV-1", DUE)
    theirs = make_invoice(other_tenant, make_customer(other_tenant), "INV-1", DUE)
    ReminderPosition.objects.all().delete()
    assert positions.place_missing(tenant) == 1
    assert position(invoice) == (None, AT_NEXT_SWEEP)
    assert not ReminderPosition.objects.filter(invoice=theirs).exists()
    assert positions.place_missing() == 1
    assert positions.place_missing() == 0
    assert len(run(tenant, local("2026-03-17 10:00"))) == 1


def test_a_workflow_change_sends_only_open_invoices_back(tenant, customer):
    open_one = make_invoice(tenant, customer, "INV-1", DUE)
    voided = make_invoice(tenant, customer, "INV-2", DUE)
    sweep.sweep(tenant, local("2026-03-10 10:00"))
    ledger.void_invoice(voided, date(2026, 3, 11))
    positions.look_again_for_tenant(tenant)
    assert position(open_one) == (None, AT_NEXT_SWEEP)
    assert position(voided) == (None, local("2026-03-17 00:00"))
    assert Workflow.objects.filter(tenant=tenant).exists()
    assert Customer.objects.get(pk=customer.pk).country == "DE"
