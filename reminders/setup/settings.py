"""Changes to when and as whom a tenant's reminders go: its reminder settings and defaults."""

from django.db import transaction

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from reminders.models import Dispatch, ReminderSettings
from reminders.outbox.release import ask_the_gate_again


@transaction.atomic
def save_tenant_defaults(tenant: Tenant, changed: list[str], zone_changed: bool) -> None:
    """Save the tenant's defaults (``changed`` names the fields). Its invoices are placed again
    by the next sweep; a new default time zone or country also has waiting reminders timed
    again, as their customers' local time or holidays may have changed."""
    if not changed:
        return
    tenant.save(update_fields=changed)
    if zone_changed:
        ask_the_gate_again(scoped(Dispatch, tenant))


@transaction.atomic
def save_reminder_settings(
    row: ReminderSettings, timing_changed: bool, payment_instructions: str | None = None
) -> ReminderSettings:
    """Save a tenant's reminder settings (and, when given, how its customers pay).

    When the send window, the days between reminders or the on/off switch changed, waiting
    reminders are timed by the new rules at the next release (one deferred for a
    switched-off tenant would otherwise wait for the old answer).
    """
    row.save()
    if payment_instructions is not None:
        # Not a change to what is due: no reason to place the tenant's invoices again.
        Tenant.objects.filter(pk=row.tenant_id).update(payment_instructions=payment_instructions)
        row.tenant.payment_instructions = payment_instructions
    if timing_changed:
        ask_the_gate_again(scoped(Dispatch, row.tenant_id))
    return row
