"""Rendering a reminder: the library against a real account, escaping, blank lines, and
choosing the template by key and language."""

from datetime import date
from decimal import Decimal

import pytest

from collections_app.models import PromiseToPay
from kapittx.models import Tenant
from reminders.messages.context import build_context
from reminders.messages.render import pick_template, render
from reminders.messages.templates import save_template
from reminders.models import ReminderSettings, Template
from reminders.setup.library import KEYS
from tests.reminders.messages.sample import PORTAL, TODAY, bill, context_for, draft, make_customer


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("key", KEYS)
def test_every_library_template_renders_for_a_real_customer(tenant, account, key, language):
    template = pick_template(tenant, key, language)
    assert template.language == language

    message = render(template, context_for(tenant, account))

    assert message.subject and "\n" not in message.subject
    assert message.body_text and message.voice_script
    assert "INV-2026-001" in message.body_text
    balance = "€600.00" if language == "en" else "600,00\xa0€"
    assert balance in message.body_text
    assert "http" not in message.voice_script
    if key != "call-customer":
        assert balance in message.body_html
        assert PORTAL in message.body_html and PORTAL in message.short_text
        assert "#0f5bd8" in message.body_html
        assert len(message.short_text) <= 320


@pytest.mark.parametrize("language", ["en", "de"])
def test_library_emails_say_how_to_pay_once_the_tenant_has_said_it(tenant, account, language):
    template = pick_template(tenant, "overdue-polite", language)
    before = render(template, context_for(tenant, account))
    assert "IBAN" not in before.body_text and "IBAN" not in before.body_html

    Tenant.objects.filter(pk=tenant.pk).update(
        payment_instructions="Bank transfer: IBAN DE89 3704 0044 0532 0130 00\n"
        "Quote <the invoice number>"
    )
    tenant.refresh_from_db()
    message = render(template, context_for(tenant, account))
    assert "IBAN DE89 3704 0044 0532 0130 00\nQuote <the invoice number>" in message.body_text
    assert (
        "IBAN DE89 3704 0044 0532 0130 00<br>\nQuote &lt;the invoice number&gt;"
        in message.body_html
    )


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_part_payment_shows_the_balance_never_the_total(tenant, account, language):
    template = pick_template(tenant, "overdue-polite", language)
    message = render(template, context_for(tenant, account))

    owed, total = ("€600.00", "1,000.00") if language == "en" else ("600,00\xa0€", "1.000,00")
    assert owed in message.body_html
    assert owed in message.body_text
    assert total not in message.body_html + message.body_text + message.short_text
    assert ("€850.00" if language == "en" else "850,00\xa0€") in message.body_text


@pytest.mark.parametrize(
    ("key", "language", "expected"),
    [
        (
            "promise-due",
            "en",
            "you would pay by March 27, 2026. The amount you mentioned was €500.00.",
        ),
        (
            "promise-due",
            "de",
            "dass Sie bis zum 27. März 2026 bezahlen werden. Genannt hatten "
            "Sie einen Betrag von 500,00\xa0€.",
        ),
        ("broken-promise", "en", "you would pay by March 27, 2026, but we have not yet"),
        ("broken-promise", "de", "dass Sie bis zum 27. März 2026 bezahlen werden, Ihre Zahlung"),
    ],
)
def test_promise_messages_name_the_promised_date(tenant, account, key, language, expected):
    customer = account[0]
    promise = PromiseToPay.objects.create(
        tenant=tenant,
        customer=customer,
        promised_on=date(2026, 3, 27),
        amount=Decimal("500.00"),
        currency="EUR",
    )
    message = render(
        pick_template(tenant, key, language), context_for(tenant, account, promise=promise)
    )
    assert expected in message.body_text
    assert expected in message.body_html


def test_html_parts_are_escaped_and_text_parts_are_not(tenant):
    customer, contact = make_customer(tenant, name="<script>alert(1)</script>")
    invoice = bill(tenant, customer, "INV-X", date(2026, 3, 1), "10.00")
    context = build_context(
        tenant=tenant,
        customer=customer,
        invoices=[invoice],
        contact=None,
        today=TODAY,
    )

    message = render(pick_template(tenant, "overdue-polite", "en"), context)

    assert "<script>" not in message.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.body_html
    assert "Dear <script>alert(1)</script>," in message.body_text


def test_a_multi_line_signature_becomes_line_breaks_in_html_only(tenant, account):
    ReminderSettings.objects.filter(tenant=tenant).update(signature="Acme <AR>\nBerlin")
    message = render(pick_template(tenant, "thank-you", "en"), context_for(tenant, account))
    assert "Acme &lt;AR&gt;<br>\nBerlin" in message.body_html
    assert "Acme <AR>\nBerlin" in message.body_text


def test_an_empty_optional_block_leaves_no_gap_in_text(tenant, account):
    message = render(
        pick_template(tenant, "overdue-polite", "en"), context_for(tenant, account, portal_url="")
    )
    assert "\n\n\n" not in message.body_text
    assert "View your account" not in message.body_text


def test_a_tag_ending_a_line_keeps_the_line_break(tenant, account):
    template = draft(
        tenant,
        body_text="A{% if contact.name %}, {{ contact.name }}{% endif %}\n\nB\n"
        "{% for invoice in invoices %}\n- {{ invoice.number }}\n{% endfor %}\nC",
    )
    text = render(template, context_for(tenant, account)).body_text
    assert text == "A, Jana Brandt\n\nB\n- INV-2026-001\n- INV-2026-002\nC"


# --- choosing the template ------------------------------------------------------------------


def add(tenant, key: str, language: str, subject: str = "x") -> Template:
    return save_template(
        Template(
            tenant=tenant, key=key, language=language, name=key, subject=subject, body_text="y"
        )
    )


def test_the_exact_language_wins(tenant):
    add(tenant, "overdue-polite", "de-AT", "Servus")
    assert pick_template(tenant, "overdue-polite", "de-AT").subject == "Servus"
    assert pick_template(tenant, "overdue-polite", "de_at").subject == "Servus"


def test_a_regional_language_falls_back_to_its_base(tenant):
    assert pick_template(tenant, "overdue-polite", "de-CH").language == "de"


def test_an_unknown_language_falls_back_to_the_tenants_then_english(tenant):
    tenant.language = "de"
    assert pick_template(tenant, "overdue-polite", "fr").language == "de"
    tenant.language = "fr"
    assert pick_template(tenant, "overdue-polite", "it").language == "en"
    assert pick_template(tenant, "overdue-polite", "").language == "en"


def test_a_missing_template_says_what_was_looked_for(tenant):
    with pytest.raises(Template.DoesNotExist, match="no template 'nope' in 'de'"):
        pick_template(tenant, "nope", "de")


def test_another_tenants_templates_are_never_used(tenant, other_tenant):
    add(other_tenant, "only-theirs", "en")
    Template.objects.filter(tenant=other_tenant, key="overdue-polite", language="de").update(
        subject="Globex only"
    )
    Template.objects.filter(tenant=tenant, key="overdue-polite", language="de").delete()

    with pytest.raises(Template.DoesNotExist):
        pick_template(tenant, "only-theirs", "en")
    picked = pick_template(tenant, "overdue-polite", "de")
    assert (picked.tenant_id, picked.language) == (tenant.pk, "en")
