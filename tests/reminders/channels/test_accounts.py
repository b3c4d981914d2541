"""Provider credentials are stored encrypted, per tenant, and read back intact."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from reminders.channels.accounts import provider_config, set_provider_account
from reminders.models import ProviderAccount

TOKEN = "f3a1c0ffee5ecret70ken0123456789ab"
CONFIG = {"account_sid": "AC" + "1" * 32, "auth_token": TOKEN, "from_number": "+4930555"}


def test_it_round_trips_a_config(tenant):
    set_provider_account(tenant, "twilio", CONFIG, rate_per_second=3)

    assert provider_config(tenant.pk, "twilio") == CONFIG
    assert ProviderAccount.objects.get(tenant=tenant).rate_per_second == 3


def test_stored_text_does_not_contain_the_secret(tenant):
    set_provider_account(tenant, "twilio", CONFIG)

    stored = ProviderAccount.objects.get(tenant=tenant).secret_config
    assert TOKEN not in stored
    assert CONFIG["account_sid"] not in stored
    assert "auth_token" not in stored


def test_config_is_none_without_an_account(tenant):
    assert provider_config(tenant.pk, "twilio") is None


def test_another_tenant_does_not_see_the_config(tenant, other_tenant):
    set_provider_account(tenant, "twilio", CONFIG)

    assert provider_config(other_tenant.pk, "twilio") is None


def test_setting_it_again_replaces_the_one_row(tenant):
    set_provider_account(tenant, "twilio", CONFIG)
    set_provider_account(tenant, "twilio", {**CONFIG, "auth_token": "new-token"})

    assert ProviderAccount.objects.filter(tenant=tenant).count() == 1
    assert provider_config(tenant.pk, "twilio")["auth_token"] == "new-token"


def test_it_refuses_a_config_without_its_credentials(tenant):
    with pytest.raises(ValueError, match="auth_token"):
        set_provider_account(tenant, "twilio", {"account_sid": "AC1"})


def test_an_explicit_key_is_used_and_a_changed_key_cannot_read(tenant, settings):
    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()
    set_provider_account(tenant, "twilio", CONFIG)
    assert provider_config(tenant.pk, "twilio") == CONFIG

    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        provider_config(tenant.pk, "twilio")


def test_a_malformed_key_is_a_clear_configuration_error(tenant, settings):
    settings.KAPITTX_ENCRYPTION_KEY = "not-a-fernet-key"
    with pytest.raises(ImproperlyConfigured, match="Fernet key"):
        set_provider_account(tenant, "twilio", CONFIG)


def test_the_derived_key_follows_secret_key(tenant, settings):
    settings.KAPITTX_ENCRYPTION_KEY = ""
    set_provider_account(tenant, "twilio", CONFIG)

    settings.SECRET_KEY = "another-secret-key-entirely-0123456789"
    with pytest.raises(ImproperlyConfigured):
        provider_config(tenant.pk, "twilio")
