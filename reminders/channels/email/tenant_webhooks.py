"""Delivery reports and replies from a tenant's own email provider account.

A tenant that sends through its own ESP account points that ESP at its own addresses,
``/hooks/t/<tenant id>/anymail/<esp>/tracking/`` and ``…/inbound/``. Each is anymail's webhook
view for that ESP, checked with the tenant's own basic-auth secret and, where the ESP signs
that kind of webhook, the tenant's signing key for it (without the key the address does not
exist). What arrives there touches only that tenant's reminders and contacts.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from reminders.channels.accounts import provider_config
from reminders.channels.email.esp_webhooks import KINDS, run_webhook, view_class_for
from reminders.channels.email.esps import WEBHOOK_USER, esp_of, signing_key
from reminders.channels.encryption import CredentialsUnreadable
from reminders.models import ProviderAccount


def webhook_options(config: dict | None, kind: str) -> tuple[str, dict] | None:
    """Return (ESP, anymail's options) for the own account's ``kind`` address, or None when
    it has none: no ESP chosen on the page, no webhook secret, or a signing key missing."""
    esp = esp_of(config)
    if not esp or not config.get("webhook_secret") or view_class_for(esp, kind) is None:
        return None
    options = {"webhook_secret": f"{WEBHOOK_USER}:{config['webhook_secret']}"}
    if key_name := signing_key(esp, kind):
        if not config.get(key_name):
            return None
        options[key_name] = config[key_name]
    return esp, options


def webhook_urls(tenant_id: int, config: dict | None) -> dict[str, str]:
    """Return the addresses (basic auth included) the tenant's ESP should call, by kind;
    empty when the account cannot report."""
    # The public address as providers see it (with any path prefix), as for Twilio's.
    scheme, _, rest = settings.KAPITTX_PUBLIC_URL.partition("://")
    found = {}
    for kind in KINDS:
        if options := webhook_options(config, kind):
            path = f"/hooks/t/{tenant_id}/anymail/{options[0]}/{kind}/"
            found[kind] = f"{scheme}://{WEBHOOK_USER}:{config['webhook_secret']}@{rest}{path}"
    return found


@csrf_exempt
def tenant_esp_webhook(request: HttpRequest, tenant_id: int, esp: str, kind: str) -> HttpResponse:
    """Run anymail's ``kind`` webhook for ``esp`` with the tenant's own secrets."""
    try:
        config = provider_config(tenant_id, ProviderAccount.Provider.EMAIL)
    except CredentialsUnreadable:
        # Nothing can be checked until the operator restores the key; the ESP retries.
        return HttpResponse("Credentials unreadable.", status=503)
    found = webhook_options(config, kind)
    if found is None or found[0] != esp:
        raise Http404("No such webhook.")
    return run_webhook(request, esp, kind, found[1], tenant_id=tenant_id)
