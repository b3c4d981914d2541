"""Building blocks for reminder scenarios: a cadence, customers, invoices and a clock."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.test import TestCase

from kapittx.models import Tenant
from receivables import ledger
from receivables.models import Contact, Customer, Invoice
from reminders.models import Dispatch, Step, Tone, Workflow
from reminders.outbox import release, send, sweep
from reminders.setup.customers import pin_workflow

#: The cadence most scenarios use: (offset days, channel, template, tone).
CADENCE = [
    (-3, "email", "courtesy-before-due", Tone.COURTESY),
    (0, "email", "due-today", Tone.COURTESY),
    (7, "email", "overdue-polite", Tone.REMINDER),
    (14, "email", "overdue-firm", Tone.FIRM),
    (30, "email", "final-notice", Tone.FINAL),
]


def make_workflow(
    tenant: Tenant, cadence=CADENCE, *, name: str = "Scenario", default: bool = True, **options
) -> Workflow:
    if default:
        Workflow.objects.filter(tenant=tenant, is_default=True).update(is_default=False)
    workflow = Workflow.objects.create(tenant=tenant, name=name, is_default=default, **options)
    for offset, channel, template, tone in cadence:
        Step.objects.create(
            tenant=tenant,
            workflow=workflow,
            offset_days=offset,
            channel=channel,
            template_key=template,
            tone=tone,
        )
    return workflow


def make_customer(
    tenant: Tenant,
    external_id: str = "C-1",
    *,
    time_zone: str = "",
    country: str = "DE",
    **fields,
) -> Customer:
    workflow = fields.pop("workflow", None)
    customer = Customer.objects.create(
        tenant=tenant,
        external_id=external_id,
        name=fields.pop("name", f"Customer {external_id}"),
        currency="EUR",
        time_zone=time_zone,
        country=country,
        **fields,
    )
    if workflow is not None:
        pin_workflow(customer, workflow)
    Contact.objects.create(
        tenant=tenant,
        customer=customer,
        name="Pat Payables",
        email=f"ap-{external_id}@x.test",
        phone="+4930123456",
        whatsapp="+4915112345678",
    )
    return customer


def make_invoice(
    tenant: Tenant, customer: Customer, number: str, due: date, amount: str = "500.00"
) -> Invoice:
    issued = date(due.year, 1, 1)
    invoice = ledger.create_invoice(
        tenant,
        customer,
        number=number,
        issue_date=issued,
        due_date=due,
        subtotal=Decimal(amount),
    )
    # The scenario's clock is not the wall clock: the invoice has been known since issue.
    Invoice.objects.filter(pk=invoice.pk).update(
        created_at=datetime.combine(issued, datetime.min.time(), tzinfo=UTC)
    )
    invoice.refresh_from_db()
    return invoice


def local(moment: str, zone: str = "Europe/Berlin") -> datetime:
    """Return the UTC instant of a local wall-clock time like '2026-03-17 10:00'."""
    return datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def run(tenant: Tenant, now: datetime) -> list[Dispatch]:
    """Sweep, release and deliver at ``now`` as the tick would; return what was sent."""
    sweep.sweep(tenant, now)
    released: list[Dispatch] = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        release.release(tenant, now, released.extend)
    return [d for d in released if send.deliver_many(tenant.pk, [d.pk])[d.pk] == "sent"]
