import pytest
from django.core.management import CommandError, call_command

from kapittx.models import Membership, Tenant, User
from tests.conftest import PASSWORD


def test_create_tenant_with_options(db):
    call_command(
        "create_tenant", "nordic", name="Nordic AB", currency="sek", timezone="Europe/Stockholm"
    )
    tenant = Tenant.objects.get(slug="nordic")
    assert (tenant.name, tenant.base_currency, tenant.time_zone) == (
        "Nordic AB",
        "SEK",
        "Europe/Stockholm",
    )


def test_create_tenant_refuses_duplicate_slug(tenant):
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_tenant", "acme", name="Another Acme")
    assert Tenant.objects.filter(slug="acme").count() == 1


def test_create_tenant_refuses_unknown_time_zone_and_writes_nothing(db):
    with pytest.raises(CommandError, match="time zone"):
        call_command("create_tenant", "x", name="X", timezone="Mars/Olympus")
    assert not Tenant.objects.exists()


def test_create_user_makes_user_and_membership(tenant):
    call_command(
        "create_user", "new@acme.test", password="s3cret-pass", tenant="acme", role="sales"
    )
    user = User.objects.get(email="new@acme.test")
    assert user.check_password("s3cret-pass")
    assert Membership.objects.get(user=user, tenant=tenant).role == "sales"


def test_create_user_adds_membership_to_existing_user(tenant, other_tenant, outsider):
    call_command("create_user", outsider.email, tenant="acme", role="viewer")
    assert set(Membership.objects.filter(user=outsider).values_list("tenant__slug", "role")) == {
        ("globex", "owner"),
        ("acme", "viewer"),
    }
    outsider.refresh_from_db()
    assert outsider.check_password(PASSWORD)


def test_create_user_needs_password_for_new_user(tenant):
    with pytest.raises(CommandError, match="password"):
        call_command("create_user", "nobody@acme.test", tenant="acme", role="viewer")
    assert not User.objects.filter(email="nobody@acme.test").exists()


def test_create_user_refuses_unknown_tenant(db):
    with pytest.raises(CommandError, match="No tenant"):
        call_command("create_user", "a@b.test", password="pw-123456", tenant="nope", role="owner")
    assert not User.objects.exists()


def test_create_user_refuses_unknown_role(tenant):
    with pytest.raises(CommandError):
        call_command("create_user", "a@b.test", password="pw-123456", tenant="acme", role="king")
