"""Which contact of a customer a reminder goes to, and at which address.

A channel reaches a contact through one of its address points: ``email``, ``phone`` or
``whatsapp`` (a WhatsApp number, else the phone). Contacts that opted out of the channel,
or whose address on it proved invalid, are passed over.
"""

from receivables.models import Contact, ContactRole, Customer

#: Contact roles in order of preference for reminders.
ROLE_ORDER = [ContactRole.BILLING, ContactRole.PRIMARY, ContactRole.PURCHASING, ContactRole.OTHER]
#: The address points a channel can use.
POINTS = ("email", "phone", "whatsapp")


def address_for(contact: Contact, point: str) -> str:
    """Return ``contact``'s address at ``point`` ("" if it has none)."""
    if point == "email":
        return contact.email
    if point == "whatsapp":
        return contact.whatsapp or contact.phone
    if point == "phone":
        return contact.phone
    return ""


def usable_address(contact: Contact, channel: str, point: str) -> str:
    """Return ``contact``'s address on ``channel`` (which reaches contacts at ``point``), or
    "" when it has none, opted out of the channel or its address there proved invalid."""
    if channel in contact.opted_out_channels or channel in contact.invalid_channels:
        return ""
    return address_for(contact, point)


def pick_contact(customer: Customer, channel: str, point: str) -> tuple[Contact, str] | None:
    """Return the preferred contact and address usable on ``channel`` (which reaches
    contacts at ``point``), or None."""
    contacts = sorted(
        customer.contacts.all(),
        key=lambda c: (ROLE_ORDER.index(c.role) if c.role in ROLE_ORDER else 99, c.pk),
    )
    for contact in contacts:
        address = usable_address(contact, channel, point)
        if address:
            return contact, address
    return None
