"""Delivery reports and replies from a tenant's own email provider account.

A tenant that sends through its own ESP account points that ESP at its own addresses,
``/hooks/t/<tenant id>/anymail/<esp>/tracking/`` and ``…/inbound/``. Each is anymail's webhook
view for that ESP, checked with the tenant's own basic-auth secret (and the ESP's signing key
where the ESP signs its webhooks). While one runs, ``webhook_tenant`` names the tenant, and
the receivers touch no other tenant's reminders or contacts.
"""

from contextvars import ContextVar

from anymail import urls as anymail_urls
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from reminders.channels.accounts import provider_config
from reminders.channels.email.esps import SIGNING_KEYS, WEBHOOK_USER, esp_of
from reminders.models import ProviderAccount

#: The tenant whose own ESP webhook is being handled, else None (the platform's webhooks).
webhook_tenant: ContextVar[int | None] = ContextVar("kapittx_webhook_tenant", default=None)

#: anymail's webhook view classes by their URL names, e.g. "postmark_tracking_webhook".
VIEWS = {
    pattern.name: pattern.callback.view_class
    for pattern in anymail_urls.urlpatterns
    if hasattr(pattern.callback, "view_class")
}
KINDS = ("tracking", "inbound")


def reporting_esp(config: dict | None) -> str:
    """Return the ESP of an own email account that can report to its own addresses; "" when
    it cannot (no ESP chosen on the page, no webhook secret, or a signing key missing)."""
    esp = esp_of(config)
    if not esp or not config.get("webhook_secret"):
        return ""
    if esp in SIGNING_KEYS and not config.get(SIGNING_KEYS[esp]):
        return ""
    return esp


def webhook_urls(tenant_id: int, config: dict | None) -> dict[str, str]:
    """Return the addresses (basic auth included) the tenant's ESP should call, by kind;
    empty when the account cannot report."""
    esp = reporting_esp(config)
    if not esp:
        return {}
    # The public address as providers see it (with any path prefix), as for Twilio's.
    scheme, _, rest = settings.KAPITTX_PUBLIC_URL.partition("://")
    found = {}
    for kind in KINDS:
        if f"{esp}_{kind}_webhook" in VIEWS:
            path = f"/hooks/t/{tenant_id}/anymail/{esp}/{kind}/"
            found[kind] = f"{scheme}://{WEBHOOK_USER}:{config['webhook_secret']}@{rest}{path}"
    return found


@csrf_exempt
def tenant_esp_webhook(request: HttpRequest, tenant_id: int, esp: str, kind: str) -> HttpResponse:
    """Run anymail's ``kind`` webhook for ``esp`` with the tenant's own secrets."""
    config = provider_config(tenant_id, ProviderAccount.Provider.EMAIL)
    view_class = VIEWS.get(f"{esp}_{kind}_webhook")
    if view_class is None or kind not in KINDS or reporting_esp(config) != esp:
        raise Http404("No such webhook.")
    options = {"webhook_secret": f"{WEBHOOK_USER}:{config['webhook_secret']}"}
    if esp in SIGNING_KEYS:
        options[SIGNING_KEYS[esp]] = config[SIGNING_KEYS[esp]]
    try:
        view = view_class(**options)
    except ImproperlyConfigured:
        raise Http404("This webhook is not set up.") from None
    view.setup(request)
    token = webhook_tenant.set(tenant_id)
    try:
        return view.dispatch(request)
    finally:
        webhook_tenant.reset(token)
