"""A held invoice costs no tick while its hold lasts: the sweep that finds it held parks it
until the local day the hold may have ended, and whatever lifts the hold sooner — a dispute
resolved, a promise cancelled, a pause or hold lifted — makes its tenant due at the next
tick, whose sweep plans the reminder."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from collections_app import actions
from collections_app.models import Dispute, PromiseToPay
from kapittx.demo.seeding import delete_receivables
from receivables.models import Invoice
from reminders.models import ReminderPosition
from reminders.outbox import sweep
from reminders.outbox.due_tenants import due_tenants
from reminders.setup.customers import change_customer_reminders, resume_reminders
from tests.reminders.scenario import local, make_customer, make_invoice, run

DUE = date(2026, 3, 20)  # a Friday; the courtesy step falls on the 17th
NEW_YORK = "America/New_York"


def position(invoice: Invoice) -> tuple:
    row = ReminderPosition.objects.get(invoice=invoice)
    return row.reminded_offset, row.next_at


def reminded_of_courtesy(tenant, customer) -> Invoice:
    """An invoice due on the 20th whose courtesy reminder went out on the 17th."""
    invoice = make_invoice(tenant, customer, "INV-1", DUE)
    zone = customer.time_zone or tenant.time_zone
    assert [d.template_key for d in run(tenant, local("2026-03-17 10:00", zone))] == [
        "courtesy-before-due"
    ]
    return invoice


def on_hold(customer, invoice) -> None:
    customer.reminders_on_hold = True
    customer.reminders_hold_reason = "Replied by email"
    customer.save()


def do_not_contact(customer, invoice) -> None:
    customer.do_not_contact = True
    customer.save()


def disputed(customer, invoice) -> None:
    actions.dispute_invoice(invoice, "Wrong quantity", source="portal")


def paused_until_today(customer, invoice) -> None:
    customer.reminders_paused_until = date(2026, 3, 23)
    customer.save()


def promised_yesterday(customer, invoice) -> None:
    # A promise holds on its day and the day after.
    actions.promise_payment(customer, date(2026, 3, 22), source="portal")


@pytest.mark.parametrize(
    "hold", [on_hold, do_not_contact, disputed, paused_until_today, promised_yesterday]
)
def test_a_held_invoice_waits_for_the_next_local_day_without_making_its_tenant_due(
    tenant, other_tenant, workflow, hold
):
    # Given: a New York customer, reminded on the 17th, is held on Monday the 23rd
    customer = make_customer(tenant, time_zone=NEW_YORK)
    invoice = reminded_of_courtesy(tenant, customer)
    hold(customer, invoice)

    # When: Monday's sweep finds the invoice due
    planned = sweep.sweep(tenant, local("2026-03-23 10:00", NEW_YORK))

    # Then: nothing is planned; the invoice keeps its last reminder and waits for Tuesday
    # in New York, and until then no tick finds Acme due
    assert planned.reminders == []
    assert position(invoice) == (-3, local("2026-03-24 00:00", NEW_YORK))
    assert due_tenants(local("2026-03-23 10:01", NEW_YORK)) == []
    assert due_tenants(local("2026-03-23 23:59", NEW_YORK)) == []
    assert due_tenants(local("2026-03-24 00:00", NEW_YORK)) == [tenant.pk]


@pytest.mark.parametrize(
    ("hold", "resumes"),
    [
        pytest.param(paused_until_today, date(2026, 3, 24), id="pause-ending"),
        pytest.param(promised_yesterday, date(2026, 3, 24), id="promise-ending"),
    ],
)
def test_a_hold_ending_today_lets_the_reminder_go_the_next_day(
    tenant, workflow, customer, hold, resumes
):
    invoice = reminded_of_courtesy(tenant, customer)
    hold(customer, invoice)
    assert sweep.sweep(tenant, local("2026-03-23 10:00")).reminders == []

    planned = sweep.sweep(tenant, local(f"{resumes} 00:00"))

    assert [item.slot.step.template_key for item in planned.due] == ["due-today"]


def test_a_held_invoice_found_still_held_waits_another_day(tenant, workflow, customer):
    invoice = reminded_of_courtesy(tenant, customer)
    disputed(customer, invoice)
    sweep.sweep(tenant, local("2026-03-23 10:00"))

    assert sweep.sweep(tenant, local("2026-03-24 00:00")).reminders == []

    assert position(invoice) == (-3, local("2026-03-25 00:00"))


def paused_until_wednesday(customer, invoice) -> None:
    customer.reminders_paused_until = date(2026, 3, 25)
    customer.save()


def promised_for_wednesday(customer, invoice) -> None:
    actions.promise_payment(customer, date(2026, 3, 25), source="portal")


@pytest.mark.parametrize(
    ("hold", "resumes", "step"),
    [
        pytest.param(paused_until_wednesday, "2026-03-26", "due-today", id="paused"),
        # By Friday the invoice is a week overdue: the latest step due is the one that goes.
        pytest.param(promised_for_wednesday, "2026-03-27", "overdue-polite", id="promised"),
    ],
)
def test_a_hold_with_a_known_end_waits_for_that_day(
    tenant, workflow, customer, hold, resumes, step
):
    # Given: held on Monday until Wednesday: a pause ends with its day, a promise holds the
    # day after too
    invoice = reminded_of_courtesy(tenant, customer)
    hold(customer, invoice)

    # When: Monday's sweep finds the invoice due
    sweep.sweep(tenant, local("2026-03-23 10:00"))

    # Then: it waits for the day the hold ends, no tick comes for it before, and that day's
    # sweep plans the reminder it owes
    assert position(invoice) == (-3, local(f"{resumes} 00:00"))
    assert due_tenants(local(f"{resumes} 00:00") - timedelta(minutes=1)) == []
    assert due_tenants(local(f"{resumes} 00:00")) == [tenant.pk]
    planned = sweep.sweep(tenant, local(f"{resumes} 10:00"))
    assert [item.slot.step.template_key for item in planned.due] == [step]


def resolve(dispute: Dispute) -> None:
    dispute.status = Dispute.Status.RESOLVED
    dispute.save()


def close(promise: PromiseToPay, status: str) -> None:
    promise.status = status
    promise.save()


@pytest.mark.parametrize(
    ("hold", "lift"),
    [
        pytest.param(
            disputed, lambda c, i, owner: resolve(i.disputes.get()), id="dispute-resolved"
        ),
        pytest.param(disputed, lambda c, i, owner: i.disputes.get().delete(), id="dispute-deleted"),
        pytest.param(
            promised_for_wednesday,
            lambda c, i, owner: close(c.promises.get(), PromiseToPay.Status.CANCELLED),
            id="promise-cancelled",
        ),
        pytest.param(
            promised_for_wednesday,
            lambda c, i, owner: close(c.promises.get(), PromiseToPay.Status.BROKEN),
            id="promise-broken",
        ),
        pytest.param(
            promised_for_wednesday,
            lambda c, i, owner: close(c.promises.get(), PromiseToPay.Status.KEPT),
            id="promise-kept",
        ),
        pytest.param(
            promised_for_wednesday,
            lambda c, i, owner: c.promises.get().delete(),
            id="promise-deleted",
        ),
        pytest.param(
            on_hold, lambda c, i, owner: resume_reminders(c, owner), id="hold-resumed-on-page"
        ),
        pytest.param(
            paused_until_wednesday,
            lambda c, i, owner: lift_pause(c, owner),
            id="pause-lifted-on-page",
        ),
        pytest.param(
            do_not_contact,
            lambda c, i, owner: allow_contact(c, owner),
            id="do-not-contact-lifted-on-page",
        ),
    ],
)
def test_lifting_a_hold_makes_the_tenant_due_at_the_next_tick_which_plans_the_reminder(
    tenant, other_tenant, workflow, customer, owner, hold, lift
):
    # Given: Monday's sweep parked the held invoice, and Acme is not due
    invoice = reminded_of_courtesy(tenant, customer)
    hold(customer, invoice)
    sweep.sweep(tenant, local("2026-03-23 10:00"))
    assert due_tenants(local("2026-03-23 10:01")) == []

    # When: the hold is lifted
    lift(customer, invoice, owner)

    # Then: the next tick finds Acme due, and its sweep plans the reminder
    assert due_tenants(local("2026-03-23 10:02")) == [tenant.pk]
    planned = sweep.sweep(tenant, local("2026-03-23 10:02"))
    assert [item.slot.step.template_key for item in planned.due] == ["due-today"]


def lift_pause(customer, owner) -> None:
    customer.reminders_paused_until = None
    change_customer_reminders(customer, owner, ["reminders_paused_until"])


def allow_contact(customer, owner) -> None:
    customer.do_not_contact = False
    change_customer_reminders(customer, owner, ["do_not_contact"])


def test_a_sooner_promise_replacing_a_later_one_shortens_the_wait(tenant, workflow, customer):
    # Given: Monday's sweep parked the invoice until the promise of the 30th has passed
    invoice = reminded_of_courtesy(tenant, customer)
    actions.promise_payment(customer, date(2026, 3, 30), source="portal")
    sweep.sweep(tenant, local("2026-03-23 10:00"))
    assert position(invoice) == (-3, local("2026-04-01 00:00"))

    # When: the customer promises the 24th instead
    actions.promise_payment(customer, date(2026, 3, 24), source="portal")

    # Then: the next tick's sweep parks it until the new promise has passed
    assert due_tenants(local("2026-03-23 10:02")) == [tenant.pk]
    sweep.sweep(tenant, local("2026-03-23 10:02"))
    assert position(invoice) == (-3, local("2026-03-26 00:00"))


def test_a_dispute_opened_or_added_to_sends_nothing_back(tenant, workflow, customer):
    invoice = reminded_of_courtesy(tenant, customer)
    disputed(customer, invoice)
    sweep.sweep(tenant, local("2026-03-23 10:00"))

    actions.dispute_invoice(invoice, "And the price", source="portal")

    assert position(invoice) == (-3, local("2026-03-24 00:00"))


def test_holds_deleted_with_their_invoices_and_customers_spend_no_update_on_positions(
    tenant, workflow, customer
):
    invoice = reminded_of_courtesy(tenant, customer)
    disputed(customer, invoice)
    promised_for_wednesday(customer, invoice)

    with CaptureQueriesContext(connection) as queries:
        delete_receivables(tenant)

    table = ReminderPosition._meta.db_table
    assert not [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and table in q["sql"]]
    assert not Dispute.objects.exists() and not PromiseToPay.objects.exists()
    assert not ReminderPosition.objects.exists()
