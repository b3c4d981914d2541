"""Every new tenant starts with the ready template library and a default workflow; changes to
invoices and customers send their reminder positions back to the sweep."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from kapittx.models import Tenant
from receivables.models import OPEN_STATUSES, Customer, Invoice
from reminders import positions
from reminders.library import install_default_workflow, install_library


@receiver(post_save, sender=Tenant, dispatch_uid="reminders.equip_new_tenant")
def equip_new_tenant(sender: type[Tenant], instance: Tenant, created: bool, raw: bool, **kwargs):
    """Install the library and the default workflow into a tenant that was just created; an
    edited tenant (its time zone or country) has its invoices placed again."""
    # Fixture loading (raw) replays rows as they were; it must not grow extra ones.
    if raw:
        return
    if not created:
        positions.look_again_for_tenant(instance)
        return
    install_library(instance)
    install_default_workflow(instance)


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
