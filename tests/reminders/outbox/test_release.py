"""The release hands what is due to the workers after asking the gate again, in a fixed
number of queries."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from receivables import ledger
from reminders.models import Dispatch, DispatchStatus
from reminders.outbox import release, sweep
from tests.reminders.scenario import local, make_customer, make_invoice, make_workflow, run

DUE = date(2026, 3, 20)  # a Friday


def test_paid_invoice_cancels_the_pending_reminder_before_it_goes(tenant, customer):
    make_invoice(tenant, customer, "INV-1", DUE)
    early = local("2026-03-17 07:00")  # before the 09:00 window opens
    sweep.sweep(tenant, early)
    dispatch = Dispatch.objects.get(tenant=tenant)
    assert dispatch.status == DispatchStatus.PLANNED
    assert dispatch.send_after == local("2026-03-17 09:00")
    ledger.record_payment(tenant, customer, amount="500.00", received_on=date(2026, 3, 17))
    assert run(tenant, local("2026-03-17 09:30")) == []
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.CANCELLED


def test_release_reads_the_same_number_of_queries_for_5_or_40_reminders(tenant, other_tenant):
    counts = []
    for owner, size in ((tenant, 5), (other_tenant, 40)):
        make_workflow(owner)
        for n in range(size):
            make_invoice(owner, make_customer(owner, f"C-{n}"), f"INV-{n}", DUE)
        moment = local("2026-03-20 10:00")
        sweep.sweep(owner, moment)
        with CaptureQueriesContext(connection) as queries:
            released = release.release(owner, moment, lambda batch: None)
        assert released == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
