"""What a customer can tell the tenant — a promise to pay, a dispute, "we already paid" —
recorded the same way wherever it comes from (the portal, a reminder call, a member), and
the one way a member is given a task.

Each records its row and a timeline entry in one transaction. The sweep and the gate then
hold reminders back (``collections_app.rules.holds``): a promise until the day after its
date, a dispute for the disputed invoice while it is open, a reported payment until a
member has checked it and lifted the hold.

What a customer sends is bounded: a dispute's explanation grows to ``MAX_DISPUTE_REASON``
characters at most, and an invoice has one open "already paid" report at a time (the
database holds to it too). A refusal is a ``ValidationError`` that says why.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from collections_app import announce, events
from collections_app.events import Kind
from collections_app.models import Dispute, PaymentReport, PromiseToPay, Task
from kapittx.locks import locked
from kapittx.models import User
from kapittx.money import rounded
from kapittx.tenancy import scoped
from receivables.models import Customer, Invoice

#: The longest a dispute's explanation grows, all the customer's messages together.
MAX_DISPUTE_REASON = 10_000


def create_task(
    customer: Customer, title: str, details: str = "", *, assignee: User | None = None
) -> Task:
    """Give a member something to do about ``customer``: ``assignee``, else the customer's
    owner (None: whoever picks it up)."""
    return Task.objects.create(
        tenant_id=customer.tenant_id,
        customer=customer,
        title=title[:200],
        details=details,
        assignee=assignee or customer.owner,
    )


@transaction.atomic
def promise_payment(
    customer: Customer,
    promised_on: date,
    *,
    source: str,
    amount: Decimal | None = None,
    note: str = "",
    **context,
) -> PromiseToPay:
    """Record that ``customer`` will pay by ``promised_on``; it replaces open promises."""
    scoped(PromiseToPay, customer.tenant_id).filter(
        customer=customer, status=PromiseToPay.Status.OPEN
    ).update(status=PromiseToPay.Status.CANCELLED)
    promise = PromiseToPay.objects.create(
        tenant_id=customer.tenant_id,
        customer=customer,
        promised_on=promised_on,
        amount=amount,
        currency=customer.currency if amount is not None else "",
        source=source,
    )
    what = "" if amount is None else f"{rounded(amount, customer.currency)} {customer.currency} "
    events.record(
        customer,
        Kind.PROMISE_MADE,
        f"Promised ({source}) to pay {what}by {promised_on:%Y-%m-%d}."
        + (f" Note: {note}" if note else ""),
        promise_id=promise.pk,
        source=source,
        **context,
    )
    announce.promise_made(promise, customer)
    return promise


@transaction.atomic
def dispute_invoice(invoice: Invoice, reason: str, *, source: str) -> Dispute:
    """Open a dispute on ``invoice`` (or add to the open one) with the customer's reason.

    Raise ``ValidationError`` when the explanation would grow past ``MAX_DISPUTE_REASON``.
    """
    dispute = locked(
        scoped(Dispute, invoice.tenant_id).filter(invoice=invoice, status=Dispute.Status.OPEN)
    ).first()
    told = f"{dispute.reason}\n\n{reason}".strip() if dispute else reason.strip()
    if len(told) > MAX_DISPUTE_REASON:
        raise ValidationError(
            f"We already have a long explanation about {invoice.number}; please reply to our "
            "message to tell us more."
        )
    if dispute is None:
        dispute = Dispute.objects.create(tenant_id=invoice.tenant_id, invoice=invoice, reason=told)
        announce.dispute_opened(dispute, invoice, source)
    else:
        dispute.reason = told
        dispute.save(update_fields=["reason"])
    events.record(
        invoice.customer,
        Kind.DISPUTE_OPENED,
        f"Disputed invoice {invoice.number} ({source}): {reason}",
        dispute_id=dispute.pk,
        invoice_id=invoice.pk,
        source=source,
    )
    return dispute


@transaction.atomic
def report_payment(
    customer: Customer,
    invoices: Sequence[Invoice],
    paid_on: date,
    *,
    source: str,
    reference: str = "",
) -> Task:
    """Record the customer's word that ``invoices`` were paid on ``paid_on``.

    Reminders to the customer are held, and the customer's owner gets a task to find the
    payment; resuming reminders from the customer's page lifts the hold and closes the
    reports. Raise ``ValidationError`` when one of ``invoices`` is already reported and not
    yet checked.
    """
    _refuse_reported(customer.tenant_id, invoices)
    numbers = ", ".join(invoice.number for invoice in invoices)
    said = f"reports paying {numbers} on {paid_on:%Y-%m-%d}" + (
        f", reference {reference}" if reference else ""
    )
    task = create_task(
        customer, f"Find the payment {customer.name} reports", f"{customer.name} {said}."
    )
    try:
        # A savepoint: a report racing in for the same invoice fails here, not the caller.
        with transaction.atomic():
            PaymentReport.objects.bulk_create(
                PaymentReport(
                    tenant_id=customer.tenant_id,
                    invoice=invoice,
                    task=task,
                    paid_on=paid_on,
                    reference=reference,
                    source=source,
                )
                for invoice in invoices
            )
    except IntegrityError:
        _refuse_reported(customer.tenant_id, invoices)
        raise
    customer.reminders_on_hold = True
    customer.reminders_hold_reason = f"Customer {said}"[:200]
    customer.save(update_fields=["reminders_on_hold", "reminders_hold_reason"])
    events.record(
        customer,
        Kind.PAYMENT_REPORTED,
        f"Customer ({source}) {said}. Reminders are on hold until a member resumes them.",
        task_id=task.pk,
        invoice_ids=[invoice.pk for invoice in invoices],
        source=source,
    )
    announce.payment_reported(customer, invoices, paid_on, reference, source)
    return task


def _refuse_reported(tenant_id: int, invoices: Sequence[Invoice]) -> None:
    reported = sorted(
        scoped(PaymentReport, tenant_id)
        .filter(invoice__in=invoices, status=PaymentReport.Status.OPEN)
        .values_list("invoice__number", flat=True)
    )
    if reported:
        raise ValidationError(
            f"You already told us {', '.join(reported)} "
            f"{'is' if len(reported) == 1 else 'are'} paid; we are checking it and will be "
            "in touch."
        )


def close_payment_reports(customer: Customer) -> int:
    """Mark ``customer``'s open "already paid" reports checked; return how many there were."""
    return (
        scoped(PaymentReport, customer.tenant_id)
        .filter(invoice__customer=customer, status=PaymentReport.Status.OPEN)
        .update(status=PaymentReport.Status.CHECKED, checked_at=timezone.now())
    )
