"""One message for one customer: the contact it goes to, the context, the parts a channel
sends. The worker composes every reminder here, and the template editor's preview shows
what a customer would get by the same function — with a sample in place of the portal link,
since whoever previews may not act for the customer."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from collections_app.models import PromiseToPay
from collections_app.portal.links import portal_url, sample_url
from collections_app.rules.recipients import pick_contact, usable_address
from kapittx.localtime import local_today
from kapittx.tenancy import scoped
from receivables.models import Contact, Customer, Invoice
from reminders.channels.base import ChannelError
from reminders.channels.registry import CHANNELS
from reminders.messages.context import build_context
from reminders.messages.render import Rendered, render
from reminders.models import PORTAL_LINK_DAYS, ReminderSettings, Template
from reminders.outbox.batch_memo import memo


@dataclass(frozen=True)
class Message:
    contact: Contact | None
    recipient: str
    language: str
    subject: str
    body_html: str
    body_text: str
    rendered: Rendered  # every part rendered


def latest_promises(tenant_id: int, customer_ids: Collection[int]) -> dict[int, PromiseToPay]:
    """Return each customer's latest open or broken promise (for the promise templates)."""
    latest: dict[int, PromiseToPay] = {}
    for promise in (
        scoped(PromiseToPay, tenant_id)
        .filter(
            customer_id__in=list(customer_ids),
            status__in=[PromiseToPay.Status.OPEN, PromiseToPay.Status.BROKEN],
        )
        .order_by("created_at", "pk")
    ):
        latest[promise.customer_id] = promise
    return latest


def compose(
    *,
    customer: Customer,
    channel: str,
    template: Template,
    invoices: Iterable[Invoice],
    promise: PromiseToPay | None,
    now: datetime,
    tone: str = "",
    all_parts: bool = False,
    contact_required: bool = True,
    to: Contact | None = None,
    sample_link: bool = False,
) -> Message:
    """Render ``template`` for ``customer`` about ``invoices``, in ``tone`` (which decides what
    is demanded and what only coming due), as ``channel`` sends it (every part with
    ``all_parts``), to the contact ``to`` (default: the customer's preferred one). Raise
    ``ChannelError`` when no contact can take it (unless ``contact_required`` is off), and
    ``TemplateError`` when the template does not render for this customer.

    The portal link opens the page for the contact written to, for the tenant's link
    lifetime; ``sample_link`` puts a sample in its place (for previews)."""
    if to is not None and to.customer_id != customer.pk:
        raise ValueError(f"{to!r} is not a contact of {customer!r}.")
    kind = CHANNELS[channel]
    contact, address = None, ""
    if kind.point is not None:
        if to is None:
            picked = pick_contact(customer, channel, kind.point)
        else:
            address = usable_address(to, channel, kind.point)
            picked = (to, address) if address else None
        if picked is None and contact_required:
            raise ChannelError(f"no usable {kind.label} contact", permanent=True)
        contact, address = picked or (None, "")
    context = build_context(
        tenant=customer.tenant,
        customer=customer,
        invoices=invoices,
        contact=contact,
        today=local_today(now, customer.effective_time_zone()),
        portal_url=sample_url() if sample_link else _portal_link(contact, now),
        promise=promise,
        tone=tone,
    )
    html, text = kind.parts
    parts = None if all_parts else ["subject", *filter(None, (html, text))]
    rendered = render(template, context, *([parts] if parts else []))
    return Message(
        contact=contact,
        recipient=address,
        language=template.language,
        subject=rendered.subject,
        body_html=getattr(rendered, html) if html else "",
        body_text=getattr(rendered, text),
        rendered=rendered,
    )


def _portal_link(contact: Contact | None, now: datetime) -> str:
    """Return ``contact``'s portal link, working for the tenant's link lifetime from ``now``;
    "" for a message to no contact (a member's task), as a link answers for one contact."""
    if contact is None:
        return ""
    options = memo(
        ("reminder_settings", contact.tenant_id),
        lambda: ReminderSettings.objects.filter(tenant_id=contact.tenant_id).first(),
    )
    days = options.portal_link_days if options else PORTAL_LINK_DAYS
    return portal_url(contact, now + timedelta(days=days))
