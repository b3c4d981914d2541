"""An invoice that changes — saved, changed in bulk, deleted — makes its tenant's payment
habits due for the next hourly refresh (``receivables.behaviour``)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kapittx.deletions import deleted_itself
from receivables import signals
from receivables.behaviour import habits_changed
from receivables.models import Invoice


@receiver(post_save, sender=Invoice, dispatch_uid="receivables.habits_after_invoice_saved")
def invoice_saved(sender: type[Invoice], instance: Invoice, raw: bool, **kwargs) -> None:
    # Fixture loading (raw) replays rows as they were.
    if not raw:
        habits_changed(instance.tenant_id)


@receiver(post_delete, sender=Invoice, dispatch_uid="receivables.habits_after_invoice_deleted")
def invoice_deleted(sender: type[Invoice], instance: Invoice, origin=None, **kwargs) -> None:
    # Invoices deleted with their customer or tenant take those habits with them.
    if deleted_itself(origin, Invoice):
        habits_changed(instance.tenant_id)


@receiver(signals.invoices_changed, dispatch_uid="receivables.habits_after_invoices_changed")
def invoices_changed(sender, tenant_id: int, **kwargs) -> None:
    habits_changed(tenant_id)
