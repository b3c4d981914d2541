"""Fixtures the reminder tests share: a book of customers spread over segments, and Twilio
replaced at its HTTP boundary for the settings page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reminders.models import Segment
from reminders.setup.customers import pin_workflow
from tests.reminders.fakes import FAKE_TWILIO_HTTP, FakeTwilioHttp
from tests.reminders.scenario import make_customer, make_invoice, make_workflow


def segment(tenant, name, priority, rules, workflow) -> Segment:
    return Segment.objects.create(
        tenant=tenant, name=name, priority=priority, workflow=workflow, rules=rules
    )


@pytest.fixture
def book(tenant):
    """Four German customers owing: one pinned, two in "Germany", one taken earlier by "VIP"."""
    firm = make_workflow(tenant, name="Firm", default=False)
    due = timezone.localdate() + timedelta(days=2)
    customers = {}
    for key, tags in [("pinned", []), ("brandt", []), ("kessler", []), ("vip", ["vip"])]:
        customer = make_customer(tenant, key, name=key.title(), tags=tags)
        make_invoice(tenant, customer, f"INV-{key}", due)
        customers[key] = customer
    pin_workflow(customers["pinned"], firm)
    segment(tenant, "VIP", 1, [{"field": "tags", "op": "has", "value": "vip"}], firm)
    germany = segment(tenant, "Germany", 5, [{"field": "country", "op": "eq", "value": "DE"}], firm)
    return germany, customers


@pytest.fixture
def fake_twilio(settings):
    """Twilio at its HTTP boundary: it knows the account and its number unless told not to."""
    settings.KAPITTX_TWILIO_HTTP_CLIENT = FAKE_TWILIO_HTTP
    FakeTwilioHttp.reset()
    yield FakeTwilioHttp
    FakeTwilioHttp.reset()
