"""The gate applies the contact rules to what is due: days between reminders, opt-outs and
do-not-contact, each blocked reminder with its reason."""

from datetime import date, timedelta

from reminders.models import Dispatch, DispatchStatus, ReminderSettings, Tone
from reminders.outbox import sweep
from tests.reminders.scenario import local, make_customer, make_invoice, make_workflow, run

DUE = date(2026, 3, 20)  # a Friday


def test_a_customer_is_left_alone_for_the_days_between_reminders(tenant, customer):
    ReminderSettings.objects.filter(tenant=tenant).update(min_days_between=3)
    make_invoice(tenant, customer, "INV-1", DUE)  # courtesy on Tuesday 17 March
    make_invoice(tenant, customer, "INV-2", DUE + timedelta(days=2))  # on Thursday 19th
    [tuesday] = run(tenant, local("2026-03-17 10:00"))
    # The worker stamps the wall clock; this scenario's clock says Tuesday.
    Dispatch.objects.filter(pk=tuesday.pk).update(sent_at=local("2026-03-17 10:00"))
    assert run(tenant, local("2026-03-19 10:00")) == []
    waiting = Dispatch.objects.get(tenant=tenant, status=DispatchStatus.PLANNED)
    assert waiting.send_after == local("2026-03-20 09:00")
    assert waiting.reason == "3 days between reminders; the last one left on 17 Mar"
    # Friday: three days after Tuesday, Thursday's reminder speaks with Friday's own, in
    # Friday's firmer words: one message about both invoices.
    [friday] = run(tenant, local("2026-03-20 10:00"))
    friday.refresh_from_db()
    assert friday.template_key == "due-today" and friday.pk == waiting.pk
    assert set(friday.lines.values_list("invoice__number", flat=True)) == {"INV-1", "INV-2"}
    assert "INV-1" in friday.body_text and "INV-2" in friday.body_text


def test_reminders_of_one_day_go_together_and_tasks_do_not_count(tenant):
    make_workflow(
        tenant,
        [
            (-3, "email", "courtesy-before-due", Tone.COURTESY),
            (-3, "sms", "courtesy-before-due", Tone.COURTESY),
        ],
        name="Email and SMS",
    )
    customer = make_customer(tenant)
    ReminderSettings.objects.filter(tenant=tenant).update(min_days_between=5)
    # The team called the customer yesterday: a task, not a reminder the customer got.
    Dispatch.objects.create(
        tenant=tenant,
        key="call",
        customer=customer,
        channel="task",
        tone=Tone.FINAL,
        template_key="call-customer",
        status=DispatchStatus.SENT,
        due_at=local("2026-03-16 10:00"),
        send_after=local("2026-03-16 10:00"),
        sent_at=local("2026-03-16 10:00"),
    )
    make_invoice(tenant, customer, "INV-1", DUE)
    sweep.sweep(tenant, local("2026-03-17 07:00"))
    # The SMS of the step waits until the afternoon (its provider was busy, say).
    Dispatch.objects.filter(tenant=tenant, channel="sms").update(
        send_after=local("2026-03-17 14:00")
    )
    [morning] = run(tenant, local("2026-03-17 10:00"))
    assert morning.channel == "email"
    Dispatch.objects.filter(pk=morning.pk).update(sent_at=local("2026-03-17 10:00"))
    # The day's other reminder still goes that day, days between reminders or not.
    [afternoon] = run(tenant, local("2026-03-17 14:00"))
    assert (afternoon.channel, afternoon.template_key) == ("sms", "courtesy-before-due")


def test_customer_opted_out_of_the_channel_is_blocked_with_the_reason(tenant, customer):
    customer.opted_out_channels = ["email"]
    customer.save()
    make_invoice(tenant, customer, "INV-1", DUE)
    assert run(tenant, local("2026-03-17 10:00")) == []
    dispatch = Dispatch.objects.get(tenant=tenant)
    assert dispatch.status == DispatchStatus.BLOCKED
    assert "opted out" in dispatch.reason


def test_contact_opted_out_of_sms_is_not_texted(tenant):
    make_workflow(tenant, [(0, "sms", "due-today", Tone.COURTESY)], name="SMS")
    customer = make_customer(tenant)
    customer.contacts.update(opted_out_channels=["sms"])
    make_invoice(tenant, customer, "INV-1", DUE)
    assert run(tenant, local("2026-03-20 10:00")) == []
    assert Dispatch.objects.get(tenant=tenant).status == DispatchStatus.BLOCKED


def test_do_not_contact_customer_gets_nothing(tenant, customer):
    customer.do_not_contact = True
    customer.save()
    make_invoice(tenant, customer, "INV-1", DUE)
    for day in range(17, 31):
        assert run(tenant, local(f"2026-03-{day} 10:00")) == []
    assert not Dispatch.objects.filter(tenant=tenant, status=DispatchStatus.SENT).exists()


def test_do_not_contact_set_after_planning_blocks_the_pending_reminder(tenant, customer):
    make_invoice(tenant, customer, "INV-1", DUE)
    sweep.sweep(tenant, local("2026-03-17 07:00"))
    customer.do_not_contact = True
    customer.save()
    assert run(tenant, local("2026-03-17 10:00")) == []
    assert Dispatch.objects.get(tenant=tenant).status == DispatchStatus.BLOCKED
