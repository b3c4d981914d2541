"""Which contact of a customer a reminder on a channel goes to."""

from receivables.models import Contact, ContactRole, Customer

#: Contact roles in order of preference for reminders.
ROLE_ORDER = [ContactRole.BILLING, ContactRole.PRIMARY, ContactRole.PURCHASING, ContactRole.OTHER]


def address_for(contact: Contact, channel: str) -> str:
    """Return ``contact``'s address on ``channel`` ("" if it has none)."""
    if channel == "email":
        return contact.email
    if channel == "whatsapp":
        return contact.whatsapp or contact.phone
    if channel in ("sms", "voice"):
        return contact.phone
    return ""


def pick_contact(customer: Customer, channel: str) -> tuple[Contact, str] | None:
    """Return the preferred contact and address usable on ``channel``, or None.

    Contacts that opted out of the channel or whose address on it proved invalid are passed
    over.
    """
    contacts = sorted(
        customer.contacts.all(),
        key=lambda c: (ROLE_ORDER.index(c.role) if c.role in ROLE_ORDER else 99, c.pk),
    )
    for contact in contacts:
        if channel in contact.opted_out_channels or channel in contact.invalid_channels:
            continue
        address = address_for(contact, channel)
        if address:
            return contact, address
    return None
