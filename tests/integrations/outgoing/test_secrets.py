"""Signing secrets are kept encrypted and follow a rotation of the encryption key."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from integrations.outgoing.models import WebhookSubscription
from integrations.outgoing.signing import secret_of
from integrations.outgoing.subscriptions import create_subscription


def test_a_rotation_re_encrypts_every_secret_with_the_new_key(tenant, subscribe, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.KAPITTX_ENCRYPTION_KEY = old
    secrets = [secret_of(subscribe(tenant, ["promise.made"])) for _ in range(3)]

    settings.KAPITTX_ENCRYPTION_KEY = f"{new},{old}"
    call_command("rotate_encryption_key", "--batch-size", "2")
    settings.KAPITTX_ENCRYPTION_KEY = new
    settings.SECRET_KEY = "a-secret-key-the-secrets-were-never-stored-under"

    stored = WebhookSubscription.objects.order_by("pk")
    assert [secret_of(subscription) for subscription in stored] == secrets


def test_a_secret_no_key_reads_is_named(tenant, subscribe, settings):
    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()
    lost = subscribe(tenant, ["promise.made"])
    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()
    settings.SECRET_KEY = "another-secret-key"

    with pytest.raises(CommandError, match=f"webhook endpoints {lost.pk}:"):
        call_command("rotate_encryption_key")


def test_each_endpoint_gets_its_own_secret(tenant, subscribe):
    first, second = (
        create_subscription(tenant, "https://hooks.example.com/a", ["promise.made"]),
        create_subscription(tenant, "https://hooks.example.com/b", ["promise.made"]),
    )
    assert first.secret != second.secret
    assert first.secret.startswith("whsec_") and len(first.secret) == len("whsec_") + 44
    assert first.subscription.secret_hint == first.secret[:12]
