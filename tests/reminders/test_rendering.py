"""Rendering reminder templates: the variables, the filters, the sandbox and the checks."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from collections_app.models import PromiseToPay
from kapittx.models import Tenant
from receivables import ledger
from receivables.models import Contact, Customer
from reminders.messages.context import build_context, sample_context
from reminders.messages.render import pick_template, render
from reminders.messages.sandbox import TemplateError
from reminders.messages.templates import save_template
from reminders.models import ReminderSettings, Template
from reminders.setup.library import KEYS

TODAY = date(2026, 3, 30)
PORTAL = "https://pay.kapittx.example/p/4f9c2a7e1b3d4c5a8e6f0a1b2c3d4e5f"


def make_customer(tenant, name: str = "Brandt Maschinenbau GmbH", language: str = "en"):
    customer = Customer.objects.create(
        tenant=tenant, external_id="C-100", name=name, currency="EUR", language=language
    )
    contact = Contact.objects.create(
        tenant=tenant,
        customer=customer,
        name="Jana Brandt",
        email="ap@brandt.test",
        phone="+4930123456",
    )
    return customer, contact


def bill(tenant, customer, number: str, due: date, amount: str, currency: str = "EUR"):
    return ledger.create_invoice(
        tenant,
        customer,
        number=number,
        issue_date=date(2026, 1, 5),
        due_date=due,
        subtotal=Decimal(amount),
        currency=currency,
    )


@pytest.fixture
def account(tenant):
    """A customer owing on two invoices, one of them partly paid: 1,000.00 of which 400 paid."""
    customer, contact = make_customer(tenant)
    first = bill(tenant, customer, "INV-2026-001", date(2026, 3, 2), "1000.00")
    second = bill(tenant, customer, "INV-2026-002", date(2026, 4, 2), "250.00")
    ledger.record_payment(
        tenant,
        customer,
        amount="400.00",
        received_on=date(2026, 3, 10),
        splits=[ledger.Split(first, Decimal("400.00"))],
    )
    first.refresh_from_db()
    second.refresh_from_db()
    return customer, contact, [first, second]


def context_for(tenant, account, **overrides):
    customer, contact, invoices = account
    options = dict(
        tenant=tenant,
        customer=customer,
        invoices=invoices,
        contact=contact,
        today=TODAY,
        portal_url=PORTAL,
    )
    options.update(overrides)
    return build_context(**options)


# --- the library against a real account ---------------------------------------------------


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("key", KEYS)
def test_every_library_template_renders_for_a_real_customer(tenant, account, key, language):
    template = pick_template(tenant, key, language)
    assert template.language == language

    message = render(template, context_for(tenant, account))

    assert message.subject and "\n" not in message.subject
    assert message.body_text and message.voice_script
    assert "INV-2026-001" in message.body_text
    balance = "600.00 EUR" if language == "en" else "600,00 EUR"
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

    owed, total = ("600.00", "1,000.00") if language == "en" else ("600,00", "1.000,00")
    assert f"{owed} EUR" in message.body_html
    assert f"{owed} EUR" in message.body_text
    assert total not in message.body_html + message.body_text + message.short_text
    assert ("850.00 EUR" if language == "en" else "850,00 EUR") in message.body_text


@pytest.mark.parametrize(
    ("key", "language", "expected"),
    [
        (
            "promise-due",
            "en",
            "you would pay by March 27, 2026. The amount you mentioned was 500.00 EUR.",
        ),
        (
            "promise-due",
            "de",
            "dass Sie bis zum 27. März 2026 bezahlen werden. Genannt hatten "
            "Sie einen Betrag von 500,00 EUR.",
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


# --- escaping --------------------------------------------------------------------------------


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


# --- checking templates before they are saved ----------------------------------------------


def draft(tenant, **parts) -> Template:
    return Template(tenant=tenant, key="custom", language="en", name="Custom", **parts)


def test_an_unknown_variable_is_refused_by_name_and_nothing_is_saved(tenant):
    before = Template.objects.count()
    with pytest.raises(ValidationError) as caught:
        save_template(draft(tenant, subject="Hi {{ customer.name }}", body_text="Hi {{ foo }}"))
    assert caught.value.message_dict == {
        "body_text": ["Unknown variable: 'foo' is undefined (line 1)"]
    }
    assert Template.objects.count() == before


def test_a_misspelt_field_names_the_variable_and_the_line(tenant):
    with pytest.raises(TemplateError) as caught:
        save_template(draft(tenant, body_html="<p>Hello</p>\n<p>{{ customer.nmae }}</p>"))
    assert caught.value.message_dict["body_html"] == [
        "Unknown variable: customer has no field 'nmae' (line 2)"
    ]


def test_a_syntax_error_is_refused_with_its_line(tenant):
    with pytest.raises(TemplateError) as caught:
        save_template(draft(tenant, short_text="Hi\n{% if totals %}\n{{ totals|money }"))
    (reason,) = caught.value.message_dict["short_text"]
    assert reason.startswith("Syntax error on line 3:")


def test_an_unknown_filter_is_refused(tenant):
    with pytest.raises(TemplateError, match="No filter named 'shout'"):
        save_template(draft(tenant, subject="{{ customer.name|shout }}"))


def test_every_failing_part_is_reported(tenant):
    with pytest.raises(TemplateError) as caught:
        save_template(draft(tenant, subject="{{ nope }}", voice_script="{% for %}"))
    assert set(caught.value.message_dict) == {"subject", "voice_script"}


def test_a_template_that_needs_a_single_currency_is_refused(tenant):
    # total_due is empty for customers billed in two currencies; totals always works.
    with pytest.raises(TemplateError, match="several currencies"):
        save_template(draft(tenant, body_text="You owe {{ total_due|money }}."))
    save_template(draft(tenant, body_text="You owe {{ totals|money }}."))


def test_a_valid_template_is_saved_with_a_fresh_timestamp(tenant):
    template = save_template(draft(tenant, subject="Hi {{ customer.name }}"))
    template.refresh_from_db()
    assert template.pk and template.updated_at


def test_a_duplicate_key_and_language_is_a_field_error_not_a_crash(tenant):
    save_template(draft(tenant, subject="One"))
    with pytest.raises(ValidationError):
        save_template(draft(tenant, subject="Two"))


# --- the sandbox -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "{{ customer.__class__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ invoices[0].__init__.__globals__ }}",
        "{{ money.__globals__ }}",
        "{{ customer._meta }}",
        "{{ cycler.__init__.__globals__.os }}",
    ],
)
def test_the_sandbox_refuses_reaching_into_python(tenant, source):
    with pytest.raises(TemplateError) as caught:
        save_template(draft(tenant, body_text=source))
    (reason,) = caught.value.message_dict["body_text"]
    assert reason.startswith(("Not allowed:", "Unknown variable:"))


def test_the_sandbox_refuses_when_rendering_too(tenant, account):
    template = draft(tenant, body_text="{{ customer.__class__.__mro__ }}")
    with pytest.raises(TemplateError, match="unsafe"):
        render(template, context_for(tenant, account))


@pytest.mark.parametrize("source", ["{{ 'x' * 100000000 }}", "{{ 9 ** 9999999 }}"])
def test_the_sandbox_refuses_runaway_sizes(tenant, source):
    with pytest.raises(TemplateError, match="Not allowed"):
        save_template(draft(tenant, body_text=source))


def test_templates_see_snapshots_not_model_rows(tenant, account):
    context = context_for(tenant, account)
    assert not hasattr(context["customer"], "pk")
    assert not hasattr(context["invoices"][0], "customer")


# --- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("en", "EUR", "1,234,567.50 EUR"),
        ("de", "EUR", "1.234.567,50 EUR"),
        ("de-AT", "EUR", "1.234.567,50 EUR"),
        ("nl", "EUR", "1.234.567,50 EUR"),
        ("fr", "EUR", "1\xa0234\xa0567,50 EUR"),
        ("en", "JPY", "1,234,568 JPY"),
        ("xx", "USD", "1,234,567.50 USD"),
    ],
)
def test_money_follows_the_customers_language(language, currency, expected):
    template = Template(language=language, body_text="{{ amount|money(currency) }}")
    context = {**sample_context(language), "amount": Decimal("1234567.50"), "currency": currency}
    assert render(template, context).body_text == expected


@pytest.mark.parametrize(
    ("language", "style", "expected"),
    [
        ("en", "long", "March 2, 2026"),
        ("de", "long", "2. März 2026"),
        ("de", "short", "02.03.2026"),
        ("fr", "long", "2 mars 2026"),
    ],
)
def test_dates_follow_the_customers_language(language, style, expected):
    template = Template(language=language, body_text="{{ day|date(style) }}")
    context = {**sample_context(language), "day": date(2026, 3, 2), "style": style}
    assert render(template, context).body_text == expected


def test_the_customers_regional_format_is_kept_in_a_template_of_its_language(tenant, account):
    customer, contact, invoices = account
    customer.language = "de-CH"
    message = render(pick_template(tenant, "overdue-polite", "de-CH"), context_for(tenant, account))
    assert "Offen gesamt: 850,00 EUR" in message.body_text
    swiss = Template(language="de", body_text="{{ 1000|money('EUR') }}")
    assert render(swiss, context_for(tenant, account)).body_text == "1\xa0000,00 EUR"


def test_a_fallback_template_formats_numbers_in_its_own_language(tenant, account):
    customer, contact, invoices = account
    customer.language = "fr"
    message = render(pick_template(tenant, "overdue-polite", "fr"), context_for(tenant, account))
    assert "Total due: 850.00 EUR" in message.body_text


@pytest.mark.parametrize("amount", ["0.005", "0.015", "2.675"])
def test_money_rounds_half_up_rather_than_cutting(amount):
    template = Template(language="en", body_text="{{ amount|money('EUR') }}")
    context = {**sample_context("en"), "amount": Decimal(amount)}
    expected = str(Decimal(amount).quantize(Decimal("0.01"), "ROUND_HALF_UP"))
    assert render(template, context).body_text == f"{expected} EUR"


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
        Template(tenant=tenant, key=key, language=language, name=key, subject=subject)
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
