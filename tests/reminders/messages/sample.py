"""A sample account for the message tests: a customer with a contact, invoices billed to it,
the context a template sees for them, and an unsaved template."""

from datetime import date
from decimal import Decimal

from receivables import ledger
from receivables.models import Contact, Customer
from reminders.messages.context import build_context
from reminders.models import Template

TODAY = date(2026, 3, 30)
PORTAL = "https://pay.kapittx.example/p/4f9c2a7e1b3d4c5a8e6f0a1b2c3d4e5f"


def make_customer(tenant, name: str = "Brandt Maschinenbau GmbH", language: str = "en"):
    customer = Customer.objects.create(
        tenant=tenant, external_id="C-100", name=name, currency="EUR", language=language
    )
    contact = Contact.objects.create(
        tenant=tenant,
        customer=customer,
        name="Jana Brandt",
        email="ap@brandt.test",
        phone="+4930123456",
    )
    return customer, contact


def bill(tenant, customer, number: str, due: date, amount: str, currency: str = "EUR"):
    return ledger.create_invoice(
        tenant,
        customer,
        number=number,
        issue_date=date(2026, 1, 5),
        due_date=due,
        subtotal=Decimal(amount),
        currency=currency,
    )


def context_for(tenant, account, **overrides):
    customer, contact, invoices = account
    options = dict(
        tenant=tenant,
        customer=customer,
        invoices=invoices,
        contact=contact,
        today=TODAY,
        portal_url=PORTAL,
    )
    options.update(overrides)
    return build_context(**options)


def draft(tenant, **parts) -> Template:
    return Template(tenant=tenant, key="custom", language="en", name="Custom", **parts)
