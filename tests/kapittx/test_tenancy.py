"""``tenant_view`` on every page under ``/t/<slug>/`` (found by walking the URL map): log in
first, then every member opens what their role allows. Outsiders are kept out by
tests/test_isolation.py."""

from django.urls import reverse

from tests.reminders.pages import NEW_FORMS
from tests.tenant_pages import TenantPage, on_every_page, tenant_pages

PAGES = tenant_pages()
#: The pages only members who configure reminders use; a teammate (a collector) gets 403.
CONFIGURE_ONLY = {name for name, _ in NEW_FORMS} | {"workflow_set_default", "template_variant"}
#: The pages only the owner uses.
OWNER_ONLY = {"tenant_security"}
#: The pages only owners and admins use: the tenant's webhook endpoints.
ADMIN_ONLY = {page.name for page in PAGES if page.name.startswith("webhook_")}


def test_a_teammate_opens_every_page_the_owner_opens(client, mine, owner, teammate):
    def opens(page: TenantPage) -> None:
        client.force_login(owner)
        owners = client.get(page.path(mine))
        client.force_login(teammate)
        response = client.get(page.path(mine))
        expected = (
            403 if page.name in CONFIGURE_ONLY | OWNER_ONLY | ADMIN_ONLY else owners.status_code
        )
        assert response.status_code == expected, f"GET answered {response.status_code}"
        if expected == 200 and "<html" in owners.content.decode():
            assert mine.tenant.name in response.content.decode()

    on_every_page(PAGES, opens)


def test_anonymous_visitors_are_sent_to_log_in_from_every_page(client, mine):
    def sends_to_login(page: TenantPage) -> None:
        response = client.get(page.path(mine))
        if response.status_code == 405:  # a view that only takes POST
            response = client.post(page.path(mine))
        assert response.status_code == 302, f"answered {response.status_code}"
        assert response.url.startswith(reverse("login"))

    on_every_page(PAGES, sends_to_login)
