"""What the sign-in tests share: a clean cache (reset requests are counted there), fast
password hashing, and the owner's authenticator app."""

import pytest
from django.core.cache import cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from kapittx.signin import devices
from tests.kapittx.signin.codes import app_code


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # These tests sign in dozens of times; the real hasher's slowness is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owners_app(owner) -> tuple[TOTPDevice, list[str]]:
    """The owner's confirmed authenticator app and backup codes."""
    device = devices.start_enrolment(owner)
    check, codes = devices.confirm_enrolment(device, app_code(device))
    assert check.device is not None
    device.refresh_from_db()
    return device, codes
