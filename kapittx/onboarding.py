"""A new tenant, ready to chase: the tenancy row, then what every app sets up for it.

This is the project shell's one place that creates tenants (commands, the demo and tests
call it), so each app's set-up is an explicit call here, in layer order, rather than a
signal fired by a save.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from kapittx.models import Tenant
from reminders.setup.library import equip_tenant


@transaction.atomic
def create_tenant(
    slug: str,
    name: str,
    *,
    currency: str = "EUR",
    time_zone: str = "UTC",
    country: str = "",
    language: str = "en",
) -> Tenant:
    """Create a tenant after validating every field (raise ValidationError if any is wrong),
    with the ready template library, send settings and the default workflow."""
    if Tenant.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"A tenant with slug {slug!r} already exists."})
    tenant = Tenant(
        slug=slug,
        name=name,
        base_currency=currency.upper(),
        time_zone=time_zone,
        country=country.upper(),
        language=language,
    )
    tenant.full_clean()
    tenant.save()
    equip_tenant(tenant)
    return tenant
