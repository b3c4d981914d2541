"""Telling a tenant's owners by email that the workers switched off one of its endpoints."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from integrations.outgoing.models import WebhookSubscription
from kapittx.models import Membership
from kapittx.roles import Role

log = logging.getLogger(__name__)


def endpoint_disabled(subscription: WebhookSubscription) -> int:
    """Email the tenant's owners why ``subscription`` was switched off; return how many
    were told."""
    tenant = subscription.tenant
    owners = list(
        Membership.objects.filter(tenant=tenant, role=Role.OWNER, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not owners:
        return 0
    page = settings.KAPITTX_PUBLIC_URL + reverse(
        "webhook_detail", kwargs={"tenant_slug": tenant.slug, "webhook_id": subscription.pk}
    )
    body = (
        f"Kapittx stopped sending events to the webhook endpoint {subscription.url} of "
        f"{tenant.name}.\n\n"
        f"Why: {subscription.disabled_reason}\n\n"
        "Events that happen while it is off are not kept for it. When the endpoint works "
        "again, switch it back on; deliveries that failed can be sent again from its "
        f"delivery log:\n{page}\n"
    )
    try:
        send_mail(f"{tenant.name}: webhook endpoint switched off", body, None, owners)
    except Exception:
        # The page shows the endpoint off and why; a mail outage must not fail the worker.
        log.exception("Could not tell the owners of tenant %s", tenant.pk)
        return 0
    return len(owners)
