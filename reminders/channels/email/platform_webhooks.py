"""Delivery reports and replies from the platform's email provider, at
``/hooks/anymail/<esp>/tracking/`` and ``…/inbound/``.

An address answers only when it can tell the ESP from anyone else: the platform's webhook
password (``ANYMAIL_WEBHOOK_SECRET``, HTTP basic auth) is set, and so is the ESP's signing
key where the ESP signs that kind of webhook. Otherwise it is not set up: 404.
"""

from anymail.utils import get_anymail_setting
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from reminders.channels.email.esp_webhooks import run_webhook, view_class_for
from reminders.channels.email.esps import signing_key


def webhook_secrets() -> list[str]:
    """Return the platform's webhook passwords ("user:password"), the current one first."""
    secret = get_anymail_setting("webhook_secret", default=[])
    return [secret] if isinstance(secret, str) and secret else list(secret or [])


def platform_signing_key(esp: str, kind: str) -> str | None:
    """Return the platform's key for ``esp``'s signed ``kind`` webhooks: "" when the ESP
    does not sign them, None when it does and the key is not set."""
    key_name = signing_key(esp, kind)
    view_class = view_class_for(esp, kind)
    if not key_name or view_class is None:
        return ""
    return get_anymail_setting(key_name, esp_name=view_class.esp_name, default=None) or None


@csrf_exempt
def platform_esp_webhook(request: HttpRequest, esp: str, kind: str) -> HttpResponse:
    """Run anymail's ``kind`` webhook for ``esp`` with the platform's secrets."""
    if not webhook_secrets() or platform_signing_key(esp, kind) is None:
        raise Http404("This webhook is not set up.")
    return run_webhook(request, esp, kind, {}, tenant_id=None)
