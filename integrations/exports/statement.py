"""A customer's statement of account: what it owed, what happened, what it owes, per currency.

A balance-forward statement. The opening balance is what the customer owed at the end of
the day before the period: invoices issued (drafts and void invoices never were
receivables) less payments received, credit notes issued and amounts written off, by their
own dates. Each entry of the period moves a running balance; the closing balance is the
last one. A payment or credit note shows the invoices it was applied to and what is left on
account, as the ledger has it now. The aging summary is the aging report's for this
customer today (it ages the current balances, so it is today's whatever the period).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch, Sum

from kapittx.tenancy import scoped
from receivables import reports
from receivables.models import (
    ISSUED_STATUSES,
    ZERO,
    Allocation,
    CreditNote,
    Customer,
    Invoice,
    Payment,
    PaymentSource,
)

#: Without dates a statement covers the 90 days up to today.
DEFAULT_DAYS = 90


class Kind:
    INVOICE = "invoice"  # a debit: the invoice's total
    CREDIT_NOTE = "credit_note"  # a credit
    PAYMENT = "payment"  # a credit
    WRITE_OFF = "write_off"  # a credit: what the tenant gave up on


#: Entries of one day in this order: the invoice before what settles it.
KIND_ORDER = {Kind.INVOICE: 0, Kind.CREDIT_NOTE: 1, Kind.PAYMENT: 2, Kind.WRITE_OFF: 3}
KIND_LABELS = {
    Kind.INVOICE: "Invoice",
    Kind.CREDIT_NOTE: "Credit note",
    Kind.PAYMENT: "Payment",
    Kind.WRITE_OFF: "Write-off",
}


@dataclass
class Entry:
    on: date
    kind: str
    currency: str
    reference: str
    details: str
    debit: Decimal | None = None
    credit: Decimal | None = None
    balance: Decimal = ZERO
    #: For a payment or credit note: (invoice number, amount) it was applied to.
    applied: list[tuple[str, Decimal]] = field(default_factory=list)
    on_account: Decimal = ZERO

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class CurrencyStatement:
    currency: str
    opening: Decimal = ZERO
    entries: list[Entry] = field(default_factory=list)
    aging: dict[str, Decimal] = field(default_factory=dict)
    unallocated: Decimal = ZERO  # payments and credits not applied to any invoice, today

    @property
    def closing(self) -> Decimal:
        return self.entries[-1].balance if self.entries else self.opening

    @property
    def aging_total(self) -> Decimal:
        return sum(self.aging.values(), ZERO)


@dataclass
class Statement:
    customer: Customer
    start: date
    end: date
    today: date
    currencies: list[CurrencyStatement]


def default_period(today: date) -> tuple[date, date]:
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def statement(customer: Customer, start: date, end: date) -> Statement:
    """Return ``customer``'s statement for ``start``–``end`` (both days included)."""
    tenant_id = customer.tenant_id
    invoices = scoped(Invoice, tenant_id).filter(customer=customer, status__in=ISSUED_STATUSES)
    payments = scoped(Payment, tenant_id).filter(customer=customer)
    notes = scoped(CreditNote, tenant_id).filter(customer=customer)
    opening = _sums(invoices.filter(issue_date__lt=start), "total")
    for credits in (
        _sums(payments.filter(received_on__lt=start), "amount"),
        _sums(notes.filter(issued_on__lt=start), "amount"),
        _sums(invoices.filter(written_off_on__lt=start), "amount_written_off"),
    ):
        for currency, amount in credits.items():
            opening[currency] = opening.get(currency, ZERO) - amount
    entries = [
        *_invoice_entries(invoices.filter(issue_date__gte=start, issue_date__lte=end)),
        *_write_off_entries(invoices.filter(written_off_on__gte=start, written_off_on__lte=end)),
        *_credit_entries(tenant_id, payments.filter(received_on__gte=start, received_on__lte=end)),
        *_credit_entries(tenant_id, notes.filter(issued_on__gte=start, issued_on__lte=end)),
    ]
    today = customer.local_today()
    aging = reports.aging(customer.tenant, today, customer)
    unallocated = _sums(payments.filter(unallocated__gt=0), "unallocated")
    for currency, amount in _sums(notes.filter(unallocated__gt=0), "unallocated").items():
        unallocated[currency] = unallocated.get(currency, ZERO) + amount
    currencies = {}
    for currency in sorted(
        {*opening, *(e.currency for e in entries), *aging, *unallocated} or {customer.currency}
    ):
        currencies[currency] = CurrencyStatement(
            currency=currency,
            opening=opening.get(currency, ZERO),
            aging=aging.get(currency, dict.fromkeys(reports.BUCKET_KEYS, ZERO)),
            unallocated=unallocated.get(currency, ZERO),
        )
    entries.sort(key=lambda e: (e.on, KIND_ORDER[e.kind], e.reference))
    for entry in entries:
        book = currencies[entry.currency]
        entry.balance = book.closing + (entry.debit or ZERO) - (entry.credit or ZERO)
        book.entries.append(entry)
    return Statement(customer, start, end, today, list(currencies.values()))


def _sums(queryset, column: str) -> dict[str, Decimal]:
    rows = queryset.order_by().values("currency").annotate(amount=Sum(column))
    return {row["currency"]: row["amount"] for row in rows if row["amount"]}


def _invoice_entries(invoices) -> list[Entry]:
    return [
        Entry(
            on=invoice.issue_date,
            kind=Kind.INVOICE,
            reference=invoice.number,
            details=f"Due {invoice.due_date.isoformat()}"
            + (f", PO {invoice.po_number}" if invoice.po_number else ""),
            debit=invoice.total,
            currency=invoice.currency,
        )
        for invoice in invoices.order_by()
    ]


def _write_off_entries(invoices) -> list[Entry]:
    return [
        Entry(
            on=invoice.written_off_on,
            kind=Kind.WRITE_OFF,
            reference=invoice.number,
            details=f"Invoice {invoice.number} written off",
            credit=invoice.amount_written_off,
            currency=invoice.currency,
        )
        for invoice in invoices.filter(amount_written_off__gt=0).order_by()
    ]


def _credit_entries(tenant_id: int, sources) -> list[Entry]:
    """Entries for payments or credit notes, each with the invoices it was applied to."""
    is_payment = sources.model is Payment
    applied = scoped(Allocation, tenant_id).select_related("invoice").order_by("applied_on", "pk")
    rows = sources.order_by().prefetch_related(Prefetch("allocations", queryset=applied))
    entries = []
    for source in rows:
        if is_payment:
            on, kind = source.received_on, Kind.PAYMENT
            reference = source.reference or source.external_id
            # How a payment was recorded is the tenant's business, except that the paid part
            # of an imported invoice did not arrive on that day.
            imported = source.source == PaymentSource.IMPORTED_BALANCE
            details = " · ".join(
                filter(None, [source.method, imported and source.get_source_display()])
            )
        else:
            on, kind, reference = source.issued_on, Kind.CREDIT_NOTE, source.number
            details = source.reason
        entries.append(
            Entry(
                on=on,
                kind=kind,
                reference=reference,
                details=details,
                credit=source.amount,
                applied=[(a.invoice.number, a.amount) for a in source.allocations.all()],
                on_account=source.unallocated,
                currency=source.currency,
            )
        )
    return entries
