"""The keys that encrypt provider credentials, and encrypting with them.

``KAPITTX_ENCRYPTION_KEY`` holds one Fernet key or several, comma-separated: the first one
encrypts, every one decrypts (``MultiFernet``), so a key is rotated by putting a new one in
front, re-encrypting (``manage.py rotate_encryption_key``) and then dropping the old one.

Keys derived from ``SECRET_KEY`` (and ``SECRET_KEY_FALLBACKS``) are always kept as the last,
read-only keys: rows stored before an explicit key was set were encrypted with one, and stay
readable until they are re-encrypted. Without an explicit key (the embedded run, never
production: a system check refuses it) the derived key also encrypts.
"""

import base64
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from reminders.channels.base import ChannelError

#: How to make a key.
GENERATE = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class CredentialsUnreadable(ChannelError):
    """Stored credentials that none of the configured keys decrypts.

    A channel error that may pass (the operator can put the missing key back), so a
    reminder that meets it is retried rather than lost.
    """

    def __init__(self) -> None:
        super().__init__(
            "The stored provider credentials cannot be decrypted with the configured keys: "
            "KAPITTX_ENCRYPTION_KEY no longer holds the key they were stored with. Put that "
            "key back (after the current one), or enter the credentials again."
        )


def configured_keys() -> list[str]:
    """Return the keys of ``KAPITTX_ENCRYPTION_KEY``, the encrypting one first."""
    return [key.strip() for key in settings.KAPITTX_ENCRYPTION_KEY.split(",") if key.strip()]


def derived_key(secret: str) -> str:
    """Return the Fernet key derived from a ``SECRET_KEY`` value."""
    # HKDF with its own "info" keeps this key independent of SECRET_KEY's other uses.
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"kapittx provider secrets"
    ).derive(secret.encode())
    return base64.urlsafe_b64encode(derived).decode()


def key_problems(keys: list[str]) -> list[str]:
    """Return what is wrong with each key that is not a Fernet key (empty when none is)."""
    problems = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            problems.append(f"key {position} of KAPITTX_ENCRYPTION_KEY is not a Fernet key")
    return problems


def _fernets() -> tuple[Fernet, MultiFernet]:
    """Return the encrypting key and every key that decrypts, in order."""
    keys = configured_keys()
    if problems := key_problems(keys):
        raise ImproperlyConfigured(f"{'; '.join(problems)}. Make one with: {GENERATE}")
    legacy = [
        derived_key(secret)
        for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    ]
    readers = [Fernet(key) for key in dict.fromkeys([*keys, *legacy])]
    return readers[0], MultiFernet(readers)


def encrypt(config: dict) -> str:
    """Return ``config`` as text encrypted with the first key."""
    return _fernets()[0].encrypt(json.dumps(config).encode()).decode()


def decrypt(token: str) -> dict:
    """Return the config encrypted in ``token``; raise ``CredentialsUnreadable`` when no key
    decrypts it."""
    try:
        return json.loads(_fernets()[1].decrypt(token.encode()))
    except InvalidToken:
        raise CredentialsUnreadable() from None


def is_current(token: str) -> bool:
    """Return whether ``token`` is encrypted with the first key already."""
    try:
        _fernets()[0].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """Return ``token`` encrypted with the first key; raise ``CredentialsUnreadable`` when no
    key decrypts it."""
    try:
        return _fernets()[1].rotate(token.encode()).decode()
    except InvalidToken:
        raise CredentialsUnreadable() from None
