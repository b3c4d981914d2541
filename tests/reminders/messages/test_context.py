"""The variables a template sees: balances per currency, the contact, the sender, safe links,
and snapshots instead of model rows."""

from datetime import date
from decimal import Decimal

import pytest

from reminders.messages.render import pick_template, render
from reminders.models import ReminderSettings
from tests.reminders.messages.sample import bill, context_for, make_customer


def test_the_context_holds_balances_per_currency(tenant, account):
    customer, contact, invoices = account
    dollars = bill(tenant, customer, "INV-US-1", date(2026, 3, 1), "99.90", currency="USD")

    context = context_for(tenant, account, invoices=[*invoices, dollars])

    assert [(t.currency, t.amount) for t in context["totals"]] == [
        ("EUR", Decimal("850.00")),
        ("USD", Decimal("99.90")),
    ]
    assert context["total_due"] is None
    first = context["invoices"][0]
    assert (first.days_overdue, first.days_until_due) == (28, 0)
    assert (first.total, first.balance) == (Decimal("1000.00"), Decimal("600.00"))
    assert context["invoices"][1].days_until_due == 3
    assert context["max_days_overdue"] == 29


def test_one_currency_gives_a_single_total_due(tenant, account):
    context = context_for(tenant, account)
    assert (context["total_due"].currency, context["total_due"].amount) == ("EUR", Decimal("850"))


def test_a_missing_contact_is_an_empty_one(tenant, account):
    context = context_for(tenant, account, contact=None)
    assert (context["contact"].name, context["contact"].email, context["contact"].phone) == (
        "",
        "",
        "",
    )
    message = render(pick_template(tenant, "overdue-polite", "de"), context)
    assert message.body_text.startswith("Sehr geehrte Damen und Herren,")


def test_the_sender_falls_back_to_the_tenant_and_the_default_address(tenant, account, settings):
    settings.DEFAULT_FROM_EMAIL = "Kapittx <no-reply@kapittx.test>"
    ReminderSettings.objects.filter(tenant=tenant).delete()

    sender = context_for(tenant, account)["tenant"]

    assert (sender.name, sender.sender_name, sender.signature) == (tenant.name,) * 3
    assert sender.sender_email == sender.reply_to == "no-reply@kapittx.test"


def test_the_sender_comes_from_the_reminder_settings(tenant, account):
    ReminderSettings.objects.filter(tenant=tenant).update(
        sender_name="Acme Accounts",
        sender_email="ar@acme.test",
        reply_to="help@acme.test",
        brand_color="#aa3300",
        signature="Acme AR team",
    )
    sender = context_for(tenant, account)["tenant"]
    assert (sender.sender_name, sender.sender_email, sender.reply_to) == (
        "Acme Accounts",
        "ar@acme.test",
        "help@acme.test",
    )
    assert (sender.brand_color, sender.signature) == ("#aa3300", "Acme AR team")


def test_a_brand_colour_that_is_not_a_colour_never_reaches_the_html(tenant, account):
    ReminderSettings.objects.filter(tenant=tenant).update(brand_color='red"><x')
    assert context_for(tenant, account)["tenant"].brand_color == "#0f5bd8"


def test_only_web_links_reach_the_message(tenant, account):
    customer, contact, invoices = account
    invoices[0].document_url = "javascript:alert(1)"
    context = context_for(tenant, account, portal_url="javascript:alert(2)")
    assert context["portal_link"] == ""
    assert context["invoices"][0].document_url == ""


def test_another_tenants_rows_are_refused(tenant, other_tenant, account):
    stranger, _ = make_customer(other_tenant)
    theirs = bill(other_tenant, stranger, "G-1", date(2026, 3, 1), "10.00")
    with pytest.raises(ValueError, match="another tenant"):
        context_for(tenant, account, invoices=[theirs])


def test_templates_see_snapshots_not_model_rows(tenant, account):
    context = context_for(tenant, account)
    assert not hasattr(context["customer"], "pk")
    assert not hasattr(context["invoices"][0], "customer")
