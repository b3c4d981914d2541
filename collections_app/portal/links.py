"""Links to a customer's payment-status portal, signed so they cannot be guessed."""

from django.conf import settings
from django.core import signing

from receivables.models import Customer

SALT = "kapittx.portal"


def portal_token(customer: Customer) -> str:
    return signing.dumps({"t": customer.tenant_id, "c": customer.pk}, salt=SALT, compress=True)


def portal_url(customer: Customer) -> str:
    """Return the public portal address for ``customer``."""
    return f"{settings.KAPITTX_PUBLIC_URL}/portal/{portal_token(customer)}/"


def customer_from_token(token: str) -> Customer | None:
    """Return the customer a portal token names, or None if it is forged."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return Customer.objects.filter(tenant_id=data.get("t"), pk=data.get("c")).first()
