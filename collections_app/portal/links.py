"""Links to a customer's payment-status portal: signed, for one contact, until a date.

A token names the tenant, the customer and the contact it was sent to, the contact's link
generation and the moment it stops working, all signed with ``SECRET_KEY``, so it cannot be
guessed, pointed at another customer or made to last longer. Revoking a contact's links
raises the contact's generation: every link signed with the old one stops working at once.
Links of the first kind (a customer, no contact, no end) are read as expired.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.utils import timezone

from collections_app import events
from kapittx.models import User
from receivables.models import Contact, Customer

SALT = "kapittx.portal"
#: What a message shows in place of a link when it is only previewed: the portal refuses it.
SAMPLE_TOKEN = "sample-link-preview-only"


class State:
    VALID = "valid"  # opens the page
    EXPIRED = "expired"  # past its end, or of the first kind: a fresh one may be asked for
    REVOKED = "revoked"  # a member revoked the contact's links, or the contact is gone


@dataclass(frozen=True)
class PortalLink:
    """What a signed token says, read against the database now."""

    customer: Customer
    contact: Contact | None  # None for a link of the first kind, or a contact since removed
    state: str
    expires_at: datetime | None = None

    @property
    def holder(self) -> str:
        """Name who holds the link, for counting what it does."""
        return f"{self.customer.tenant_id}:{self.customer.pk}:{getattr(self.contact, 'pk', 0)}"


def portal_token(contact: Contact, expires_at: datetime) -> str:
    """Return the signed token that opens ``contact``'s customer's page until ``expires_at``."""
    return signing.dumps(
        {
            "t": contact.tenant_id,
            "c": contact.customer_id,
            "p": contact.pk,
            "g": contact.portal_link_generation,
            "e": int(expires_at.timestamp()),
        },
        salt=SALT,
        compress=True,
    )


def portal_url(contact: Contact, expires_at: datetime) -> str:
    """Return the public portal address for ``contact`` that works until ``expires_at``."""
    return f"{settings.KAPITTX_PUBLIC_URL}/portal/{portal_token(contact, expires_at)}/"


def sample_url() -> str:
    """Return the stand-in link a preview shows: clearly a sample, refused by the portal."""
    return f"{settings.KAPITTX_PUBLIC_URL}/portal/{SAMPLE_TOKEN}/"


def read_link(token: str, now: datetime | None = None) -> PortalLink | None:
    """Return what ``token`` says at ``now`` (default: now), or None if it is forged."""
    try:
        data = signing.loads(token, salt=SALT)
        customer = (
            Customer.objects.select_related("tenant")
            .filter(tenant_id=data["t"], pk=data["c"])
            .first()
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if customer is None:
        return None
    if "p" not in data:
        return PortalLink(customer, None, State.EXPIRED)
    try:
        contact = Contact.objects.filter(
            tenant_id=customer.tenant_id, customer=customer, pk=data["p"]
        ).first()
        expires_at = datetime.fromtimestamp(int(data["e"]), tz=UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None
    if contact is None or data.get("g") != contact.portal_link_generation:
        return PortalLink(customer, contact, State.REVOKED, expires_at)
    if (now or timezone.now()) >= expires_at:
        return PortalLink(customer, contact, State.EXPIRED, expires_at)
    return PortalLink(customer, contact, State.VALID, expires_at)


def revoke_links(contact: Contact, by: User) -> None:
    """Stop every payment-page link sent to ``contact`` so far; links sent later work."""
    Contact.objects.filter(pk=contact.pk).update(
        portal_link_generation=F("portal_link_generation") + 1
    )
    contact.refresh_from_db(fields=["portal_link_generation"])
    events.record(
        contact.customer,
        events.Kind.PORTAL_LINKS_REVOKED,
        f"Payment-page links sent to {contact} revoked by {by.email}",
        contact_id=contact.pk,
        user_id=by.pk,
    )
