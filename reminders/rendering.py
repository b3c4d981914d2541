"""Reminder templates: the variables they see, the Jinja2 sandbox they run in, and rendering.

Templates are written by tenant admins, so they run in Jinja2's immutable sandbox with
``StrictUndefined``: a misspelt variable is an error at save time, not a blank in a sent
message. HTML parts are autoescaped; text parts (subject, plain body, SMS, voice) are not.
Templates only ever see the plain, frozen snapshots built here, never model instances, so
a template cannot reach other rows through relations. See ``docs/templates.md``.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from email.utils import parseaddr
from functools import lru_cache
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import dateformat, formats, timezone, translation
from django.utils.numberformat import format as format_number
from django.utils.translation import check_for_language
from jinja2 import (
    StrictUndefined,
    TemplateSyntaxError,
    UndefinedError,
    pass_context,
    pass_eval_context,
)
from jinja2 import Template as JinjaTemplate
from jinja2.ext import Extension
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup, escape

from collections_app.models import PromiseToPay
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import ZERO, Contact, Customer, Invoice
from reminders.batch_memo import memo
from reminders.models import ReminderSettings, Template

#: The parts of a template, in the order they are checked; all but ``body_html`` are text.
PARTS = ("subject", "body_html", "body_text", "short_text", "voice_script")
HTML_PARTS = frozenset({"body_html"})
DEFAULT_BRAND_COLOR = "#0f5bd8"
FALLBACK_LANGUAGE = "en"
#: Currencies quoted without minor units.
ZERO_DECIMAL_CURRENCIES = frozenset({"CLP", "ISK", "JPY", "KRW", "PYG", "UGX", "VND", "XAF", "XOF"})
# Guards against a template that builds a huge string or number to exhaust a worker.
MAX_REPEAT = 10_000
MAX_EXPONENT = 100

_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class TemplateError(ValidationError):
    """A template part does not compile or render; ``message_dict`` says which and why."""


# --- the variables a template sees ---------------------------------------------------------


@dataclass(frozen=True)
class TenantFields:
    label: ClassVar[str] = "tenant"
    name: str
    sender_name: str
    sender_email: str
    reply_to: str
    brand_color: str
    signature: str
    payment_instructions: str = ""


@dataclass(frozen=True)
class CustomerFields:
    label: ClassVar[str] = "customer"
    name: str
    external_id: str
    language: str
    country: str
    currency: str
    address: str


@dataclass(frozen=True)
class ContactFields:
    label: ClassVar[str] = "contact"
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class InvoiceFields:
    label: ClassVar[str] = "invoice"
    number: str
    issue_date: date
    due_date: date
    days_overdue: int
    days_until_due: int
    total: Decimal
    balance: Decimal
    currency: str
    po_number: str = ""
    document_url: str = ""


@dataclass(frozen=True)
class Total:
    label: ClassVar[str] = "total"
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class PromiseFields:
    label: ClassVar[str] = "promise"
    promised_on: date
    amount: Decimal | None = None
    currency: str = ""


@dataclass(frozen=True)
class Rendered:
    """One template rendered for one customer."""

    subject: str = ""
    body_html: str = ""
    body_text: str = ""
    short_text: str = ""
    voice_script: str = ""


def build_context(
    *,
    tenant: Tenant,
    customer: Customer,
    invoices: Iterable[Invoice],
    contact: Contact | None = None,
    today: date,
    portal_url: str = "",
    promise: PromiseToPay | None = None,
) -> dict[str, Any]:
    """Return the documented template variables for a message to ``customer``.

    Amounts are balances, never invoice totals, so part payments show what is still owed.
    ``promise`` is given for the promise messages (``promise-due``, ``broken-promise``).
    """
    invoices = list(invoices)
    for row in (customer, contact, promise, *invoices):
        if row is not None and row.tenant_id != tenant.pk:
            # Never let a caller's slip put another tenant's data into a message.
            raise ValueError(f"{row!r} belongs to another tenant.")
    lines = [_invoice_fields(invoice, today) for invoice in invoices]
    totals = _totals(lines)
    return {
        "tenant": tenant_fields(tenant),
        "customer": CustomerFields(
            name=customer.name,
            external_id=customer.external_id,
            language=customer.language or tenant.language,
            country=customer.country,
            currency=customer.currency,
            address=customer.address,
        ),
        "contact": ContactFields(contact.name, contact.email, contact.phone)
        if contact
        else ContactFields(),
        "invoices": lines,
        "totals": totals,
        "total_due": totals[0] if len(totals) == 1 else None,
        "max_days_overdue": max((line.days_overdue for line in lines), default=0),
        "portal_link": _safe_url(portal_url),
        "today": today,
        "promise": _promise_fields(promise),
        "locale": customer.language or tenant.language or FALLBACK_LANGUAGE,
    }


def tenant_fields(tenant: Tenant) -> TenantFields:
    """Return the sender details of ``tenant``, with fallbacks when they are not set."""
    return memo(("tenant_fields", tenant.pk), lambda: _tenant_fields(tenant))


def _tenant_fields(tenant: Tenant) -> TenantFields:
    options = memo(
        ("reminder_settings", tenant.pk), lambda: scoped(ReminderSettings, tenant).first()
    )
    _, default_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    sender_name = (options.sender_name if options else "") or tenant.name
    sender_email = (options.sender_email if options else "") or default_email
    color = options.brand_color if options else ""
    return TenantFields(
        name=tenant.name,
        sender_name=sender_name,
        sender_email=sender_email,
        reply_to=(options.reply_to if options else "") or sender_email,
        # The colour lands inside style attributes; only a plain hex colour may go there.
        brand_color=color if _COLOR.match(color or "") else DEFAULT_BRAND_COLOR,
        signature=(options.signature.strip() if options else "") or sender_name,
        payment_instructions=options.payment_instructions.strip() if options else "",
    )


def _invoice_fields(invoice: Invoice, today: date) -> InvoiceFields:
    return InvoiceFields(
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        days_overdue=max((today - invoice.due_date).days, 0),
        days_until_due=max((invoice.due_date - today).days, 0),
        total=invoice.total,
        balance=invoice.balance,
        currency=invoice.currency,
        po_number=invoice.po_number,
        document_url=_safe_url(invoice.document_url),
    )


def _totals(lines: Sequence[InvoiceFields]) -> list[Total]:
    sums: dict[str, Decimal] = {}
    for line in lines:
        sums[line.currency] = sums.get(line.currency, ZERO) + line.balance
    # A currency with nothing left to pay is not "due"; a thank-you may list settled invoices.
    return [Total(currency, amount) for currency, amount in sorted(sums.items()) if amount]


def _promise_fields(promise: PromiseToPay | None) -> PromiseFields | None:
    if promise is None:
        return None
    return PromiseFields(promise.promised_on, promise.amount, promise.currency)


def _safe_url(url: str) -> str:
    # Links go into href attributes; javascript: and other schemes are dropped.
    return url if url.startswith(("https://", "http://")) else ""


def sample_context(language: str, *, currencies: Sequence[str] = ("EUR",)) -> dict[str, Any]:
    """Return a context with every documented variable set, for checks and previews."""
    today = timezone.localdate()
    lines = [
        InvoiceFields(
            number=f"INV-{1001 + n}",
            issue_date=today - timedelta(days=42),
            due_date=today - timedelta(days=12),
            days_overdue=12,
            days_until_due=0,
            total=Decimal("1500.00"),
            balance=Decimal("1234.50"),
            currency=currency,
            po_number="PO-7",
            document_url="https://example.com/invoices/1001.pdf",
        )
        for n, currency in enumerate(currencies)
    ]
    lines.append(
        InvoiceFields(
            number="INV-1100",
            issue_date=today - timedelta(days=25),
            due_date=today + timedelta(days=5),
            days_overdue=0,
            days_until_due=5,
            total=Decimal("80.00"),
            balance=Decimal("80.00"),
            currency=currencies[0],
        )
    )
    totals = _totals(lines)
    return {
        "tenant": TenantFields(
            name="Sample Supplies Ltd",
            sender_name="Sample Supplies accounts",
            sender_email="accounts@example.com",
            reply_to="accounts@example.com",
            brand_color=DEFAULT_BRAND_COLOR,
            signature="Sample Supplies accounts team\n+44 20 7946 0000",
            payment_instructions="Bank transfer to Sample Supplies Ltd\n"
            "IBAN GB33 BUKB 2020 1555 5555 55, BIC BUKBGB22\n"
            "Please quote the invoice number.",
        ),
        "customer": CustomerFields(
            name="Example Customer GmbH",
            external_id="C-1",
            language=language,
            country="DE",
            currency=currencies[0],
            address="Example Street 1\n10115 Berlin",
        ),
        "contact": ContactFields("Alex Example", "alex@example.com", "+4930123456"),
        "invoices": lines,
        "totals": totals,
        "total_due": totals[0] if len(totals) == 1 else None,
        "max_days_overdue": 12,
        "portal_link": "https://example.com/p/sample-token",
        "today": today,
        "promise": PromiseFields(today + timedelta(days=3), Decimal("500.00"), currencies[0]),
        "locale": language,
    }


# --- filters --------------------------------------------------------------------------------


def _locale(context: Context) -> str:
    language = context.get("locale") or FALLBACK_LANGUAGE
    return language if check_for_language(language) else FALLBACK_LANGUAGE


@pass_context
def money(context: Context, value: Any, currency: str = "") -> str:
    """Format an amount in the customer's language: ``1,234.50 EUR`` (en), ``1.234,50 EUR`` (de).

    Takes a number and its currency, a total (``totals`` item, ``total_due``) or a list of
    totals, which come out joined by `` + ``.
    """
    if isinstance(value, list | tuple):
        return " + ".join(money(context, item, currency) for item in value)
    if value is None:
        raise ValueError(
            "money got no amount (total_due is empty when invoices are in several "
            "currencies: loop over totals instead)"
        )
    if isinstance(value, Total):
        value, currency = value.amount, value.currency
    return _money_text(Decimal(str(value)), currency, _locale(context))


# Formatting a number or a date in a language is a pure function of its inputs, and the same
# amounts and dates recur across a message's parts and a batch's messages.
@lru_cache(maxsize=8192)
def _money_text(value: Decimal, currency: str, language: str) -> str:
    places = 0 if currency in ZERO_DECIMAL_CURRENCIES else 2
    # Django's number formatting cuts extra decimals off; money is rounded instead.
    amount = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = format_number(
        amount,
        formats.get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
        decimal_pos=places,
        grouping=formats.get_format("NUMBER_GROUPING", language, use_l10n=True),
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
        force_grouping=True,
    )
    return f"{text} {currency}".strip()


@pass_context
def format_date(context: Context, value: date | None, style: str = "long") -> str:
    """Format a date in the customer's language: long ``3. März 2026`` or short ``03.03.2026``."""
    if value is None:
        return ""
    return _date_text(value, style, _locale(context))


@lru_cache(maxsize=8192)
def _date_text(value: date, style: str, language: str) -> str:
    name = "SHORT_DATE_FORMAT" if style == "short" else "DATE_FORMAT"
    with translation.override(language):
        return dateformat.format(value, formats.get_format(name, language, use_l10n=True))


@pass_eval_context
def nl2br(eval_context: EvalContext, value: str) -> str:
    """Turn line breaks into ``<br>`` in HTML parts; leave text parts as they are."""
    if not eval_context.autoescape:
        return value
    return Markup("<br>\n").join(escape(line) for line in str(value).splitlines())


# --- the sandbox ----------------------------------------------------------------------------


class _Strict(StrictUndefined):
    """StrictUndefined whose messages name the template variable, e.g. ``customer``."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        label = getattr(type(self._undefined_obj), "label", None)
        if self._undefined_hint is None and isinstance(label, str):
            return f"{label} has no field {self._undefined_name!r}"
        return super()._undefined_message


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._safe_attributes: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # The sandbox's verdict depends only on the object's type and the attribute's name,
        # and templates read the same few fields over and over.
        key = (type(obj), attr)
        safe = self._safe_attributes.get(key)
        if safe is None:
            if len(self._safe_attributes) > 10000:  # names built inside a template
                self._safe_attributes.clear()
            safe = self._safe_attributes[key] = super().is_safe_attribute(obj, attr, value)
        return safe

    def call_binop(self, context: Context, op: str, left: Any, right: Any) -> Any:
        if op == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent {right} is too large")
        if op == "*":
            for value, times in ((left, right), (right, left)):
                repeats = isinstance(value, str | list | tuple) and isinstance(times, int)
                if repeats and len(value) * times > MAX_REPEAT:
                    raise SecurityError("the repeated text would be too long")
        return super().call_binop(context, op, left, right)


class TagLines(Extension):
    """Let a line that holds only a ``{% tag %}`` or ``{# comment #}`` leave no trace.

    Jinja's ``trim_blocks`` also eats the line break after a tag that *ends* a line of text
    (``…{% endif %}⏎``), which silently joins paragraphs; this only touches lines that hold
    nothing else. The break moves inside the tag rather than away, so error line numbers
    still match what the author sees.
    """

    _STANDALONE = re.compile(
        r"^[ \t]*(\{%[-+]?|\{#)((?:(?![%#]\}).)*?)(-?%\}|#\})[ \t]*\n", re.MULTILINE
    )

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return self._STANDALONE.sub(r"\1\2\n\3", source)


def _environment(autoescape: bool) -> _Sandbox:
    env = _Sandbox(undefined=_Strict, autoescape=autoescape, extensions=[TagLines])
    env.filters.update(money=money, date=format_date, nl2br=nl2br)
    return env


_ENVIRONMENTS = {True: _environment(autoescape=True), False: _environment(autoescape=False)}


@lru_cache(maxsize=1024)
def _compile(source: str, html: bool) -> JinjaTemplate:
    # Keyed by the source itself, so an edited template is never served stale.
    return _ENVIRONMENTS[html].from_string(source)


def _render_part(part: str, source: str, context: dict[str, Any]) -> str:
    """Render one part or raise TemplateError naming the part and the reason."""
    try:
        return _compile(source, part in HTML_PARTS).render(context)
    except TemplateSyntaxError as exc:
        kind = "Syntax error" if type(exc) is TemplateSyntaxError else "Error"
        reason = f"{kind} on line {exc.lineno}: {exc.message}"
    except SecurityError as exc:
        reason = _with_line(f"Not allowed: {str(exc).rstrip('.')}", exc)
    except UndefinedError as exc:
        reason = _with_line(f"Unknown variable: {exc}", exc)
    except (ArithmeticError, TypeError, ValueError, LookupError) as exc:
        reason = _with_line(f"Cannot render: {exc}", exc)
    raise TemplateError({part: [reason]})


def _with_line(reason: str, exc: BaseException) -> str:
    # Jinja rewrites tracebacks so template frames carry the template's own line numbers.
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return f"{reason} (line {line})" if line else reason


# --- checking, saving, choosing and rendering templates ------------------------------------


def validate_template(template: Template) -> None:
    """Render every non-empty part against sample data; raise TemplateError if any fails.

    Two samples are used — one currency and several — so a template that only works when
    ``total_due`` is set is caught before it meets a customer billed in two currencies.
    """
    errors = {}
    for part in PARTS:
        source = getattr(template, part)
        if source and (reason := _check_part(part, source, template.language)):
            errors[part] = [reason]
    if errors:
        raise TemplateError(errors)


# Cached because every new tenant saves the same library texts; the samples only change
# with the date, which no template's validity depends on.
@lru_cache(maxsize=2048)
def _check_part(part: str, source: str, language: str) -> str | None:
    """Return why ``source`` fails against the sample contexts, or None if it renders."""
    for currencies in (("EUR",), ("EUR", "USD")):
        try:
            _render_part(part, source, sample_context(language, currencies=currencies))
        except TemplateError as exc:
            return exc.message_dict[part][0]
    return None


def save_template(template: Template) -> Template:
    """Check the fields and every part, then save; the one way templates are written."""
    template.full_clean()
    validate_template(template)
    template.updated_at = timezone.now()
    template.save()
    return template


def language_candidates(language: str, tenant_language: str) -> list[str]:
    """Return the languages to try, best first: exact, its base, the tenant's, then English."""
    wanted = []
    for code in (language, tenant_language, FALLBACK_LANGUAGE):
        code = _normal(code)
        for candidate in (code, code.split("-")[0]):
            if candidate and candidate not in wanted:
                wanted.append(candidate)
    return wanted


def _normal(language: str) -> str:
    return (language or "").strip().replace("_", "-").lower()


def pick_template(tenant: Tenant, key: str, language: str) -> Template:
    """Return ``tenant``'s template ``key`` in the best language for ``language``."""
    available = memo(
        ("templates", tenant.pk, key),
        lambda: {_normal(t.language): t for t in scoped(Template, tenant).filter(key=key)},
    )
    for candidate in language_candidates(language, tenant.language):
        if candidate in available:
            return available[candidate]
    raise Template.DoesNotExist(
        f"Tenant {tenant.slug!r} has no template {key!r} in {language or 'any language'!r}, "
        f"its base language, the tenant's language or English."
    )


def render(
    template: Template, context: dict[str, Any], parts: Iterable[str] = PARTS
) -> Rendered:
    """Render ``parts`` (default: every part) of ``template``; raise TemplateError if one fails.

    Numbers and dates follow the customer's language (``locale``) when the template is
    written in it or its base — ``de-CH`` in a ``de`` template — else the template's own,
    so a fallback English text never carries German number formats.
    """
    locale = context.get("locale") or template.language
    if _normal(locale).split("-")[0] != _normal(template.language).split("-")[0]:
        locale = template.language
    context = {**context, "locale": locale}
    wanted, parts = set(parts), {}
    for part in PARTS:
        source = getattr(template, part) if part in wanted else ""
        text = _render_part(part, source, context).strip() if source else ""
        # An empty optional block (no portal link, say) must not leave a gap of blank lines.
        parts[part] = text if part in HTML_PARTS else _BLANK_LINES.sub("\n\n", text)
    # A subject is one header line; a stray newline would break the message.
    parts["subject"] = " ".join(parts["subject"].split())
    return Rendered(**parts)
