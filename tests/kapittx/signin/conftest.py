"""What the sign-in tests share: a clean cache (reset requests are counted there), the
owner's authenticator app, and codes from it."""

import time

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kapittx.signin import devices


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # These tests sign in dozens of times; the real hasher's slowness is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def code_from(key: bytes, steps_ahead: int = 0) -> str:
    """Return the code an authenticator app with secret ``key`` shows now (or later)."""
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def app_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    return code_from(device.bin_key, steps_ahead)


def wrong_code(device: TOTPDevice) -> str:
    """Return six digits the app does not show around now."""
    near = {app_code(device, steps) for steps in range(-2, 3)}
    return next(code for code in ("111111", "222222", "333333") if code not in near)


@pytest.fixture
def owners_app(owner) -> tuple[TOTPDevice, list[str]]:
    """The owner's confirmed authenticator app and backup codes."""
    device = devices.start_enrolment(owner)
    check, codes = devices.confirm_enrolment(device, app_code(device))
    assert check.device is not None
    device.refresh_from_db()
    return device, codes
