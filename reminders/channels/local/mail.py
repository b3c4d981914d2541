"""The embedded run's mailbox for email that is no reminder, such as a member's test email:
each message is written to a file under ``var/mail/`` and nothing leaves the machine."""

from pathlib import Path

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def local_mailbox() -> Path:
    """Return the folder the embedded run keeps its email in."""
    return Path(settings.VAR_DIR) / "mail"


def local_connection() -> BaseEmailBackend:
    """Return a mail connection that writes each message to the local mailbox."""
    return get_connection(FILE_BACKEND, file_path=str(local_mailbox()))
