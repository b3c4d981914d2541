"""Codes as an authenticator app computes them (RFC 6238), from the secret it was given."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_from(key: bytes, steps_ahead: int = 0) -> str:
    """Return the code an app with secret ``key`` shows now (or ``steps_ahead`` steps on).

    A code is taken once, so a second sign-in within the same 30 seconds uses the next one
    (accepted: one step of clock drift is allowed).
    """
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def app_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    return code_from(device.bin_key, steps_ahead)


def wrong_code_from(key: bytes) -> str:
    """Return six digits an app with secret ``key`` does not show around now."""
    near = {code_from(key, steps) for steps in range(-2, 3)}
    return next(code for code in ("111111", "222222", "333333") if code not in near)


def wrong_code(device: TOTPDevice) -> str:
    return wrong_code_from(device.bin_key)
