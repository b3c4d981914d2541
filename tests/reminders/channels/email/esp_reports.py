"""Delivery reports as ESPs send them, signed the way each ESP signs them, for webhook tests."""

import base64
import hashlib
import hmac
import json
import time
from functools import cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.reminders.channels.providers import EMAIL

MAILGUN_KEY = "mailgun-webhook-signing-key"


def postmark_delivery(message_id: str, metadata: dict | None = None) -> str:
    return json.dumps(
        {
            "RecordType": "Delivery",
            "MessageID": message_id,
            "Recipient": EMAIL,
            "DeliveredAt": "2026-03-27T10:00:00Z",
            "Details": "250 OK",
            "ServerID": 1,
            "Metadata": metadata or {},
        }
    )


def postmark_bounce(message_id: str, metadata: dict | None = None) -> str:
    return json.dumps(
        {
            "RecordType": "Bounce",
            "MessageID": message_id,
            "Email": EMAIL,
            "Type": "HardBounce",
            "BouncedAt": "2026-03-27T10:00:00Z",
            "Metadata": metadata or {},
        }
    )


def mailgun_event(
    message_id: str, event: str = "delivered", *, key: str = MAILGUN_KEY, token: str = "tok-1"
) -> dict:
    """Return a Mailgun report on ``message_id``, signed with ``key``."""
    timestamp = str(int(time.time()))
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": event,
            "timestamp": float(timestamp),
            "recipient": EMAIL,
            "message": {"headers": {"message-id": message_id}},
        },
    }


@cache
def postal_private_key() -> rsa.RSAPrivateKey:
    """Return the key the test Postal server signs with (made once: RSA keys are slow)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def postal_public_key() -> str:
    """Return Postal's public key as Postal shows it: base64 DER, without PEM lines."""
    der = (
        postal_private_key()
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return base64.b64encode(der).decode()


def postal_sent(message_id: int) -> bytes:
    """Return Postal's "MessageSent" report on ``message_id`` (Postal sends no metadata)."""
    return json.dumps(
        {
            "event": "MessageSent",
            "timestamp": time.time(),
            "uuid": f"uuid-{message_id}",
            "payload": {
                "status": "Sent",
                "details": "Message sent by SMTP",
                "output": "250 OK",
                "message": {"id": message_id, "to": EMAIL, "direction": "outgoing"},
            },
        }
    ).encode()


def postal_signature(body: bytes) -> str:
    """Return the X-Postal-Signature Postal puts on ``body``."""
    signed = postal_private_key().sign(body, padding.PKCS1v15(), hashes.SHA1())
    return base64.b64encode(signed).decode()
