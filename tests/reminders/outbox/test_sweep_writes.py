"""Writing a sweep's plan costs the same number of statements whatever the number of
customers: waiting reminders are reworded and folded together, not one by one."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reminders.models import (
    Dispatch,
    DispatchInvoice,
    DispatchStatus,
    ReminderPosition,
    ReminderSettings,
)
from reminders.outbox import sweep
from reminders.outbox.sweep_writes import apply
from tests.reminders.outbox.test_one_voice_a_day import CADENCE, MORNING, at
from tests.reminders.scenario import local, make_customer, make_invoice, make_workflow

S = DispatchStatus


def firmer_invoices_arrive(tenant, customers: int) -> tuple[int, list[Dispatch]]:
    """Each customer has a firm reminder by email and SMS waiting for the window; then a
    final notice falls due for each. Return the second sweep's statements and the waiting."""
    make_workflow(tenant, CADENCE)
    ReminderSettings.objects.filter(tenant=tenant).update(min_days_between=0)
    people = [make_customer(tenant, f"C-{n}") for n in range(customers)]
    for customer in people:
        make_invoice(tenant, customer, f"FIRM-{customer.pk}", at(10))
    sweep.sweep(tenant, MORNING)
    waiting = list(Dispatch.objects.filter(tenant=tenant, status=S.PLANNED))
    for customer in people:
        make_invoice(tenant, customer, f"FINAL-{customer.pk}", at(20))
    with CaptureQueriesContext(connection) as queries:
        sweep.sweep(tenant, local("2026-03-17 08:00"))
    return len(queries), waiting


def test_rewording_and_folding_waiting_reminders_takes_the_same_statements_for_many(
    tenant, other_tenant
):
    few, _ = firmer_invoices_arrive(tenant, 2)
    many, waiting = firmer_invoices_arrive(other_tenant, 12)
    assert len(waiting) == 24  # each customer: email and SMS
    assert many == few
    emails = Dispatch.objects.filter(pk__in=[d.pk for d in waiting], channel="email")
    assert {(d.status, d.template_key) for d in emails} == {(S.PLANNED, "final-notice")}
    sms = Dispatch.objects.filter(pk__in=[d.pk for d in waiting], channel="sms")
    assert {d.status for d in sms} == {S.SKIPPED}
    # Every SMS line moved to its own customer's email, none to another's.
    for line in DispatchInvoice.objects.filter(dispatch__in=emails).select_related("dispatch"):
        assert line.invoice.customer_id == line.dispatch.customer_id
    assert DispatchInvoice.objects.filter(dispatch__in=sms).count() == 0


def test_an_invoice_deleted_while_its_tenant_is_swept_gets_no_position_back(tenant):
    make_workflow(tenant, CADENCE)
    customer = make_customer(tenant)
    kept = make_invoice(tenant, customer, "KEPT", at(-5))
    gone = make_invoice(tenant, customer, "GONE", at(-5))
    plan_ = sweep.plan(tenant, MORNING)
    assert {kept.pk, gone.pk} <= plan_.changed
    gone.delete()

    apply(plan_)

    assert not ReminderPosition.objects.filter(invoice_id=gone.pk).exists()
    assert ReminderPosition.objects.get(invoice=kept).next_at == plan_.positions[kept.pk][1]


def test_a_customer_pinned_to_a_workflow_without_steps_is_not_chased(tenant):
    make_workflow(tenant, CADENCE)
    silent = make_workflow(tenant, [], name="Silent", default=False)
    pinned = make_customer(tenant, "PINNED", workflow=silent)
    chased = make_customer(tenant, "CHASED")
    quiet = make_invoice(tenant, pinned, "QUIET", at(20))
    loud = make_invoice(tenant, chased, "LOUD", at(20))

    sweep.sweep(tenant, MORNING)

    assert ReminderPosition.objects.get(invoice=quiet).next_at is None
    assert not DispatchInvoice.objects.filter(invoice=quiet).exists()
    # The default workflow chases the customer nothing pins or matches.
    assert DispatchInvoice.objects.filter(invoice=loud).exists()
