"""The variables a message template sees: plain, frozen snapshots of the data.

Templates are written by tenant members, so they never see model instances: a template
cannot reach other rows through relations. Amounts are balances, never invoice totals, so a
part-paid invoice shows what is still owed. See ``docs/templates.md``.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from email.utils import parseaddr
from typing import Any, ClassVar

from django.conf import settings
from django.utils import timezone

from collections_app.models import PromiseToPay
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import ZERO, Contact, Customer, Invoice
from reminders.models import ReminderSettings, Tone
from reminders.outbox.batch_memo import memo

DEFAULT_BRAND_COLOR = "#0f5bd8"
FALLBACK_LANGUAGE = "en"
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


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


def build_context(
    *,
    tenant: Tenant,
    customer: Customer,
    invoices: Iterable[Invoice],
    contact: Contact | None = None,
    today: date,
    portal_url: str = "",
    promise: PromiseToPay | None = None,
    tone: str = "",
) -> dict[str, Any]:
    """Return the documented template variables for a message to ``customer``.

    Amounts are balances, never invoice totals, so part payments show what is still owed.
    ``promise`` is given for the promise messages (``promise-due``, ``broken-promise``).
    A message in ``tone`` demands only what is due (``invoices``, ``totals``); see
    ``demanded``.
    """
    invoices = list(invoices)
    for row in (customer, contact, promise, *invoices):
        if row is not None and row.tenant_id != tenant.pk:
            # Never let a caller's slip put another tenant's data into a message.
            raise ValueError(f"{row!r} belongs to another tenant.")
    fields = [_invoice_fields(invoice, today) for invoice in invoices]
    lines, coming = demanded(fields, today, tone)
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
        "coming_due": coming,
        "totals": totals,
        "total_due": totals[0] if len(totals) == 1 else None,
        "max_days_overdue": max((line.days_overdue for line in lines), default=0),
        "portal_link": _safe_url(portal_url),
        "today": today,
        "promise": _promise_fields(promise),
        "locale": customer.language or tenant.language or FALLBACK_LANGUAGE,
    }


def demanded(
    lines: list["InvoiceFields"], today: date, tone: str
) -> tuple[list["InvoiceFields"], list["InvoiceFields"]]:
    """Split a message's invoices into what it asks to be paid and what is only coming due.

    A courtesy message is about invoices before they are due, so it lists them all. Any
    firmer message demands only what is due by today and lists the rest apart as coming
    due — except a final notice, which names nothing that is not yet due.
    """
    if not tone or tone == Tone.COURTESY:
        return lines, []
    due = [line for line in lines if line.due_date <= today]
    coming = [line for line in lines if line.due_date > today]
    return due, [] if tone == Tone.FINAL else coming


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
        payment_instructions=tenant.payment_instructions.strip(),
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
    coming = [
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
    ]
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
        "coming_due": coming,
        "totals": totals,
        "total_due": totals[0] if len(totals) == 1 else None,
        "max_days_overdue": 12,
        "portal_link": "https://example.com/p/sample-token",
        "today": today,
        "promise": PromiseFields(today + timedelta(days=3), Decimal("500.00"), currencies[0]),
        "locale": language,
    }
