"""Changes made elsewhere — to invoices, customers, the tenant, disputes and promises to pay —
send the affected reminder positions back to the next sweep (admin edits and the ledger
alike). A held invoice waits for the day its hold may end (``reminders.outbox.sweep``); these
bring it back sooner when a hold is lifted early."""

from collections.abc import Collection

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from collections_app.models import Dispute, PromiseToPay
from kapittx.deletions import deleted_itself
from kapittx.models import Tenant
from receivables import signals
from receivables.models import OPEN_STATUSES, Customer, Invoice
from reminders.outbox import positions


@receiver(post_save, sender=Tenant, dispatch_uid="reminders.place_edited_tenant")
def place_edited_tenant(sender: type[Tenant], instance: Tenant, created: bool, raw: bool, **kwargs):
    """An edited tenant (its time zone or country) has its invoices placed again."""
    # Fixture loading (raw) replays rows as they were.
    if raw or created:
        return
    positions.look_again_for_tenant(instance)


@receiver(post_save, sender=Invoice, dispatch_uid="reminders.place_changed_invoice")
def place_changed_invoice(sender: type[Invoice], instance: Invoice, raw: bool, **kwargs):
    """A new, reopened, re-dated or paid-down open invoice is placed again by the next sweep."""
    if raw or instance.status not in OPEN_STATUSES:
        return
    positions.look_again([(instance.pk, instance.tenant_id)])


@receiver(post_save, sender=Customer, dispatch_uid="reminders.place_changed_customer")
def place_changed_customer(
    sender: type[Customer], instance: Customer, created: bool, raw: bool, **kwargs
):
    """An edited customer may belong to another segment, zone or workflow now."""
    if raw or created:
        return
    positions.look_again_for_customer(instance.tenant_id, instance.pk)


@receiver(signals.invoices_changed, dispatch_uid="reminders.place_invoices_changed_in_bulk")
def place_invoices_changed_in_bulk(
    sender, tenant_id: int, invoice_ids: list[int], new_ids: Collection[int] = (), **kwargs
):
    """Invoices an import or an API batch created or changed are placed by the next sweep."""
    new = set(new_ids)
    positions.place_new((pk, tenant_id) for pk in invoice_ids if pk in new)
    positions.look_again((pk, tenant_id) for pk in invoice_ids if pk not in new)


@receiver(signals.customers_changed, dispatch_uid="reminders.place_customers_changed_in_bulk")
def place_customers_changed_in_bulk(sender, tenant_id: int, customer_ids: list[int], **kwargs):
    """Customers changed in bulk may belong to another segment, zone or workflow now."""
    positions.look_again_for_customers(tenant_id, customer_ids)


@receiver(post_save, sender=Dispute, dispatch_uid="reminders.place_closed_dispute")
def place_closed_dispute(sender: type[Dispute], instance: Dispute, raw: bool, **kwargs):
    """An invoice whose dispute is resolved or withdrawn is placed again by the next sweep."""
    if raw or instance.status == Dispute.Status.OPEN:
        return
    positions.look_again_for_invoices(instance.tenant_id, [instance.invoice_id])


@receiver(post_delete, sender=Dispute, dispatch_uid="reminders.place_deleted_dispute")
def place_deleted_dispute(sender: type[Dispute], instance: Dispute, origin=None, **kwargs):
    """An invoice whose dispute is deleted is placed again by the next sweep."""
    if deleted_itself(origin, Dispute):
        positions.look_again_for_invoices(instance.tenant_id, [instance.invoice_id])


@receiver(post_save, sender=PromiseToPay, dispatch_uid="reminders.place_promised_customer")
def place_promised_customer(
    sender: type[PromiseToPay], instance: PromiseToPay, raw: bool, **kwargs
):
    """A promise made, re-dated, kept, broken or cancelled changes how long its customer is
    held: the customer's open invoices are placed again by the next sweep.

    A new promise replaces the open ones in a single update
    (``collections_app.actions.promise_payment``); saving the new one brings the customer
    back, which matters when it falls due sooner than the promise it replaces.
    """
    if raw:
        return
    positions.look_again_for_customer(instance.tenant_id, instance.customer_id)


@receiver(post_delete, sender=PromiseToPay, dispatch_uid="reminders.place_unpromised_customer")
def place_unpromised_customer(
    sender: type[PromiseToPay], instance: PromiseToPay, origin=None, **kwargs
):
    """A customer whose promise is deleted has their open invoices placed by the next sweep."""
    if deleted_itself(origin, PromiseToPay):
        positions.look_again_for_customer(instance.tenant_id, instance.customer_id)
