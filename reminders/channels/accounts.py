"""Provider credentials at rest: JSON encrypted with Fernet, one row per tenant and provider.

The key is ``KAPITTX_ENCRYPTION_KEY`` (a Fernet key) or, when that is unset, one derived
from ``SECRET_KEY`` so the embedded run needs no extra set-up.
"""

import base64
import json

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from reminders.models import ProviderAccount

#: Keys a provider's config must have before it can be stored.
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    ProviderAccount.Provider.TWILIO: ("account_sid", "auth_token"),
    ProviderAccount.Provider.EMAIL: ("backend",),
}


def _fernet() -> Fernet:
    key = settings.KAPITTX_ENCRYPTION_KEY
    if not key:
        # HKDF with its own "info" keeps this key independent of SECRET_KEY's other uses.
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"kapittx provider secrets"
        ).derive(settings.SECRET_KEY.encode())
        key = base64.urlsafe_b64encode(derived).decode()
    try:
        return Fernet(key)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "KAPITTX_ENCRYPTION_KEY must be a Fernet key: "
            'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key())"'
        ) from exc


def encrypt(config: dict) -> str:
    """Return ``config`` as encrypted text."""
    return _fernet().encrypt(json.dumps(config).encode()).decode()


def decrypt(token: str) -> dict:
    """Return the config encrypted in ``token``."""
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        raise ImproperlyConfigured(
            "A provider account cannot be decrypted: KAPITTX_ENCRYPTION_KEY (or SECRET_KEY) "
            "changed since it was stored."
        ) from None


def set_provider_account(
    tenant: Tenant, provider: str, config: dict, rate_per_second: int = 10
) -> ProviderAccount:
    """Store ``tenant``'s credentials for ``provider``, replacing any earlier ones."""
    missing = [key for key in REQUIRED_KEYS.get(provider, ()) if not config.get(key)]
    if missing:
        raise ValueError(f"{provider} config needs {', '.join(missing)}.")
    account, _created = ProviderAccount.objects.update_or_create(
        tenant=tenant,
        provider=provider,
        defaults={
            "secret_config": encrypt(config),
            "rate_per_second": rate_per_second,
            "updated_at": timezone.now(),
        },
    )
    return account


def provider_config(tenant_id: int, provider: str) -> dict | None:
    """Return the tenant's decrypted config for ``provider``, or None when it has none."""
    account = scoped(ProviderAccount, tenant_id).filter(provider=provider).first()
    return decrypt(account.secret_config) if account else None


def remove_provider_account(tenant: Tenant, provider: str) -> bool:
    """Forget ``tenant``'s own credentials for ``provider``; return False if it had none.

    The tenant then sends through the platform account, if there is one.
    """
    deleted, _ = scoped(ProviderAccount, tenant).filter(provider=provider).delete()
    return bool(deleted)
