"""Every page: the owner and a teammate see it, an outsider from another tenant gets 404."""

import pytest
from django.urls import reverse

from kapittx.models import Membership
from kapittx.roles import Role
from tests.conftest import PASSWORD

TENANT_PAGES = ["overview"]


def login(client, user) -> None:
    assert client.login(username=user.email, password=PASSWORD)


@pytest.mark.parametrize("page", TENANT_PAGES)
def test_owner_and_teammate_see_tenant_pages(client, tenant, owner, teammate, page):
    for user in (owner, teammate):
        login(client, user)
        response = client.get(reverse(page, kwargs={"tenant_slug": tenant.slug}))
        assert response.status_code == 200
        assert tenant.name in response.content.decode()


@pytest.mark.parametrize("page", TENANT_PAGES)
def test_outsider_gets_404_on_tenant_pages(client, tenant, owner, outsider, page):
    login(client, outsider)
    response = client.get(reverse(page, kwargs={"tenant_slug": tenant.slug}))
    assert response.status_code == 404
    assert tenant.name not in response.content.decode()


@pytest.mark.parametrize("page", TENANT_PAGES)
def test_unknown_tenant_and_real_tenant_look_the_same_to_outsiders(
    client, tenant, owner, outsider, page
):
    login(client, outsider)
    real = client.get(reverse(page, kwargs={"tenant_slug": tenant.slug}))
    missing = client.get(reverse(page, kwargs={"tenant_slug": "no-such-tenant"}))
    assert real.status_code == missing.status_code == 404


@pytest.mark.parametrize("page", TENANT_PAGES)
def test_anonymous_is_sent_to_login(client, tenant, page):
    response = client.get(reverse(page, kwargs={"tenant_slug": tenant.slug}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_switcher_lists_only_my_tenants(client, tenant, other_tenant, owner, outsider):
    Membership.objects.create(tenant=other_tenant, user=owner, role=Role.VIEWER)
    login(client, owner)
    page = client.get(reverse("tenant_list")).content.decode()
    assert "Acme Trading" in page and "Globex" in page
    login(client, outsider)
    page = client.get(reverse("tenant_list")).content.decode()
    assert "Globex" in page and "Acme Trading" not in page


def test_user_in_two_tenants_switches_between_them(client, tenant, other_tenant, owner):
    Membership.objects.create(tenant=other_tenant, user=owner, role=Role.VIEWER)
    login(client, owner)
    assert client.get(reverse("home")).url == reverse("tenant_list")
    client.get(reverse("overview", kwargs={"tenant_slug": "globex"}))
    assert client.get(reverse("home")).url == reverse("overview", kwargs={"tenant_slug": "globex"})
    client.get(reverse("overview", kwargs={"tenant_slug": "acme"}))
    assert client.get(reverse("home")).url == reverse("overview", kwargs={"tenant_slug": "acme"})


def test_single_tenant_member_lands_on_overview(client, tenant, owner):
    login(client, owner)
    assert client.get(reverse("home")).url == reverse("overview", kwargs={"tenant_slug": "acme"})


def test_login_is_by_email_case_insensitive(client, owner):
    assert client.login(username="OWNER@acme.test", password=PASSWORD)


def test_admin_is_for_staff_only(client, owner):
    login(client, owner)
    response = client.get("/admin/")
    assert response.status_code == 302
