"""The migrations' data steps: Twilio's account SID copied in clear out of the accounts stored
before (0011), and back again."""

from reminders.channels.encryption import encrypt
from tests.migrations import latest, migrate

BEFORE = [("reminders", "0010_dispatch_voice")]
AFTER = [("reminders", "0011_provider_account_sid")]
SID = "AC" + "e" * 32


def test_the_sid_of_each_stored_twilio_account_is_copied_and_the_step_reverses(
    transactional_db, tenant, other_tenant
):
    old = migrate(BEFORE)
    account = old.get_model("reminders", "ProviderAccount")
    twilio = account.objects.create(
        tenant_id=tenant.pk,
        provider="twilio",
        secret_config=encrypt({"account_sid": SID, "auth_token": "t"}),
    )
    email = account.objects.create(
        tenant_id=tenant.pk, provider="email", secret_config=encrypt({"backend": "x"})
    )
    unreadable = account.objects.create(
        tenant_id=other_tenant.pk, provider="twilio", secret_config="not a token"
    )

    new = migrate(AFTER).get_model("reminders", "ProviderAccount")

    assert new.objects.get(pk=twilio.pk).account_sid == SID
    assert new.objects.get(pk=email.pk).account_sid == ""
    assert new.objects.get(pk=unreadable.pk).account_sid == ""
    migrate(BEFORE)
    assert old.get_model("reminders", "ProviderAccount").objects.count() == 3
    migrate(latest())
