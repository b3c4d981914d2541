"""Provider credentials at rest: JSON encrypted with the keys of ``channels.encryption``, one
row per tenant and provider; Twilio's account SID is also kept in clear, to find the row."""

import logging
from dataclasses import dataclass, field

from django.utils import timezone

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from reminders.channels.encryption import (
    CredentialsUnreadable,
    decrypt,
    encrypt,
    is_current,
    reencrypt,
)
from reminders.models import ProviderAccount

log = logging.getLogger(__name__)

#: Keys a provider's config must have before it can be stored.
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    ProviderAccount.Provider.TWILIO: ("account_sid", "auth_token"),
    ProviderAccount.Provider.EMAIL: ("backend",),
}


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
            "account_sid": str(config.get("account_sid", "")),
            "rate_per_second": rate_per_second,
            "updated_at": timezone.now(),
        },
    )
    return account


def read_config(account: ProviderAccount) -> dict:
    """Return the account's decrypted config; raise ``CredentialsUnreadable`` (and log which
    account) when no configured key decrypts it."""
    try:
        return decrypt(account.secret_config)
    except CredentialsUnreadable:
        log.error(
            "The %s account of tenant %s cannot be decrypted with KAPITTX_ENCRYPTION_KEY",
            account.provider,
            account.tenant_id,
        )
        raise


def provider_config(tenant_id: int, provider: str) -> dict | None:
    """Return the tenant's decrypted config for ``provider``, or None when it has none.

    Raises ``CredentialsUnreadable`` when the stored config cannot be decrypted.
    """
    account = scoped(ProviderAccount, tenant_id).filter(provider=provider).first()
    return read_config(account) if account else None


def remove_provider_account(tenant: Tenant, provider: str) -> bool:
    """Forget ``tenant``'s own credentials for ``provider``; return False if it had none.

    The tenant then sends through the platform account, if there is one.
    """
    deleted, _ = scoped(ProviderAccount, tenant).filter(provider=provider).delete()
    return bool(deleted)


@dataclass
class Reencrypted:
    """What re-encrypting the stored credentials did, in rows."""

    reencrypted: int = 0
    current: int = 0  # encrypted with the first key already
    unreadable: list[int] = field(default_factory=list)  # ids of rows no key decrypts


def reencrypt_accounts(batch_size: int = 500) -> Reencrypted:
    """Encrypt every stored account with the first key of ``KAPITTX_ENCRYPTION_KEY``.

    Safe to run again and beside the running application: rows already on the first key
    are left alone, and a row changed meanwhile (stored anew, so with the first key) is not
    overwritten.
    """
    done = Reencrypted()
    last_id = 0
    while True:
        batch = list(
            ProviderAccount.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "secret_config")[:batch_size]
        )
        if not batch:
            return done
        for pk, token in batch:
            if is_current(token):
                done.current += 1
                continue
            try:
                fresh = reencrypt(token)
            except CredentialsUnreadable:
                done.unreadable.append(pk)
                continue
            # Conditional on the text read: a row stored anew meanwhile keeps its new text.
            if ProviderAccount.objects.filter(pk=pk, secret_config=token).update(
                secret_config=fresh
            ):
                done.reencrypted += 1
            else:
                done.current += 1
        last_id = batch[-1][0]
