"""Every API endpoint, found by walking the URL map under ``/api/v1/``, with its methods and
its address filled in with one tenant's objects, so a new endpoint is checked without being
listed (as ``tests/tenant_pages.py`` does for pages)."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from collections_app.models import Dispute, PromiseToPay, TimelineEvent
from integrations.outgoing.models import WebhookDelivery, WebhookSubscription
from kapittx.models import Tenant
from receivables import ledger
from receivables.models import Allocation, CreditNote, Customer, Invoice, Payment
from tests.reminders.pages import World, today

PREFIX = "api/v1/"
#: Endpoints anyone may read: the API's own documentation.
PUBLIC = {"api:schema", "api:docs", "api:redoc"}
SAFE = {"get", "head", "options"}


@dataclass(frozen=True)
class Endpoint:
    name: str  # namespaced URL name, e.g. api:customer-detail
    kwargs: tuple[str, ...]
    methods: tuple[str, ...]
    basename: str  # the router's name of the resource, e.g. credit-note ("" for a report)
    route: str = ""
    model: type | None = None  # the model a resource lists

    @property
    def writes(self) -> tuple[str, ...]:
        return tuple(m for m in self.methods if m not in SAFE)

    def path(self, ids: dict) -> str:
        unknown = [kwarg for kwarg in self.kwargs if kwarg not in ids]
        if unknown:
            pytest.fail(
                f"{self.name} takes {', '.join(unknown)}, which the API isolation tests do not "
                "know how to fill: add it to Targets.ids() in tests/integrations/api/endpoints.py"
            )
        return reverse(self.name, kwargs={kwarg: ids[kwarg] for kwarg in self.kwargs})


def _methods(pattern: URLPattern) -> tuple[str, ...]:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:  # DRF adds head to a viewset's map at its first request
        return tuple(sorted(set(actions) - {"head", "options"}))
    view = callback.cls
    return tuple(m for m in view.http_method_names if m not in SAFE - {"get"} and hasattr(view, m))


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield entry, route.replace("^", "").replace("$", ""), namespace + (entry.name or "")


def api_endpoints() -> list[Endpoint]:
    """Every URL pattern under ``/api/v1/`` but the public documentation."""
    found = []
    for pattern, route, name in _walk(get_resolver().url_patterns):
        if not route.startswith("api/" + PREFIX.removeprefix("api/")) or name in PUBLIC:
            continue
        assert pattern.name, f"{route} has no name"
        kwargs = tuple(pattern.pattern.regex.groupindex)
        basename = getattr(pattern.callback, "initkwargs", {}).get("basename") or ""
        model = getattr(pattern.callback.cls, "model", None)
        found.append(Endpoint(name, kwargs, _methods(pattern), basename, route, model))
    assert found, "no endpoint under /api/v1/ was found"
    return found


@dataclass
class Targets:
    """One tenant's objects of every kind the API serves."""

    world: World
    payment: Payment
    credit_note: CreditNote
    event: TimelineEvent
    dispute: Dispute
    promise: PromiseToPay

    def ids(self) -> dict:
        return {"external_id": self.world.customer.external_id}

    def pk_of(self, basename: str) -> int:
        objects = {
            "customer": self.world.customer,
            "invoice": self.world.invoice,
            "payment": self.payment,
            "credit-note": self.credit_note,
            "dispatch": self.world.dispatch,
            "timeline-event": self.event,
            "workflow": self.world.workflow,
            "dispute": self.dispute,
            "promise": self.promise,
            "webhook-endpoint": self.world.webhook,
            "webhook-delivery": self.world.webhook_delivery,
        }
        if basename not in objects:
            pytest.fail(f"the API isolation tests have no {basename} object: add it to Targets")
        return objects[basename].pk

    def external_id_of(self, basename: str) -> str:
        return {
            "customer": self.world.customer.external_id,
            "invoice": self.world.invoice.external_id,
            "payment": self.payment.external_id,
        }[basename]

    def path(self, endpoint: Endpoint) -> str:
        ids = {}
        if "pk" in endpoint.kwargs:
            ids["pk"] = self.pk_of(endpoint.basename)
        if "external_id" in endpoint.kwargs:
            ids["external_id"] = self.external_id_of(endpoint.basename)
        return endpoint.path(ids)


def build_targets(world: World) -> Targets:
    tenant, customer = world.tenant, world.customer
    slug = tenant.slug.upper()
    Invoice.objects.filter(pk=world.invoice.pk).update(external_id=f"INV-{slug}")
    world.invoice.refresh_from_db()
    Customer.objects.filter(pk=customer.pk).update(external_id=f"CUST-{slug}")
    customer.refresh_from_db()
    payment = ledger.record_payment(tenant, customer, amount="10.00", received_on=today())
    Payment.objects.filter(pk=payment.pk).update(external_id=f"PAY-{slug}")
    payment.refresh_from_db()
    note = ledger.record_credit_note(
        tenant, customer, number=f"CN-{slug}", amount="5.00", issued_on=today()
    )
    return Targets(
        world=world,
        payment=payment,
        credit_note=note,
        event=TimelineEvent.objects.create(
            tenant=tenant, customer=customer, kind="note", message=f"{slug} timeline"
        ),
        dispute=Dispute.objects.create(tenant=tenant, invoice=world.invoice, reason=slug),
        promise=PromiseToPay.objects.create(
            tenant=tenant, customer=customer, promised_on=today() + timedelta(days=3)
        ),
    )


def snapshot(tenant: Tenant) -> tuple:
    """What the API could change of a tenant's books."""
    return (
        list(Customer.objects.filter(tenant=tenant).values_list("pk", "external_id", "name")),
        list(
            Invoice.objects.filter(tenant=tenant).values_list(
                "pk", "number", "status", "balance", "due_date"
            )
        ),
        list(Payment.objects.filter(tenant=tenant).values_list("pk", "amount", "reference")),
        list(CreditNote.objects.filter(tenant=tenant).values_list("pk", "number")),
        list(Allocation.objects.filter(tenant=tenant).values_list("pk", "amount")),
        list(
            WebhookSubscription.objects.filter(tenant=tenant)
            .order_by("pk")
            .values_list("pk", "url", "enabled", "event_types", "description")
        ),
        list(
            WebhookDelivery.objects.filter(tenant=tenant)
            .order_by("pk")
            .values_list("pk", "status", "attempts", "next_attempt_at")
        ),
    )


def hijack_body(endpoint: Endpoint, mine: Targets) -> dict:
    """A body another tenant might send to reach ``mine``'s rows: valid but for naming them."""
    customer, invoice = mine.world.customer, mine.world.invoice
    day = str(date(2026, 1, 5))
    items = {
        "customer": {"external_id": customer.external_id, "name": "Hijack"},
        "invoice": {
            "number": "HIJACK-1",
            "customer": customer.pk,
            "issue_date": day,
            "due_date": day,
            "total": "1.00",
        },
        "payment": {
            "customer": customer.pk,
            "amount": "1.00",
            "received_on": day,
            "allocations": [{"invoice": invoice.pk, "amount": "1.00"}],
        },
        "credit-note": {
            "number": "HIJACK-CN",
            "customer": customer.pk,
            "amount": "1.00",
            "issued_on": day,
            "allocations": [{"invoice": invoice.pk, "amount": "1.00"}],
        },
        # An address that needs no name resolved; the body another tenant would send.
        "webhook-endpoint": {
            "url": "https://93.184.215.14/hijack",
            "event_types": ["invoice.created"],
        },
    }
    item = items.get(endpoint.basename, {})
    if endpoint.name.endswith("-bulk"):
        return {"items": [item]}
    if endpoint.name.endswith(("-list", "-detail", "-by-external-id")):
        return item
    return {}  # an action on an object: its body is optional
