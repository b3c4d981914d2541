"""The contact decision for one reminder about to leave: allowed, deferred to the next moment
the rules allow (with why), blocked (with why) or cancelled, in the customer's own days."""

from datetime import date, time

import pytest

from collections_app.rules.decision import Action, Decision, Facts, Rules, decide
from collections_app.rules.windows import SendWindow
from receivables.models import Customer
from tests.reminders.scenario import local, make_customer

NINE_TO_FIVE = SendWindow(frozenset({1, 2, 3, 4, 5}), time(9), time(17))
RULES = Rules(NINE_TO_FIVE)
TUESDAY_10 = local("2026-03-17 10:00")  # Berlin, the tenant's zone
LABELS = {"email": "Email", "sms": "SMS", "task": "Task"}
POINTS = {"email": "email", "sms": "phone", "task": None}


def facts(**changes) -> Facts:
    known = {"open_invoices": {1, 2}, "disputed": set(), "promised_on": None, "last_sent": None}
    known.update(changes)
    return Facts(
        open_invoices=frozenset(known["open_invoices"]),
        disputed=frozenset(known["disputed"]),
        promised_on=known["promised_on"],
        last_sent=known["last_sent"],
    )


def decision(customer: Customer, *, channel="email", rules=RULES, now=TUESDAY_10, **known):
    customer = (
        Customer.objects.select_related("tenant").prefetch_related("contacts").get(pk=customer.pk)
    )
    return decide(
        customer,
        channel=channel,
        channel_label=LABELS[channel],
        point=POINTS[channel],
        facts=facts(**known),
        rules=rules,
        now=now,
    )


def defer(reason: str, until: str, zone: str = "Europe/Berlin") -> Decision:
    return Decision(Action.DEFER, reason, local(until, zone))


@pytest.fixture
def customer(tenant) -> Customer:
    return make_customer(tenant)


def test_a_reminder_inside_the_window_with_nothing_against_it_is_allowed(customer):
    assert decision(customer) == Decision(Action.ALLOW)


def test_a_reminder_whose_invoices_are_all_settled_is_cancelled(customer):
    customer.do_not_contact = True  # nothing to chase outweighs every other rule
    customer.save()
    assert decision(customer, open_invoices=set()) == Decision(Action.CANCEL, "nothing left to pay")


def test_a_do_not_contact_customer_is_blocked_whatever_else_holds(customer):
    customer.do_not_contact = True
    customer.reminders_on_hold = True
    customer.save()
    assert decision(customer, disputed={1, 2}) == Decision(
        Action.BLOCK, "customer is marked do-not-contact"
    )


def test_a_customer_who_opted_out_of_a_channel_is_blocked_on_it_only(customer):
    customer.opted_out_channels = ["sms"]
    customer.save()
    assert decision(customer, channel="sms") == Decision(Action.BLOCK, "customer opted out of SMS")
    assert decision(customer, channel="email") == Decision(Action.ALLOW)


def test_a_reminder_no_contact_can_receive_on_its_channel_is_blocked(customer):
    customer.contacts.update(phone="", whatsapp="")
    assert decision(customer, channel="sms") == Decision(Action.BLOCK, "no usable SMS contact")
    customer.contacts.update(email="")
    assert decision(customer) == Decision(Action.BLOCK, "no usable Email contact")


def test_a_task_for_the_team_needs_no_contact_of_the_customer(customer):
    customer.contacts.all().delete()
    assert decision(customer, channel="task") == Decision(Action.ALLOW)


def test_a_hold_set_by_a_member_defers_a_day_at_a_time_with_its_reason(customer):
    customer.reminders_on_hold = True
    customer.reminders_hold_reason = "Replied: asked for a copy"
    customer.save()
    assert decision(customer) == defer("Replied: asked for a copy", "2026-03-18 10:00")
    customer.reminders_hold_reason = ""
    customer.save()
    assert decision(customer) == defer("on hold", "2026-03-18 10:00")


def test_a_pause_defers_to_the_first_window_after_its_last_day(customer):
    customer.reminders_paused_until = date(2026, 3, 18)
    customer.save()
    assert decision(customer) == defer("paused", "2026-03-19 09:00")


def test_a_promise_defers_to_the_first_window_after_its_day_of_grace(customer):
    assert decision(customer, promised_on=date(2026, 3, 17)) == defer(
        "promise to pay in force", "2026-03-19 09:00"
    )
    assert decision(customer, promised_on=date(2026, 3, 15)) == Decision(Action.ALLOW)


def test_a_hold_ending_on_a_weekend_resumes_in_the_tenants_window(customer):
    customer.reminders_paused_until = date(2026, 3, 19)  # to Thursday: Friday is free
    customer.save()
    weekends = Rules(SendWindow(frozenset({6, 7}), time(10), time(12)))
    assert decision(customer, rules=weekends) == defer("paused", "2026-03-21 10:00")


def test_a_hold_ending_before_a_holiday_resumes_after_it(customer):
    customer.reminders_paused_until = date(2026, 4, 30)  # Friday 1 May is Labour Day
    customer.save()
    assert decision(customer, now=local("2026-04-28 10:00")) == defer("paused", "2026-05-04 09:00")


def test_a_reminder_all_of_whose_invoices_are_disputed_waits_a_day(customer):
    assert decision(customer, disputed={1, 2}) == defer(
        "every invoice is disputed", "2026-03-18 10:00"
    )


def test_a_reminder_with_an_undisputed_invoice_left_still_goes(customer):
    assert decision(customer, disputed={2}) == Decision(Action.ALLOW)


def test_a_tenant_that_switched_sending_off_gets_its_reminders_deferred_not_dropped(customer):
    off = Rules(NINE_TO_FIVE, sending_enabled=False)
    assert decision(customer, rules=off) == defer("sending is switched off", "2026-03-18 10:00")


def test_a_customer_is_left_alone_for_the_days_between_reminders(customer):
    gap = Rules(NINE_TO_FIVE, gap_days=3)
    monday = local("2026-03-16 16:30")
    assert decision(customer, rules=gap, last_sent=monday) == defer(
        "3 days between reminders; the last one left on 16 Mar", "2026-03-19 09:00"
    )
    # Thursday is three days after Monday: the customer may hear from us again.
    thursday = local("2026-03-19 09:30")
    assert decision(customer, rules=gap, last_sent=monday, now=thursday) == Decision(Action.ALLOW)


def test_another_reminder_of_the_same_day_goes_despite_the_days_between(customer):
    gap = Rules(NINE_TO_FIVE, gap_days=3)
    this_morning = local("2026-03-17 09:05")
    assert decision(customer, rules=gap, last_sent=this_morning) == Decision(Action.ALLOW)


def test_days_between_reminders_do_not_hold_back_a_task_or_apply_when_not_asked_for(customer):
    yesterday = local("2026-03-16 10:00")
    gap = Rules(NINE_TO_FIVE, gap_days=3)
    assert decision(customer, channel="task", rules=gap, last_sent=yesterday) == Decision(
        Action.ALLOW
    )
    assert decision(customer, last_sent=yesterday) == Decision(Action.ALLOW)
    assert decision(customer, rules=gap, last_sent=None) == Decision(Action.ALLOW)


def test_outside_the_window_a_reminder_waits_for_it_to_open(customer):
    assert decision(customer, now=local("2026-03-17 18:00")) == defer(
        "outside the send window", "2026-03-18 09:00"
    )


def test_the_days_are_the_customers_own(tenant):
    auckland = make_customer(tenant, "C-NZ", time_zone="Pacific/Auckland", country="NZ")
    auckland.reminders_paused_until = date(2026, 3, 17)
    auckland.save()
    # 20:30 UTC on the 17th is 09:30 on the 18th in Auckland: the pause is over there, and
    # its window is open, though Berlin's closed hours ago.
    now = local("2026-03-17 20:30", "UTC")
    assert decision(auckland, now=now) == Decision(Action.ALLOW)
    # Sent at 23:00 on the 17th in Auckland (10:00 UTC): the same day as now in UTC, but
    # yesterday for the customer, who is left alone until the 19th, their time.
    sent = local("2026-03-17 23:00", "Pacific/Auckland")
    assert decision(auckland, rules=Rules(NINE_TO_FIVE, gap_days=2), last_sent=sent, now=now) == (
        defer(
            "2 days between reminders; the last one left on 17 Mar",
            "2026-03-19 09:00",
            "Pacific/Auckland",
        )
    )


def test_a_customer_without_a_country_keeps_the_tenants_holidays(tenant):
    customer = make_customer(tenant, "C-0", country="")
    labour_day = local("2026-05-01 10:00")  # a German holiday; the tenant is in Germany
    assert decision(customer, now=labour_day) == defer(
        "outside the send window", "2026-05-04 09:00"
    )
    american = make_customer(tenant, "C-US", country="US")
    assert decision(american, now=labour_day) == Decision(Action.ALLOW)
