"""An invoice disputed after its reminder was planned is left out of the message and its
totals; the reminder still goes about the rest."""

from datetime import date

from django.test import TestCase

from collections_app.actions import dispute_invoice
from reminders.models import Dispatch, DispatchStatus
from reminders.outbox import release, send, sweep
from tests.reminders.scenario import local, make_customer, make_invoice, make_workflow

DUE = date(2026, 3, 20)
NOW = local("2026-03-17 10:00")


def test_a_disputed_invoice_is_dropped_from_a_reminder_planned_before(tenant):
    make_workflow(tenant)
    customer = make_customer(tenant, "C-1")
    disputed = make_invoice(tenant, customer, "INV-DISPUTED", DUE, "700.00")
    make_invoice(tenant, customer, "INV-OWED", DUE, "300.00")
    sweep.sweep(tenant, NOW)
    [planned] = Dispatch.objects.filter(tenant=tenant, status=DispatchStatus.PLANNED)
    assert planned.lines.count() == 2

    dispute_invoice(disputed, "We never received these goods.", source="portal")
    released: list[Dispatch] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        release.release(tenant, NOW, released.extend)
    assert [d.pk for d in released] == [planned.pk]
    assert send.deliver_many(tenant.pk, [planned.pk]) == {planned.pk: DispatchStatus.SENT}

    sent = Dispatch.objects.get(pk=planned.pk)
    assert "INV-OWED" in sent.body_text and "INV-DISPUTED" not in sent.body_text
    assert "INV-DISPUTED" not in sent.subject and "INV-DISPUTED" not in sent.body_html
    assert "300.00" in sent.body_text and "1,000.00" not in sent.body_text


def test_a_reminder_whose_every_invoice_is_disputed_waits(tenant):
    make_workflow(tenant)
    customer = make_customer(tenant, "C-1")
    only = make_invoice(tenant, customer, "INV-1", DUE)
    sweep.sweep(tenant, NOW)
    dispute_invoice(only, "Wrong price.", source="portal")
    released: list[Dispatch] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        release.release(tenant, NOW, released.extend)
    assert released == []
    dispatch = Dispatch.objects.get(tenant=tenant, status=DispatchStatus.PLANNED)
    assert dispatch.reason == "every invoice is disputed"
