"""The payloads of the events receivables publishes (``kapittx.events``): small, JSON-ready,
money as decimal strings with its currency, dates in ISO 8601."""

from kapittx.money import rounded
from receivables.models import Invoice, Payment


def money(amount, currency: str) -> str:
    """Return ``amount`` as a decimal string in the minor units of ``currency``: "1234.50"."""
    return f"{rounded(amount, currency):f}"


def _day(value) -> str | None:
    return value.isoformat() if value else None


def invoice_data(invoice: Invoice, customer_external_id: str) -> dict:
    return {
        "id": invoice.pk,
        "external_id": invoice.external_id,
        "number": invoice.number,
        "customer": invoice.customer_id,
        "customer_external_id": customer_external_id,
        "status": invoice.status,
        "currency": invoice.currency,
        "total": money(invoice.total, invoice.currency),
        "balance": money(invoice.balance, invoice.currency),
        "issue_date": _day(invoice.issue_date),
        "due_date": _day(invoice.due_date),
    }


def payment_data(payment: Payment, customer_external_id: str, allocations: list) -> dict:
    return {
        "id": payment.pk,
        "external_id": payment.external_id,
        "customer": payment.customer_id,
        "customer_external_id": customer_external_id,
        "amount": money(payment.amount, payment.currency),
        "currency": payment.currency,
        "received_on": _day(payment.received_on),
        "reference": payment.reference,
        "source": payment.source,
        "unallocated": money(payment.unallocated, payment.currency),
        "allocations": [
            {"invoice": allocation.invoice_id, "amount": money(allocation.amount, payment.currency)}
            for allocation in allocations
        ],
    }
