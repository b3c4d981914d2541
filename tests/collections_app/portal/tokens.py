"""Portal links for the tests: a working token for a customer's first contact."""

from datetime import datetime, timedelta
from urllib.parse import urlparse

from django.utils import timezone

from collections_app.portal.links import portal_token
from receivables.models import Contact, Customer


def contact_of(customer: Customer) -> Contact:
    """Return the customer's first contact, making one when it has none."""
    return customer.contacts.order_by("pk").first() or Contact.objects.create(
        tenant_id=customer.tenant_id,
        customer=customer,
        name="Pat Payables",
        email=f"ap-{customer.external_id}@x.test",
    )


def token_for(customer: Customer, *, days: int = 60, now: datetime | None = None) -> str:
    """Return a token opening ``customer``'s page for ``days`` from ``now``."""
    return portal_token(contact_of(customer), (now or timezone.now()) + timedelta(days=days))


def path_of(url: str) -> str:
    """Return the path of a link, for the test client."""
    return urlparse(url).path
