"""A user's second factor: an authenticator app (TOTP) and backup codes to recover with.

Enrolling makes an unconfirmed TOTP device; it counts only once a first code from the app
confirms it, and then the backup codes are made, to be shown once. Every check of a code
goes through django-otp, which slows down guessing on each device (1, 2, 4, 8 … seconds
after each wrong code).
"""

import re
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import segno
from django.conf import settings
from django.db import transaction
from django_otp import verify_token
from django_otp.models import Device, VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kapittx.models import User

BACKUP_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
#: An app's codes are digits only; backup codes are letters and digits.
_APP_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of checking a sign-in code."""

    device: Device | None  # the device that accepted it
    retry_at: datetime | None = None  # set when too many wrong codes pause checking


def app_device(user: User) -> TOTPDevice | None:
    """Return the user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(user: User) -> bool:
    """Return whether signing in as ``user`` takes a code as well as the password."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_enrolment(user: User) -> TOTPDevice | None:
    """Return the app device the user started to set up and has not confirmed yet."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def start_enrolment(user: User) -> TOTPDevice:
    """Make a new secret for the user's authenticator app, unconfirmed until a first code."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def confirm_enrolment(device: TOTPDevice, code: str) -> tuple[CodeCheck, list[str]]:
    """Confirm ``device`` with a first code from the app; return the check and, when it
    passed, the new backup codes. A confirmed app replaces any the user had before."""
    result = check(device, code)
    if result.device is None:
        return result, []
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return result, replace_backup_codes(device.user)


def replace_backup_codes(user: User) -> list[str]:
    """Make a fresh set of backup codes for ``user``; the old ones stop working."""
    with transaction.atomic():
        backup, _ = StaticDevice.objects.get_or_create(
            user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
        )
        backup.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=backup, token=c) for c in codes)
    return codes


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def turn_off(user: User) -> None:
    """Remove the user's app and backup codes: the password alone signs in again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def normalised(code: str) -> str:
    """Return ``code`` as typed without spaces and dashes, backup codes in lower case."""
    return re.sub(r"[\s-]", "", code or "").lower()


def check_code(user: User, code: str) -> CodeCheck:
    """Check a code from the user's app, or one of their backup codes (used up by this)."""
    if _APP_CODE.match(normalised(code)):
        device = app_device(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return check(device, code) if device is not None else CodeCheck(None)


def check(device: Device, code: str) -> CodeCheck:
    """Check ``code`` against one device, unless wrong codes have paused it for now."""
    allowed, why = device.verify_is_allowed()
    if not allowed and why and why.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        return CodeCheck(None, retry_at=why["locked_until"])
    return CodeCheck(verify_token(device.user, device.persistent_id, normalised(code)))


def secret_text(device: TOTPDevice) -> str:
    """Return the secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """Return the device's otpauth:// address as an inline SVG QR code (made here, no CDN)."""
    title = f"QR code for {settings.OTP_TOTP_ISSUER}"
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#1d2733", light="#ffffff", title=title
    )
