"""The keys of provider credentials: an explicit key survives a SECRET_KEY change, several
keys rotate, and a value no key reads is a clear error."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from reminders.channels.encryption import (
    CredentialsUnreadable,
    decrypt,
    derived_key,
    encrypt,
    is_current,
)

CONFIG = {"account_sid": "AC" + "1" * 32, "auth_token": "t0ken"}
ANOTHER_SECRET_KEY = "another-secret-key-entirely-0123456789-abcdefghijklmnop"


def test_credentials_stay_readable_after_a_secret_key_change(settings):
    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()
    stored = encrypt(CONFIG)

    settings.SECRET_KEY = ANOTHER_SECRET_KEY

    assert decrypt(stored) == CONFIG


def test_the_first_key_encrypts_and_every_key_decrypts(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.KAPITTX_ENCRYPTION_KEY = old
    stored_before = encrypt(CONFIG)

    settings.KAPITTX_ENCRYPTION_KEY = f" {new} , {old} "
    stored_after = encrypt(CONFIG)

    assert decrypt(stored_before) == decrypt(stored_after) == CONFIG
    assert not is_current(stored_before) and is_current(stored_after)
    assert Fernet(new).decrypt(stored_after.encode())


def test_values_stored_under_the_key_derived_from_secret_key_stay_readable(settings):
    settings.KAPITTX_ENCRYPTION_KEY = ""
    stored = encrypt(CONFIG)
    assert Fernet(derived_key(settings.SECRET_KEY)).decrypt(stored.encode())

    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()

    assert decrypt(stored) == CONFIG
    assert not is_current(stored)


def test_the_derived_key_follows_secret_key_and_its_fallbacks(settings):
    settings.KAPITTX_ENCRYPTION_KEY = ""
    stored = encrypt(CONFIG)
    old_secret = settings.SECRET_KEY

    settings.SECRET_KEY = ANOTHER_SECRET_KEY
    with pytest.raises(CredentialsUnreadable):
        decrypt(stored)

    settings.SECRET_KEY_FALLBACKS = [old_secret]
    assert decrypt(stored) == CONFIG


def test_a_value_no_key_reads_is_a_clear_error(settings):
    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()
    stored = encrypt(CONFIG)

    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()

    with pytest.raises(CredentialsUnreadable, match="KAPITTX_ENCRYPTION_KEY no longer holds"):
        decrypt(stored)
    with pytest.raises(CredentialsUnreadable):
        decrypt("not even a token")


def test_a_malformed_key_is_a_clear_configuration_error(settings):
    settings.KAPITTX_ENCRYPTION_KEY = f"{Fernet.generate_key().decode()},not-a-fernet-key"

    with pytest.raises(ImproperlyConfigured, match="key 2 of KAPITTX_ENCRYPTION_KEY"):
        encrypt(CONFIG)
