"""What the page tests share: one tenant's reminder set-up (``World``), page addresses, and
the POST data and snapshots the set-up pages are checked with.

The ``mine``, ``theirs`` and ``customers`` fixtures (in ``tests/conftest.py``) are built here.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from integrations.importers.jobs import create_job
from integrations.importers.models import ImportJob
from integrations.outgoing.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from integrations.outgoing.signing import new_secret, seal
from kapittx.models import Tenant
from receivables.models import Contact, Customer, Invoice
from reminders.models import (
    Dispatch,
    DispatchInvoice,
    DispatchStatus,
    ReminderPosition,
    Segment,
    Step,
    Template,
    Tone,
    Workflow,
)
from tests.reminders.scenario import make_customer, make_invoice, make_workflow


@dataclass
class World:
    """One tenant's reminder set-up: a workflow, a segment, a template, a customer owing."""

    tenant: Tenant
    workflow: Workflow
    segment: Segment
    template: Template
    customer: Customer
    invoice: Invoice
    dispatch: Dispatch
    webhook: WebhookSubscription
    webhook_delivery: WebhookDelivery
    import_job: ImportJob

    def ids(self) -> dict[str, int]:
        """The URL keyword arguments this world's objects fill (``tests/test_isolation.py``)."""
        return {
            "workflow_id": self.workflow.pk,
            "segment_id": self.segment.pk,
            "template_id": self.template.pk,
            "customer_id": self.customer.pk,
            "contact_id": self.customer.contacts.get().pk,
            "invoice_id": self.invoice.pk,
            "dispatch_id": self.dispatch.pk,
            "webhook_id": self.webhook.pk,
            "webhook_delivery_id": self.webhook_delivery.pk,
            "import_job_id": self.import_job.pk,
        }


def today():
    return timezone.localdate()


def make_dispatch(
    tenant,
    customer,
    invoices=(),
    *,
    key: str = "d1",
    status=DispatchStatus.SENT,
    channel: str = "email",
    **fields,
) -> Dispatch:
    now = timezone.now()
    dispatch = Dispatch.objects.create(
        tenant=tenant,
        key=key,
        customer=customer,
        channel=channel,
        tone=Tone.REMINDER,
        template_key="overdue-polite",
        status=status,
        due_at=now,
        send_after=now,
        **fields,
    )
    for invoice in invoices:
        DispatchInvoice.objects.create(tenant=tenant, dispatch=dispatch, invoice=invoice)
    return dispatch


def build_world(tenant: Tenant, name: str) -> World:
    # A new tenant comes with the template library and the "Standard" workflow.
    workflow = make_workflow(tenant, name=f"{name} cadence")
    customer = make_customer(tenant, "C-1", name=f"{name} Customer")
    invoice = make_invoice(tenant, customer, f"{name}-1", today() - timedelta(days=5))
    segment = Segment.objects.create(
        tenant=tenant,
        name=f"{name} big",
        priority=10,
        workflow=workflow,
        rules=[{"field": "outstanding", "op": "gte", "value": "100"}],
    )
    webhook = WebhookSubscription.objects.create(
        tenant=tenant,
        url=f"https://hooks.{name.lower()}.test/kapittx",
        event_types=["invoice.overdue"],
        secret_encrypted=seal(new_secret()),
        secret_hint="whsec_",
    )
    return World(
        tenant=tenant,
        workflow=workflow,
        segment=segment,
        template=Template.objects.get(tenant=tenant, key="overdue-polite", language="en"),
        customer=customer,
        invoice=invoice,
        dispatch=make_dispatch(
            tenant,
            customer,
            [invoice],
            subject=f"{name} reminder",
            body_html="<p>Please pay <b>now</b></p>",
            body_text="Please pay now",
            recipient="ap-C-1@x.test",
            provider_message_id="prov-123",
            sent_at=timezone.now(),
        ),
        webhook=webhook,
        webhook_delivery=WebhookDelivery.objects.create(
            tenant=tenant,
            subscription=webhook,
            event_id=f"msg_{name}",
            event_type="invoice.overdue",
            body=f'{{"type":"invoice.overdue","data":{{"number":"{name}-1"}}}}',
            status=DeliveryStatus.FAILED,
            attempts=10,
            response_status=500,
            response_body=f"{name} receiver error",
        ),
        import_job=create_job(
            tenant,
            None,
            "customers.csv",
            f"Customer ID,Name\nC-9,{name} Imported\n".encode(),
            "customers",
        ),
    )


#: The forms only members who configure reminders open (everyone else gets 403).
NEW_FORMS = [("workflow_create", None), ("template_create", None), ("segment_create", None)]


def url(name: str, tenant: Tenant, **kwargs) -> str:
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


def page_url(world: World, name: str, id_name: str | None, tenant: Tenant | None = None) -> str:
    kwargs = {id_name: world.ids()[id_name]} if id_name else {}
    return url(name, tenant or world.tenant, **kwargs)


def snapshot(tenant: Tenant) -> tuple:
    return (
        list(Workflow.objects.filter(tenant=tenant).values_list("name", "is_default")),
        list(Step.objects.filter(tenant=tenant).values_list("offset_days", "channel")),
        list(Segment.objects.filter(tenant=tenant).values_list("name", "rules")),
        list(Template.objects.filter(tenant=tenant).values_list("key", "language", "subject")),
        list(Contact.objects.filter(tenant=tenant).values_list("pk", "portal_link_generation")),
    )


def step_data(workflow: Workflow, changes: dict | None = None, extra: list | None = None) -> dict:
    """Return the POST data of the workflow page as it stands, with ``changes`` applied."""
    steps = list(Step.objects.filter(workflow=workflow))
    data = {
        "name": workflow.name,
        "is_default": "on" if workflow.is_default else "",
        "per_invoice": "on" if workflow.per_invoice else "",
        "repeat_every_days": workflow.repeat_every_days or "",
        "repeat_max_times": workflow.repeat_max_times,
        "steps-TOTAL_FORMS": len(steps) + len(extra or []),
        "steps-INITIAL_FORMS": len(steps),
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
    }
    for i, step in enumerate(steps):
        data.update(
            {
                f"steps-{i}-id": step.pk,
                f"steps-{i}-workflow": workflow.pk,
                f"steps-{i}-offset_days": step.offset_days,
                f"steps-{i}-channel": step.channel,
                f"steps-{i}-template_key": step.template_key,
                f"steps-{i}-tone": step.tone,
                f"steps-{i}-min_amount": step.min_amount,
            }
        )
    for j, row in enumerate(extra or [], start=len(steps)):
        data.update({f"steps-{j}-{field}": value for field, value in row.items()})
    data.update(changes or {})
    return {key: value for key, value in data.items() if value != ""}


def place_all_invoices() -> None:
    """Settle every invoice's position, as a sweep would."""
    ReminderPosition.objects.update(next_at=datetime(2100, 1, 1, tzinfo=UTC))


def stale_flags(tenant: Tenant) -> list[bool]:
    """Whether each of ``tenant``'s invoices is to be placed again by the next sweep."""
    positions = dict(
        ReminderPosition.objects.filter(tenant=tenant).values_list("invoice_id", "next_at")
    )
    return [
        positions.get(pk, ReminderPosition.AT_NEXT_SWEEP) == ReminderPosition.AT_NEXT_SWEEP
        for pk in Invoice.objects.filter(tenant=tenant).values_list("pk", flat=True)
    ]


def default_names(tenant: Tenant) -> list[str]:
    return list(
        Workflow.objects.filter(tenant=tenant, is_default=True).values_list("name", flat=True)
    )


def reminders_post(**changes) -> dict:
    data = {"workflow": "", "reminders_paused_until": "", "opted_out_channels": []}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
