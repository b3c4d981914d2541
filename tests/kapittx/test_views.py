"""Landing and tenant switching, the navigation every tenant page shares, logging in by
email, and the admin."""

from django.urls import reverse

from kapittx.models import Membership
from kapittx.roles import Role
from tests.conftest import log_in
from tests.reminders.pages import url


def login(client, user) -> None:
    assert log_in(client, user.email)


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
    assert log_in(client, "OWNER@acme.test")


def test_admin_is_for_staff_only(client, owner):
    login(client, owner)
    response = client.get("/admin/")
    assert response.status_code == 302


def test_nav_links_every_page(client, mine, owner):
    client.force_login(owner)
    html = client.get(url("outbox", mine.tenant)).content.decode()
    for name in (
        "overview",
        "customer_list",
        "outbox",
        "workflow_list",
        "template_list",
        "segment_list",
        "reminder_preview",
    ):
        assert f'href="{url(name, mine.tenant)}"' in html
