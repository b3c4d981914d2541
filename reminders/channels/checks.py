"""System checks for what production needs of the channels: the password of the platform's
email webhooks, a key of its own for provider credentials, and a public https address.

They are errors only with ``DEBUG`` off (the embedded run needs none of them), and every
command that runs checks refuses to go on with an error: ``check --deploy``, ``migrate``
(which the production start runs first) and the web process (``kapittx.wsgi``).
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from reminders.channels.email.esps import esp_of_backend, signing_key
from reminders.channels.email.platform_webhooks import platform_signing_key, webhook_secrets
from reminders.channels.encryption import GENERATE, configured_keys, key_problems

SECRET_HINT = (
    'Set ANYMAIL_WEBHOOK_SECRET to "user:long-random-password" and give the ESP its webhook '
    "addresses with them (docs/channels.md)."
)


@register(Tags.security)
def check_webhook_secret(app_configs, **kwargs) -> list:
    """Production needs the password that tells the platform's ESP from anyone else."""
    secrets = webhook_secrets()
    if any(":" not in secret for secret in secrets):
        return [
            Error(
                'ANYMAIL_WEBHOOK_SECRET must be "user:password" (comma-separated for several).',
                hint=SECRET_HINT,
                id="reminders.E002",
            )
        ]
    if not secrets and not settings.DEBUG:
        return [
            Error(
                "ANYMAIL_WEBHOOK_SECRET is not set: the platform's email webhooks would take "
                "delivery reports and replies from anyone.",
                hint=SECRET_HINT,
                id="reminders.E001",
            )
        ]
    return []


@register(Tags.security)
def check_platform_signing_key(app_configs, **kwargs) -> list:
    """Warn when the platform's ESP signs its delivery reports and the key is missing."""
    esp = esp_of_backend(settings.EMAIL_BACKEND)
    if settings.DEBUG or not signing_key(esp, "tracking"):
        return []
    if platform_signing_key(esp, "tracking") is not None:
        return []
    name = f"ANYMAIL_{esp.upper()}_{signing_key(esp, 'tracking').upper()}"
    return [
        Warning(
            f"{name} is not set: {esp}'s signed delivery reports cannot be checked, so they "
            "are refused (404).",
            hint=f"Set {name} to the key {esp} shows for its webhooks.",
            id="reminders.W001",
        )
    ]


@register(Tags.security)
def check_encryption_key(app_configs, **kwargs) -> list:
    """Production needs its own key for provider credentials, not one derived from
    SECRET_KEY; every key given must be a Fernet key."""
    keys = configured_keys()
    if problems := key_problems(keys):
        return [
            Error(f"{'; '.join(problems)}.", hint=f"Make one with: {GENERATE}", id="reminders.E004")
        ]
    if not keys and not settings.DEBUG:
        return [
            Error(
                "KAPITTX_ENCRYPTION_KEY is not set: provider credentials would be encrypted "
                "with a key derived from SECRET_KEY, and become unreadable when it changes.",
                hint=f"Make one with: {GENERATE}. Rows stored before stay readable while "
                "SECRET_KEY is unchanged; `manage.py rotate_encryption_key` moves them over.",
                id="reminders.E003",
            )
        ]
    return []


@register(Tags.security)
def check_public_url(app_configs, **kwargs) -> list:
    """Production's public address must be https: providers call it with webhook passwords."""
    if settings.DEBUG or settings.KAPITTX_PUBLIC_URL.startswith("https://"):
        return []
    return [
        Error(
            f"KAPITTX_PUBLIC_URL is {settings.KAPITTX_PUBLIC_URL!r}: providers call back there "
            "with webhook passwords and signatures, and customers follow its links; it must "
            "be the public https address.",
            hint="Set KAPITTX_PUBLIC_URL, e.g. https://ar.example.com.",
            id="reminders.E005",
        )
    ]
