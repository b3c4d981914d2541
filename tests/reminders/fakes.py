"""Twilio replaced at its HTTP boundary, and Twilio's side of a webhook, for channel tests.

The real ``twilio`` library builds every request; ``FakeTwilioHttp`` only records it and
answers with canned JSON, so tests see exactly what would have gone over the wire.
"""

import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import ClassVar

import requests
from django.conf import settings
from django.test import Client
from django.utils import timezone
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator

from kapittx.models import Tenant
from receivables.ledger import create_invoice
from receivables.models import Contact, Customer
from reminders.models import Dispatch, DispatchInvoice, DispatchStatus

FAKE_TWILIO_HTTP = "tests.reminders.fakes.FakeTwilioHttp"


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    data: dict
    auth: tuple | None


class FakeTwilioHttp(HttpClient):
    """Record each request; answer from ``replies`` in order, else 201 with a fresh SID."""

    requests: ClassVar[list[Request]] = []
    replies: ClassVar[list[Response | Exception]] = []

    def __init__(self) -> None:
        super().__init__(logging.getLogger("tests.twilio"), is_async=False)

    def request(
        self,
        method: str,
        uri: str,
        params: dict | None = None,
        data: dict | None = None,
        headers: dict | None = None,
        auth: tuple | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        self.requests.append(Request(method, uri, dict(data or {}), auth))
        if self.replies:
            reply = self.replies.pop(0)
            if isinstance(reply, Exception):
                raise reply
            return reply
        prefix = "CA" if uri.endswith("/Calls.json") else "SM"
        return ok({"sid": f"{prefix}{len(self.requests):032d}", "status": "queued"})

    @classmethod
    def reset(cls) -> None:
        cls.requests.clear()
        cls.replies.clear()


def ok(body: dict) -> Response:
    return Response(201, json.dumps(body))


def found(body: dict) -> Response:
    """A 200 answer, as Twilio gives to reads (lists must come with 200)."""
    return Response(200, json.dumps(body))


def error(status: int, code: int | None = None, message: str = "Error") -> Response:
    if code is None:
        return Response(status, "<html>Service Unavailable</html>")
    return Response(status, json.dumps({"code": code, "message": message, "status": status}))


def network_down() -> requests.ConnectionError:
    return requests.ConnectionError("connection refused")


def twilio_post(
    client: Client,
    path: str,
    params: dict,
    token: str,
    *,
    signature: str | None = None,
    signed_params: dict | None = None,
):
    """POST ``params`` to ``path`` as Twilio would, signed with ``token``.

    ``signed_params`` signs other values than are sent (a tampered request);
    ``signature=""`` sends no signature header at all.
    """
    if signature is None:
        url = settings.KAPITTX_PUBLIC_URL + path
        signature = RequestValidator(token).compute_signature(url, signed_params or params)
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    return client.post(path, params, **headers)


def make_customer(tenant: Tenant, external_id: str = "C-1", **fields) -> Customer:
    fields = {"name": f"Customer {external_id}", "currency": "EUR", **fields}
    return Customer.objects.create(tenant=tenant, external_id=external_id, **fields)


def make_contact(customer: Customer, **fields) -> Contact:
    fields = {
        "name": "Pat Payables",
        "email": "pat@customer.test",
        "phone": "+4930123456",
        "whatsapp": "+4915112345678",
        **fields,
    }
    return Contact.objects.create(tenant_id=customer.tenant_id, customer=customer, **fields)


def make_dispatch(contact: Contact, channel: str = "email", **fields) -> Dispatch:
    """Return a dispatch as the worker leaves it just before (or after) calling the adapter."""
    now = timezone.now()
    recipient = contact.email if channel == "email" else contact.phone
    if channel == "whatsapp":
        recipient = contact.whatsapp
    fields = {
        "status": DispatchStatus.SENDING,
        "recipient": recipient,
        "language": contact.customer.language or "en",
        "subject": "Invoice 2026-001 is overdue",
        "body_html": "<p>Invoice <b>2026-001</b> is overdue.</p>",
        "body_text": "Invoice 2026-001 is overdue.",
        **fields,
    }
    customer = contact.customer
    count = Dispatch.objects.filter(tenant_id=contact.tenant_id).count()
    invoice = create_invoice(
        customer.tenant,
        customer,
        number=f"2026-{customer.pk}-{count}",
        issue_date=date(2026, 2, 1),
        due_date=date(2026, 3, 1),
        subtotal=Decimal("100.00"),
    )
    dispatch = Dispatch.objects.create(
        tenant_id=contact.tenant_id,
        key=f"test:{contact.customer_id}:{channel}:{count}",
        customer=contact.customer,
        channel=channel,
        tone="reminder",
        template_key="overdue-polite",
        due_at=now - timedelta(days=7),
        send_after=now,
        contact=contact,
        **fields,
    )
    DispatchInvoice.objects.create(tenant_id=dispatch.tenant_id, dispatch=dispatch, invoice=invoice)
    return dispatch
