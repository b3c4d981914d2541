"""Provider credentials are stored encrypted, per tenant, and read back intact; rotating the
key moves every stored account to the new one."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from reminders.channels.accounts import provider_config, set_provider_account
from reminders.channels.encryption import CredentialsUnreadable
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


def test_twilio_accounts_keep_their_sid_in_clear_to_be_found_by_it(tenant):
    set_provider_account(tenant, "twilio", CONFIG)
    set_provider_account(tenant, "email", {"backend": "anymail.backends.test.EmailBackend"})

    assert ProviderAccount.objects.get(provider="twilio").account_sid == CONFIG["account_sid"]
    assert ProviderAccount.objects.get(provider="email").account_sid == ""


def test_an_account_stored_under_a_lost_key_is_a_clear_error(tenant, settings):
    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()
    set_provider_account(tenant, "twilio", CONFIG)

    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(CredentialsUnreadable, match="cannot be decrypted"):
        provider_config(tenant.pk, "twilio")


# Moving every stored account to a new key (manage.py rotate_encryption_key).


def rotate(**options) -> str:
    out = StringIO()
    call_command("rotate_encryption_key", stdout=out, **options)
    return out.getvalue()


def test_rotation_moves_every_account_to_the_new_key_so_the_old_one_can_go(
    tenant, other_tenant, settings
):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.KAPITTX_ENCRYPTION_KEY = old
    set_provider_account(tenant, "twilio", CONFIG)
    set_provider_account(tenant, "email", {"backend": "anymail.backends.test.EmailBackend"})
    set_provider_account(other_tenant, "twilio", {**CONFIG, "auth_token": "theirs"})

    settings.KAPITTX_ENCRYPTION_KEY = f"{new},{old}"
    assert provider_config(tenant.pk, "twilio") == CONFIG  # the old key still reads
    assert rotate(batch_size=2).startswith("3 re-encrypted, 0 already on the first key")
    assert rotate().startswith("0 re-encrypted, 3 already on the first key, 0 unreadable")

    settings.KAPITTX_ENCRYPTION_KEY = new
    settings.SECRET_KEY = "a-new-secret-key-with-no-relation-to-the-old-one-0123456789"
    assert provider_config(tenant.pk, "twilio") == CONFIG
    assert provider_config(other_tenant.pk, "twilio")["auth_token"] == "theirs"


def test_rotation_moves_accounts_stored_before_there_was_a_key_of_its_own(tenant, settings):
    settings.KAPITTX_ENCRYPTION_KEY = ""
    set_provider_account(tenant, "twilio", CONFIG)  # under the key derived from SECRET_KEY

    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()
    assert provider_config(tenant.pk, "twilio") == CONFIG
    assert rotate().startswith("1 re-encrypted")

    settings.SECRET_KEY = "a-new-secret-key-with-no-relation-to-the-old-one-0123456789"
    assert provider_config(tenant.pk, "twilio") == CONFIG


def test_rotation_names_the_accounts_no_key_reads_and_moves_the_others(
    tenant, other_tenant, settings
):
    lost, kept, new = (Fernet.generate_key().decode() for _ in range(3))
    settings.KAPITTX_ENCRYPTION_KEY = lost
    set_provider_account(tenant, "twilio", CONFIG)
    settings.KAPITTX_ENCRYPTION_KEY = kept
    set_provider_account(other_tenant, "twilio", CONFIG)

    settings.KAPITTX_ENCRYPTION_KEY = f"{new},{kept}"
    unreadable = ProviderAccount.objects.get(tenant=tenant)
    with pytest.raises(CommandError, match=f"accounts {unreadable.pk}:"):
        rotate()

    settings.KAPITTX_ENCRYPTION_KEY = new
    assert provider_config(other_tenant.pk, "twilio") == CONFIG
    assert ProviderAccount.objects.get(pk=unreadable.pk).secret_config == unreadable.secret_config
