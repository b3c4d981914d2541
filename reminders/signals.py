"""Every new tenant starts with the ready template library and a default workflow."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from kapittx.models import Tenant
from reminders.library import install_default_workflow, install_library


@receiver(post_save, sender=Tenant, dispatch_uid="reminders.equip_new_tenant")
def equip_new_tenant(sender: type[Tenant], instance: Tenant, created: bool, raw: bool, **kwargs):
    """Install the library and the default workflow into a tenant that was just created."""
    # Fixture loading (raw) replays rows as they were; it must not grow extra ones.
    if not created or raw:
        return
    install_library(instance)
    install_default_workflow(instance)
