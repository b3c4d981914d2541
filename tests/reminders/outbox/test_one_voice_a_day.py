"""A customer hears one voice a day: the firmest step due goes out on the channels it names,
everything else due that day is folded into it, and a message demands only what is due."""

from collections import defaultdict
from datetime import date, timedelta

from django.core.management import call_command
from django.test import TestCase

from kapittx.demo.seeding import TENANT_SLUG
from kapittx.models import Tenant
from kapittx.onboarding import create_tenant
from receivables import ledger
from reminders.models import Dispatch, DispatchInvoice, DispatchStatus, ReminderSettings, Tone
from reminders.outbox import release, send, sweep
from tests.reminders.scenario import local, make_customer, make_invoice, make_workflow

S = DispatchStatus
TODAY = date(2026, 3, 17)  # a Tuesday
MORNING = local("2026-03-17 07:00")  # before the send window opens at nine
NOW = local("2026-03-17 10:00")
#: The shape of the ready "Standard" workflow: a firm step by email and SMS, a final notice
#: by email, then a call for a member.
CADENCE = [
    (-3, "email", "courtesy-before-due", Tone.COURTESY),
    (3, "email", "overdue-polite", Tone.REMINDER),
    (10, "email", "overdue-firm", Tone.FIRM),
    (10, "sms", "overdue-firm", Tone.FIRM),
    (20, "email", "final-notice", Tone.FINAL),
    (25, "task", "call-customer", Tone.FINAL),
]


def at(offset: int) -> date:
    """The due date of an invoice that reaches ``offset`` today."""
    return TODAY - timedelta(days=offset)


def book(tenant, **invoices: int):
    """A customer on CADENCE with an invoice reaching each given offset today."""
    make_workflow(tenant, CADENCE)
    ReminderSettings.objects.filter(tenant=tenant).update(min_days_between=0)
    customer = make_customer(tenant, "C-1")
    for number, offset in invoices.items():
        make_invoice(tenant, customer, number, at(offset))
    return customer


def run(tenant, now) -> list[Dispatch]:
    """Sweep, release and send at ``now`` (the messages dated ``now`` too); return what went."""
    sweep.sweep(tenant, now)
    released: list[Dispatch] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        release.release(tenant, now, released.extend)
    outcome = send.deliver_many(tenant.pk, [d.pk for d in released], now=now)
    return [Dispatch.objects.get(pk=pk) for pk, status in outcome.items() if status == S.SENT]


def planned(tenant) -> list[Dispatch]:
    return list(Dispatch.objects.filter(tenant=tenant, status=S.PLANNED).order_by("channel"))


def lines_of(dispatch: Dispatch) -> list[tuple[str, int, str]]:
    """The slots a reminder records: (invoice, the step's day, the step's channel)."""
    return sorted(
        (line.invoice.number, line.step.offset_days, line.step.channel)
        for line in DispatchInvoice.objects.filter(dispatch=dispatch).select_related(
            "invoice", "step"
        )
    )


def test_the_final_notice_speaks_for_the_day_and_names_only_what_is_due(tenant):
    book(tenant, FINAL=20, FIRM=10, SOON=-3)
    sweep.sweep(tenant, MORNING)
    [final] = planned(tenant)
    assert (final.channel, final.template_key, final.tone) == ("email", "final-notice", Tone.FINAL)
    # The firm email and SMS and the courtesy email are folded into it.
    assert lines_of(final) == [
        ("FINAL", 20, "email"),
        ("FIRM", 10, "email"),
        ("FIRM", 10, "sms"),
        ("SOON", -3, "email"),
    ]

    [sent] = run(tenant, NOW)
    sent.refresh_from_db()
    assert "FINAL" in sent.body_text and "FIRM" in sent.body_text
    # The invoice not due for three days is in no final demand, nor in its total.
    assert "SOON" not in sent.body_text and "SOON" not in sent.body_html
    assert "1,000.00" in sent.body_text and "1,500.00" not in sent.body_text


def test_a_firm_step_goes_by_each_of_its_channels_listing_the_same_invoices(tenant):
    book(tenant, FIRM=10, POLITE=3, SOON=-3)
    sweep.sweep(tenant, MORNING)
    email, sms = planned(tenant)
    assert (email.channel, sms.channel) == ("email", "sms")
    assert {email.tone, sms.tone} == {Tone.FIRM}
    # What the email and SMS steps have in common stays with each; the rest folds into the
    # email, the first of the step's channels.
    assert lines_of(email) == [("FIRM", 10, "email"), ("POLITE", 3, "email"), ("SOON", -3, "email")]
    assert lines_of(sms) == [("FIRM", 10, "sms")]

    sent = {d.channel: d for d in run(tenant, NOW)}
    for dispatch in sent.values():
        dispatch.refresh_from_db()
    # Both demand the firm and the polite invoice; the courtesy one is only "coming due".
    assert "€1,000.00 for 2 invoices" in sent["sms"].body_text
    text = sent["email"].body_text
    demand, _sep, coming = text.partition("Coming due")
    assert "FIRM" in demand and "POLITE" in demand and "SOON" not in demand
    assert "SOON" in coming and "Total due: €1,000.00" in demand


def test_what_falls_due_after_the_days_reminder_left_waits_for_the_next_day(tenant):
    customer = book(tenant, POLITE=3)
    assert [d.template_key for d in run(tenant, NOW)] == ["overdue-polite"]
    # Later that day an invoice arrives that is already at its firm step.
    make_invoice(tenant, customer, "LATE", at(10))
    assert run(tenant, local("2026-03-17 15:00")) == []
    assert not Dispatch.objects.filter(tenant=tenant, status=S.PLANNED).exists()
    # The next day it is the day's one voice.
    sent = run(tenant, local("2026-03-18 10:00"))
    assert sorted(d.template_key for d in sent) == ["overdue-firm", "overdue-firm"]
    assert {line for d in sent for line in lines_of(d)} == {
        ("LATE", 10, "email"),
        ("LATE", 10, "sms"),
    }


def test_a_firmer_step_arriving_before_the_window_opens_rewords_the_waiting_reminder(tenant):
    customer = book(tenant, POLITE=3)
    sweep.sweep(tenant, MORNING)
    [waiting] = planned(tenant)
    assert waiting.template_key == "overdue-polite"
    make_invoice(tenant, customer, "FINAL", at(20))
    sweep.sweep(tenant, local("2026-03-17 08:00"))
    [reworded] = planned(tenant)
    assert reworded.pk == waiting.pk
    assert (reworded.template_key, reworded.tone) == ("final-notice", Tone.FINAL)
    assert lines_of(reworded) == [("FINAL", 20, "email"), ("POLITE", 3, "email")]
    [sent] = run(tenant, NOW)
    sent.refresh_from_db()
    assert "POLITE" in sent.body_text and "FINAL" in sent.body_text


def test_a_waiting_reminder_on_a_channel_the_firmer_step_does_not_name_is_folded(tenant):
    customer = book(tenant, FIRM=10)
    sweep.sweep(tenant, MORNING)
    email, sms = planned(tenant)
    make_invoice(tenant, customer, "FINAL", at(20))
    sweep.sweep(tenant, local("2026-03-17 08:00"))
    [final] = planned(tenant)
    assert final.pk == email.pk and final.template_key == "final-notice"
    sms.refresh_from_db()
    assert sms.status == S.SKIPPED and "folded into a firmer reminder" in sms.reason
    # The SMS step's record of the firm invoice moved with it: still reminded once per step.
    assert lines_of(final) == [("FINAL", 20, "email"), ("FIRM", 10, "email"), ("FIRM", 10, "sms")]
    assert DispatchInvoice.objects.filter(dispatch=sms).count() == 0


def test_a_final_notice_with_nothing_due_left_is_not_sent(tenant):
    customer = book(tenant, FINAL=20, SOON=-3)
    sweep.sweep(tenant, MORNING)
    [final] = planned(tenant)
    # The overdue invoice is paid before the window opens; only one not yet due is left.
    overdue = customer.invoices.get(number="FINAL")
    ledger.record_payment(tenant, customer, amount=overdue.balance, received_on=TODAY)
    released: list[Dispatch] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        release.release(tenant, NOW, released.extend)
    outcome = send.deliver_many(tenant.pk, [d.pk for d in released], now=NOW)
    assert outcome.get(final.pk) in (S.CANCELLED, None)
    final.refresh_from_db()
    assert final.status == S.CANCELLED


def test_a_new_tenant_leaves_customers_three_days_between_reminders(db):
    tenant = create_tenant("fresh", "Fresh Ltd")
    assert ReminderSettings.objects.get(tenant=tenant).min_days_between == 3


def test_in_the_demo_each_customer_hears_one_voice_a_day_and_no_demand_names_what_is_not_due(db):
    call_command("seed_demo", today=TODAY.isoformat(), verbosity=0)
    tenant = Tenant.objects.get(slug=TENANT_SLUG)
    ReminderSettings.objects.filter(tenant=tenant).update(
        send_weekdays=[1, 2, 3, 4, 5, 6, 7],
        send_from="00:00",
        send_until="23:59:59",
        skip_public_holidays=False,
    )
    sweep.sweep(tenant, NOW)
    day = defaultdict(set)
    for dispatch in Dispatch.objects.filter(tenant=tenant, status=S.PLANNED).select_related("step"):
        day[dispatch.customer_id].add((dispatch.step.offset_days, dispatch.repeat))
    assert day, "the demo has reminders due"
    # One step speaks for each customer: its channels may be several, its day one.
    assert all(len(steps) == 1 for steps in day.values()), day
    released: list[Dispatch] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        release.release(tenant, NOW, released.extend)
    send.deliver_many(tenant.pk, [d.pk for d in released], now=NOW)
    for final in Dispatch.objects.filter(tenant=tenant, tone=Tone.FINAL, status=S.SENT):
        for line in DispatchInvoice.objects.filter(dispatch=final).select_related("invoice"):
            if line.invoice.due_date > TODAY:
                assert line.invoice.number not in final.body_text, final.key
