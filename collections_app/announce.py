"""What collections tell the layers above (``kapittx.events``): a dispute opened, a promise
to pay, a customer's word that invoices are paid. Called in the transaction of the change,
beside its timeline entry; payloads are thin (ids, external ids, dates, amounts as decimal
strings with their currency)."""

from collections.abc import Sequence
from datetime import date

from collections_app.models import Dispute, PromiseToPay
from kapittx.events import publish
from kapittx.money import rounded
from receivables.models import Customer, Invoice


def _customer(customer: Customer) -> dict:
    return {"customer": customer.pk, "customer_external_id": customer.external_id}


def _invoice(invoice: Invoice) -> dict:
    return {"invoice": invoice.pk, "external_id": invoice.external_id, "number": invoice.number}


def dispute_opened(dispute: Dispute, invoice: Invoice, source: str) -> None:
    publish(
        dispute.tenant_id,
        "dispute.opened",
        {
            "id": dispute.pk,
            "status": dispute.status,
            "opened_at": dispute.opened_at.isoformat().replace("+00:00", "Z"),
            "source": source,
            "invoice": invoice.pk,
            "invoice_external_id": invoice.external_id,
            "invoice_number": invoice.number,
            **_customer(invoice.customer),
        },
    )


def promise_made(promise: PromiseToPay, customer: Customer) -> None:
    amount = promise.amount
    publish(
        promise.tenant_id,
        "promise.made",
        {
            "id": promise.pk,
            "promised_on": promise.promised_on.isoformat(),
            "amount": None if amount is None else f"{rounded(amount, promise.currency):f}",
            "currency": promise.currency or None,
            "source": promise.source,
            **_customer(customer),
        },
    )


def payment_reported(
    customer: Customer, invoices: Sequence[Invoice], paid_on: date, reference: str, source: str
) -> None:
    publish(
        customer.tenant_id,
        "payment.reported",
        {
            "paid_on": paid_on.isoformat(),
            "reference": reference,
            "source": source,
            "invoices": [_invoice(invoice) for invoice in invoices],
            **_customer(customer),
        },
    )
