"""The sweep decides what is due: each step once, in its tone, grouped per customer and
channel, inside the send window, held while a hold lasts, never a burst of missed steps."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command

from collections_app.models import Dispute, PromiseToPay
from receivables import ledger
from receivables.models import Invoice
from reminders.models import Dispatch, DispatchStatus, Tone
from reminders.outbox import sweep
from tests.reminders.scenario import local, make_customer, make_invoice, make_workflow, run

DUE = date(2026, 3, 20)  # a Friday


def test_each_step_goes_once_with_its_tone_over_the_whole_cadence(tenant, customer):
    make_invoice(tenant, customer, "INV-1", DUE)
    day = date(2026, 3, 10)
    while day <= date(2026, 5, 1):
        for hour in ("10:00", "15:00"):
            run(tenant, local(f"{day} {hour}"))
        day += timedelta(days=1)
    sent = Dispatch.objects.filter(tenant=tenant, status=DispatchStatus.SENT).order_by("sent_at")
    assert [d.tone for d in sent] == [
        Tone.COURTESY,
        Tone.COURTESY,
        Tone.REMINDER,
        Tone.FIRM,
        Tone.FINAL,
    ]
    assert [d.template_key for d in sent] == [
        "courtesy-before-due",
        "due-today",
        "overdue-polite",
        "overdue-firm",
        "final-notice",
    ]


def test_due_today_reminder_goes_on_the_due_date(tenant, customer):
    make_invoice(tenant, customer, "INV-1", DUE)
    run(tenant, local("2026-03-17 10:00"))
    sent = run(tenant, local("2026-03-20 10:00"))
    assert [d.template_key for d in sent] == ["due-today"]


def test_one_message_per_customer_and_step_lists_all_invoices(tenant, customer):
    make_invoice(tenant, customer, "INV-1", DUE)
    make_invoice(tenant, customer, "INV-2", DUE, "250.00")
    sent = run(tenant, local("2026-03-17 10:00"))
    assert len(sent) == 1
    body = Dispatch.objects.get(pk=sent[0].pk).body_text
    assert "INV-1" in body and "INV-2" in body


def test_per_invoice_workflow_sends_one_message_per_invoice(tenant):
    make_workflow(tenant, name="Per invoice", per_invoice=True)
    customer = make_customer(tenant)
    make_invoice(tenant, customer, "INV-1", DUE)
    make_invoice(tenant, customer, "INV-2", DUE, "250.00")
    sent = run(tenant, local("2026-03-17 10:00"))
    assert len(sent) == 2


def test_invoices_at_different_steps_make_one_message_per_channel_in_the_firmest_tone(
    tenant, customer
):
    make_invoice(tenant, customer, "INV-NEW", DUE)  # due today: the due-today step
    make_invoice(tenant, customer, "INV-OLD", DUE - timedelta(days=14))  # 14 days late: firm
    sent = run(tenant, local("2026-03-20 10:00"))
    assert len(sent) == 1
    dispatch = Dispatch.objects.get(pk=sent[0].pk)
    assert (dispatch.tone, dispatch.template_key) == (Tone.FIRM, "overdue-firm")
    assert "INV-NEW" in dispatch.body_text and "INV-OLD" in dispatch.body_text
    steps = dict(dispatch.lines.values_list("invoice__number", "step__template_key"))
    assert steps == {"INV-NEW": "due-today", "INV-OLD": "overdue-firm"}


def test_steps_below_their_minimum_amount_are_left_out(tenant):
    workflow = make_workflow(tenant, [(0, "email", "due-today", Tone.COURTESY)], name="Min")
    workflow.steps.update(min_amount=Decimal("100.00"))
    customer = make_customer(tenant)
    make_invoice(tenant, customer, "INV-1", DUE, "50.00")
    assert run(tenant, local("2026-03-20 10:00")) == []


def test_repeat_after_the_last_step_is_bounded(tenant):
    make_workflow(
        tenant,
        [(0, "email", "due-today", Tone.COURTESY)],
        name="Repeat",
        repeat_every_days=7,
        repeat_max_times=2,
    )
    customer = make_customer(tenant)
    make_invoice(tenant, customer, "INV-1", DUE)
    day, sent = DUE, []
    while day <= DUE + timedelta(days=40):
        sent += run(tenant, local(f"{day} 10:00"))
        day += timedelta(days=1)
    assert [d.repeat for d in sent] == [0, 1, 2]


def test_paid_invoice_gets_no_further_reminders(tenant, customer):
    make_invoice(tenant, customer, "INV-1", DUE)
    run(tenant, local("2026-03-17 10:00"))
    ledger.record_payment(tenant, customer, amount="500.00", received_on=date(2026, 3, 18))
    for day in range(18, 31):
        assert run(tenant, local(f"2026-03-{day} 10:00")) == []


def test_a_five_day_outage_sends_one_message_not_five(tenant):
    daily = [(d, "email", "overdue-polite", Tone.REMINDER) for d in range(1, 6)]
    make_workflow(tenant, daily, name="Daily")
    customer = make_customer(tenant)
    make_invoice(tenant, customer, "INV-1", DUE)
    run(tenant, local("2026-03-20 10:00"))
    sent = run(tenant, local("2026-03-25 10:00"))  # nothing ran on days +1 … +4
    assert len(sent) == 1
    rows = list(Dispatch.objects.filter(tenant=tenant).values_list("status", flat=True))
    assert sorted(rows) == ["sent"] + ["skipped"] * 4
    assert run(tenant, local("2026-03-25 15:00")) == []


def test_an_invoice_imported_long_overdue_gets_the_latest_step_and_no_skipped_records(
    tenant, customer
):
    invoice = make_invoice(tenant, customer, "INV-1", DUE)
    Invoice.objects.filter(pk=invoice.pk).update(created_at=local("2026-04-07 12:00"))
    sent = run(tenant, local("2026-04-08 10:00"))
    assert [d.template_key for d in sent] == ["overdue-firm"]
    assert not Dispatch.objects.filter(status=DispatchStatus.SKIPPED).exists()


def test_a_sweep_with_nothing_new_rewrites_no_invoice(tenant, customer):
    make_invoice(tenant, customer, "INV-1", DUE)
    make_invoice(tenant, customer, "INV-2", DUE + timedelta(days=1))
    first = sweep.sweep(tenant, local("2026-03-17 10:00"))
    assert first.changed
    again = sweep.plan(tenant, local("2026-03-17 10:01"))
    assert again.changed == set() and again.due == []


def test_another_tenants_sweep_never_touches_this_tenant(tenant, other_tenant, customer):
    make_invoice(tenant, customer, "INV-1", DUE)
    sweep.sweep(other_tenant, local("2026-03-17 10:00"))
    assert not Dispatch.objects.exists()


def test_run_sweep_dry_run_writes_nothing(tenant, customer, capsys):
    make_invoice(tenant, customer, "INV-1", DUE)
    call_command("run_sweep", tenant="acme", now="2026-03-17T10:00:00+01:00", dry_run=True)
    assert "courtesy-before-due" in capsys.readouterr().out
    assert not Dispatch.objects.exists()
    call_command("run_sweep", tenant="acme", now="2026-03-17T10:00:00+01:00")
    assert Dispatch.objects.filter(status=DispatchStatus.QUEUED).count() == 1


# --- the send window ---------------------------------------------------------------------


def test_reminders_wait_for_the_window_in_each_customers_time_zone(tenant, workflow):
    berlin = make_customer(tenant, "C-BER")
    new_york = make_customer(tenant, "C-NYC", time_zone="America/New_York", country="US")
    make_invoice(tenant, berlin, "INV-B", DUE)
    make_invoice(tenant, new_york, "INV-N", DUE)
    now = local("2026-03-17 09:30")  # 04:30 in New York
    sweep.sweep(tenant, now)
    send_after = dict(
        Dispatch.objects.filter(tenant=tenant).values_list("customer__external_id", "send_after")
    )
    assert send_after["C-BER"] == now
    assert send_after["C-NYC"] == local("2026-03-17 09:00", "America/New_York")
    assert [d.customer_id for d in run(tenant, now)] == [berlin.pk]
    assert [d.customer_id for d in run(tenant, local("2026-03-17 09:01", "America/New_York"))] == [
        new_york.pk
    ]


def test_weekend_moves_to_monday_morning_across_the_daylight_saving_change(tenant, workflow):
    customer = make_customer(tenant)
    # Due Monday 30 March; the courtesy step falls on Friday 27th. Clocks go forward on the
    # Sunday between, so Monday 09:00 is 07:00 UTC while Friday 09:00 was 08:00 UTC.
    make_invoice(tenant, customer, "INV-1", date(2026, 3, 30))
    sweep.sweep(tenant, local("2026-03-27 18:00"))  # after Friday's window closed
    dispatch = Dispatch.objects.get(tenant=tenant)
    assert dispatch.send_after == local("2026-03-30 09:00")
    assert dispatch.send_after.utcoffset() is not None
    assert dispatch.send_after.hour == 7


def test_public_holidays_of_the_customers_country_are_skipped(tenant, workflow):
    german = make_customer(tenant, "C-DE", country="DE")
    american = make_customer(tenant, "C-US", time_zone="America/New_York", country="US")
    # 1 May 2026 is a Friday: Labour Day in Germany, a working day in the United States.
    make_invoice(tenant, german, "INV-D", date(2026, 5, 4))
    make_invoice(tenant, american, "INV-U", date(2026, 5, 4))
    sweep.sweep(tenant, local("2026-05-01 06:00", "America/New_York"))
    send_after = dict(
        Dispatch.objects.filter(tenant=tenant).values_list("customer__external_id", "send_after")
    )
    assert send_after["C-DE"] == local("2026-05-04 09:00")
    assert send_after["C-US"] == local("2026-05-01 09:00", "America/New_York")


# --- holds ---------------------------------------------------------------------------------


def test_open_dispute_pauses_reminders_and_they_resume_after(tenant, customer):
    invoice = make_invoice(tenant, customer, "INV-1", DUE)
    dispute = Dispute.objects.create(tenant=tenant, invoice=invoice, reason="Wrong quantity")
    for day in range(17, 31):
        assert run(tenant, local(f"2026-03-{day} 10:00")) == []
    dispute.status = Dispute.Status.RESOLVED
    dispute.save()
    sent = run(tenant, local("2026-03-31 10:00"))
    # Caught up with the latest step only (day +7), never a burst of the missed ones.
    assert [d.template_key for d in sent] == ["overdue-polite"]


def test_promise_to_pay_pauses_reminders_until_the_promised_day_has_passed(tenant, customer):
    make_invoice(tenant, customer, "INV-1", DUE)
    PromiseToPay.objects.create(tenant=tenant, customer=customer, promised_on=date(2026, 3, 30))
    for day in range(17, 32):
        assert run(tenant, local(f"2026-03-{day} 10:00")) == []
    sent = run(tenant, local("2026-04-01 10:00"))
    assert [d.template_key for d in sent] == ["overdue-polite"]


def test_paused_customer_resumes_after_the_pause(tenant, customer):
    customer.reminders_paused_until = date(2026, 3, 25)
    customer.save()
    make_invoice(tenant, customer, "INV-1", DUE)
    for day in range(17, 26):
        assert run(tenant, local(f"2026-03-{day} 10:00")) == []
    assert [d.template_key for d in run(tenant, local("2026-03-26 10:00"))] == ["due-today"]


def test_a_waiting_reminder_whose_invoice_moved_on_is_overtaken_and_the_others_wait(tenant):
    steps = [
        (0, "email", "due-today", Tone.COURTESY),
        (1, "email", "overdue-polite", Tone.REMINDER),
    ]
    workflow = make_workflow(tenant, steps, name="Per invoice", per_invoice=True)
    workflow.steps.filter(offset_days=1).update(min_amount=Decimal("100.00"))
    customer = make_customer(tenant)
    moving = make_invoice(tenant, customer, "INV-1", DUE)
    small = make_invoice(tenant, customer, "INV-2", DUE, "50.00")
    # Before the send window opens each morning: nothing leaves in between.
    sweep.sweep(tenant, local("2026-03-20 07:00"))
    sweep.sweep(tenant, local("2026-03-21 07:00"))

    rows = Dispatch.objects.filter(tenant=tenant)
    found = {(d.lines.get().invoice_id, d.template_key): (d.status, d.reason) for d in rows}
    assert found == {
        (moving.pk, "due-today"): (DispatchStatus.SKIPPED, "overtaken by a later step"),
        (moving.pk, "overdue-polite"): (DispatchStatus.PLANNED, ""),
        (small.pk, "due-today"): (DispatchStatus.PLANNED, ""),
    }
