"""The gate decides again when a planned reminder's moment comes: whatever changed since the
sweep planned it — a pause, a promise, a dispute, the tenant's settings, the customer's
country — defers it to the next moment the rules allow, with the rule recorded, and it goes
then. The gate is the only place these changes are caught: the sweep planned before them."""

from datetime import date, time, timedelta

import pytest

from collections_app.models import Dispute, PromiseToPay
from receivables import ledger
from reminders.models import Dispatch, DispatchStatus, ReminderSettings
from reminders.outbox import sweep
from tests.reminders.scenario import local, make_customer, make_invoice, run

DUE = date(2026, 3, 20)  # a Friday: the courtesy reminder falls on Tuesday 17 March
PLANNED_AT = local("2026-03-17 07:00")  # before the window opens at nine
RELEASE_AT = local("2026-03-17 10:00")


@pytest.fixture
def invoice(tenant, customer):
    invoice = make_invoice(tenant, customer, "INV-1", DUE)
    sweep.sweep(tenant, PLANNED_AT)
    assert planned(tenant) == (DispatchStatus.PLANNED, "", local("2026-03-17 09:00"))
    return invoice


def planned(tenant) -> tuple:
    dispatch = Dispatch.objects.get(tenant=tenant)
    return dispatch.status, dispatch.reason, dispatch.send_after


def settings_of(tenant) -> ReminderSettings:
    return ReminderSettings.objects.get(tenant=tenant)


def test_a_reminder_planned_before_a_pause_is_deferred_past_the_pause(tenant, customer, invoice):
    customer.reminders_paused_until = date(2026, 3, 18)
    customer.save()
    assert run(tenant, RELEASE_AT) == []
    assert planned(tenant) == (DispatchStatus.PLANNED, "paused", local("2026-03-19 09:00"))
    assert run(tenant, local("2026-03-18 10:00")) == []
    assert [d.template_key for d in run(tenant, local("2026-03-19 09:00"))] == [
        "courtesy-before-due"
    ]


def test_a_reminder_planned_before_a_promise_waits_out_its_day_of_grace(tenant, customer, invoice):
    PromiseToPay.objects.create(tenant=tenant, customer=customer, promised_on=date(2026, 3, 17))
    assert run(tenant, RELEASE_AT) == []
    assert planned(tenant) == (
        DispatchStatus.PLANNED,
        "promise to pay in force",
        local("2026-03-19 09:00"),
    )


def test_a_reminder_planned_before_the_customer_disputed_is_deferred_with_the_rule(
    tenant, customer, invoice
):
    dispute = Dispute.objects.create(tenant=tenant, invoice=invoice, reason="Wrong quantity")
    assert run(tenant, RELEASE_AT) == []
    assert planned(tenant) == (
        DispatchStatus.PLANNED,
        "every invoice is disputed",
        local("2026-03-18 10:00"),
    )
    dispute.status = Dispute.Status.RESOLVED
    dispute.save()
    assert len(run(tenant, local("2026-03-18 10:00"))) == 1


def test_a_dispute_about_another_invoice_holds_back_no_reminder(tenant, customer, invoice):
    other = make_invoice(tenant, customer, "INV-2", date(2026, 4, 30))
    Dispute.objects.create(tenant=tenant, invoice=other, reason="Not ours")
    assert len(run(tenant, RELEASE_AT)) == 1


def test_a_hold_set_after_planning_defers_with_the_members_reason(tenant, customer, invoice):
    customer.reminders_on_hold = True
    customer.reminders_hold_reason = "Replied: paying next week"
    customer.save()
    assert run(tenant, RELEASE_AT) == []
    assert planned(tenant) == (
        DispatchStatus.PLANNED,
        "Replied: paying next week",
        local("2026-03-18 10:00"),
    )


def test_sending_switched_off_after_planning_defers_until_it_is_on_again(tenant, invoice):
    ReminderSettings.objects.filter(tenant=tenant).update(sending_enabled=False)
    assert run(tenant, RELEASE_AT) == []
    assert planned(tenant) == (
        DispatchStatus.PLANNED,
        "sending is switched off",
        local("2026-03-18 10:00"),
    )
    assert run(tenant, local("2026-03-18 10:00")) == []
    ReminderSettings.objects.filter(tenant=tenant).update(sending_enabled=True)
    assert len(run(tenant, local("2026-03-19 10:00"))) == 1


def test_a_window_narrowed_after_planning_defers_to_the_next_time_it_opens(tenant, invoice):
    ReminderSettings.objects.filter(tenant=tenant).update(send_until=time(9, 30))
    assert run(tenant, RELEASE_AT) == []
    assert planned(tenant) == (
        DispatchStatus.PLANNED,
        "outside the send window",
        local("2026-03-18 09:00"),
    )


def test_a_reminder_released_exactly_at_closing_time_waits_for_the_next_day(tenant, invoice):
    assert run(tenant, local("2026-03-17 17:00")) == []
    assert planned(tenant) == (
        DispatchStatus.PLANNED,
        "outside the send window",
        local("2026-03-18 09:00"),
    )


def test_a_customer_moved_to_a_country_on_holiday_is_deferred_past_it(tenant):
    customer = make_customer(tenant, "C-US", country="US")
    # Due Monday 4 May: the courtesy reminder falls on Friday 1 May, a working day in the
    # United States and Labour Day in Germany.
    make_invoice(tenant, customer, "INV-1", date(2026, 5, 4))
    sweep.sweep(tenant, local("2026-05-01 07:00"))
    customer.country = "DE"
    customer.save()
    assert run(tenant, local("2026-05-01 10:00")) == []
    assert planned(tenant) == (
        DispatchStatus.PLANNED,
        "outside the send window",
        local("2026-05-04 09:00"),
    )


def test_the_gate_keeps_the_tenants_own_window(tenant, customer):
    ReminderSettings.objects.filter(tenant=tenant).update(
        send_weekdays=[1, 2, 3, 4, 5, 6], send_from=time(7), send_until=time(20)
    )
    make_invoice(tenant, customer, "INV-1", DUE)
    # 07:30 is outside the default nine-to-five but inside this tenant's window.
    assert len(run(tenant, local("2026-03-17 07:30"))) == 1


def test_a_tenant_that_sends_on_holidays_has_its_reminders_go_on_them(tenant):
    ReminderSettings.objects.filter(tenant=tenant).update(skip_public_holidays=False)
    customer = make_customer(tenant, "C-US", country="US")
    make_invoice(tenant, customer, "INV-1", date(2026, 5, 4))
    sweep.sweep(tenant, local("2026-05-01 07:00"))
    customer.country = "DE"
    customer.save()
    assert len(run(tenant, local("2026-05-01 10:00"))) == 1


def test_a_tenant_without_send_settings_gets_the_default_window(tenant, customer):
    ReminderSettings.objects.filter(tenant=tenant).update(send_from=time(7))
    make_invoice(tenant, customer, "INV-1", DUE)
    sweep.sweep(tenant, local("2026-03-17 07:30"))
    ReminderSettings.objects.filter(tenant=tenant).delete()
    assert run(tenant, local("2026-03-17 07:45")) == []
    assert planned(tenant) == (
        DispatchStatus.PLANNED,
        "outside the send window",
        local("2026-03-17 09:00"),
    )
    assert len(run(tenant, local("2026-03-17 09:00"))) == 1


def test_days_between_reminders_count_from_the_last_one_sent_days_ago(tenant, customer):
    ReminderSettings.objects.filter(tenant=tenant).update(min_days_between=3)
    make_invoice(tenant, customer, "INV-1", DUE)  # courtesy on Tuesday 17th
    make_invoice(tenant, customer, "INV-2", DUE + timedelta(days=2))  # courtesy on Thursday
    [tuesday] = run(tenant, local("2026-03-17 09:15"))
    Dispatch.objects.filter(pk=tuesday.pk).update(sent_at=local("2026-03-17 09:15"))
    # Thursday afternoon, more than two days after Tuesday's reminder: still too soon.
    assert run(tenant, local("2026-03-19 16:00")) == []
    waiting = Dispatch.objects.get(tenant=tenant, status=DispatchStatus.PLANNED)
    assert (waiting.reason, waiting.send_after) == (
        "3 days between reminders; the last one left on 17 Mar",
        local("2026-03-20 09:00"),
    )


def test_a_reminder_whose_invoice_was_paid_after_planning_is_cancelled(tenant, customer, invoice):
    ledger.record_payment(tenant, customer, amount=invoice.total, received_on=date(2026, 3, 17))
    assert run(tenant, RELEASE_AT) == []
    assert planned(tenant) == (
        DispatchStatus.CANCELLED,
        "nothing left to pay",
        local("2026-03-17 09:00"),
    )
    # Cancelled at the gate: never handed to a worker.
    assert Dispatch.objects.get(tenant=tenant).queued_at is None


def test_a_customer_who_opted_out_after_planning_is_blocked_with_the_channel_named(
    tenant, customer, invoice
):
    customer.opted_out_channels = ["email"]
    customer.save()
    assert run(tenant, RELEASE_AT) == []
    assert planned(tenant)[:2] == (DispatchStatus.BLOCKED, "customer opted out of Email")


def test_a_reminder_whose_contact_lost_its_address_is_blocked_with_the_channel_named(
    tenant, customer, invoice
):
    customer.contacts.update(invalid_channels=["email"])
    assert run(tenant, RELEASE_AT) == []
    assert planned(tenant)[:2] == (DispatchStatus.BLOCKED, "no usable Email contact")
