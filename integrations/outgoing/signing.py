"""Signing secrets and signatures, by the Standard Webhooks scheme (``standardwebhooks``).

A secret is ``whsec_`` and the base64 of 32 random bytes. It is shown once, when its
endpoint is made, and kept encrypted with the keys that protect provider credentials
(``KAPITTX_ENCRYPTION_KEY``, rotated with them: ``reencrypt_secrets``).
"""

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook

from integrations.outgoing.models import WebhookSubscription
from reminders.channels.encryption import (
    CredentialsUnreadable,
    decrypt,
    encrypt,
    is_current,
    reencrypt,
)

USER_AGENT = "Kapittx-Webhooks/1.0"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def seal(secret: str) -> str:
    """Return ``secret`` encrypted for storing."""
    return encrypt({"secret": secret})


def secret_of(subscription: WebhookSubscription) -> str:
    """Return the endpoint's secret; raise ``CredentialsUnreadable`` when no configured key
    decrypts it."""
    return decrypt(subscription.secret_encrypted)["secret"]


def headers(secret: str, event_id: str, attempt_at: datetime, body: str) -> dict[str, str]:
    """Return the headers of one attempt: the event's id, the attempt's time (not the
    event's: a retry days later still passes the receiver's five-minute window) and the
    signature of the three."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": event_id,
        "webhook-timestamp": str(int(attempt_at.timestamp())),
        "webhook-signature": Webhook(secret).sign(event_id, attempt_at, body.encode()),
    }


def reencrypt_secrets(batch_size: int = 500) -> tuple[int, list[int]]:
    """Encrypt every stored secret with the first key; return how many were re-encrypted and
    the ids of endpoints whose secret no key decrypts."""
    done, unreadable, last_id = 0, [], 0
    while True:
        batch = list(
            WebhookSubscription.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "secret_encrypted")[:batch_size]
        )
        if not batch:
            return done, unreadable
        for pk, token in batch:
            if is_current(token):
                continue
            try:
                fresh = reencrypt(token)
            except CredentialsUnreadable:
                unreadable.append(pk)
                continue
            # Conditional on the text read, so a secret stored anew meanwhile is kept.
            done += WebhookSubscription.objects.filter(pk=pk, secret_encrypted=token).update(
                secret_encrypted=fresh
            )
        last_id = batch[-1][0]
