"""Keys are made on the dashboard (owners and admins; shown once, with a curl line to try)
and by ``manage.py create_api_key``."""

from html import unescape
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from integrations.api.models import ApiKey, Scope
from kapittx.roles import Role
from tests.conftest import make_member
from tests.integrations.api.conftest import Api


def page(tenant) -> str:
    return reverse("api_keys", kwargs={"tenant_slug": tenant.slug})


def test_the_owner_makes_a_key_and_sees_it_once(client, mine, owner):
    client.force_login(owner)

    made = client.post(page(mine.tenant), {"name": "Xero sync", "scope": Scope.READ})
    later = client.get(page(mine.tenant))

    assert made.status_code == 200
    key = ApiKey.objects.get(tenant=mine.tenant, name="Xero sync")
    secret = made.context["made"]["secret"]
    html = unescape(made.content.decode())
    assert secret in html
    assert f'curl -H "Authorization: Bearer {secret}" http://testserver/api/v1/customers/' in html
    assert (key.scope, key.created_by) == (Scope.READ, owner)
    assert secret not in later.content.decode() and key.prefix in later.content.decode()
    assert Api(secret).get("/api/v1/customers/").status_code == 200


def test_the_owner_revokes_a_key(client, mine, owner):
    client.force_login(owner)
    client.post(page(mine.tenant), {"name": "Old ERP", "scope": Scope.WRITE})
    key = ApiKey.objects.get(name="Old ERP")

    response = client.post(
        reverse("api_key_revoke", kwargs={"tenant_slug": mine.tenant.slug}), {"prefix": key.prefix}
    )

    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked


def test_another_tenants_key_cannot_be_revoked_from_my_page(client, mine, theirs, owner):
    client.force_login(owner)
    client.post(page(mine.tenant), {"name": "Mine", "scope": Scope.WRITE})
    their_key = ApiKey.objects.create_key(tenant=theirs.tenant, name="Theirs")[0]

    response = client.post(
        reverse("api_key_revoke", kwargs={"tenant_slug": mine.tenant.slug}),
        {"prefix": their_key.prefix},
    )

    assert response.status_code == 404
    their_key.refresh_from_db()
    assert not their_key.revoked


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.SALES, Role.VIEWER])
def test_only_owners_and_admins_manage_keys(client, mine, role):
    member = make_member(mine.tenant, f"{role}-member@acme.test", role)
    client.force_login(member)

    assert client.get(page(mine.tenant)).status_code == 403
    assert client.post(page(mine.tenant), {"name": "X", "scope": "write"}).status_code == 403
    assert not ApiKey.objects.exists()


def test_an_admin_manages_keys(client, mine):
    admin = make_member(mine.tenant, "admin@acme.test", Role.ADMIN)
    client.force_login(admin)

    assert client.get(page(mine.tenant)).status_code == 200


def test_the_command_prints_the_key_alone_on_its_last_line(mine):
    out = StringIO()

    call_command(
        "create_api_key",
        "--tenant",
        mine.tenant.slug,
        "--name",
        "Nightly",
        "--scope",
        "read",
        stdout=out,
    )

    secret = out.getvalue().strip().splitlines()[-1]
    key = ApiKey.objects.get(name="Nightly")
    assert secret.startswith(key.prefix + ".") and " " not in secret
    assert key.scope == Scope.READ
    assert Api(secret).get("/api/v1/invoices/").status_code == 200
    assert Api(secret).post("/api/v1/customers/", {}).status_code == 403


def test_the_command_refuses_an_unknown_tenant(db):
    with pytest.raises(CommandError, match="No tenant"):
        call_command("create_api_key", "--tenant", "nobody", "--name", "X", stdout=StringIO())
