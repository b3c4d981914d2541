"""No page under ``/t/<slug>/`` shows or changes a tenant's data for anyone outside it.

The pages are not listed here: every URL pattern whose route starts with
``t/<slug:tenant_slug>/`` is found by walking the URL map (``tests/tenant_pages.py``), and its
ids are filled from one tenant's objects (``World.ids()``). A page that takes an id the walk
does not know how to fill fails with the name of the id, so a new page cannot escape the check.
Each test checks every page and then names all the pages that failed.
"""

import pytest

from reminders.models import Template, Workflow
from tests.reminders.pages import snapshot
from tests.tenant_pages import TenantPage, on_every_page, tenant_pages

PAGES = tenant_pages()
PAGES_WITH_IDS = [page for page in PAGES if page.kwargs]
#: What a hijacking POST carries: fields several forms read.
HIJACK = {"language": "fr", "name": "Hijack"}


def test_the_owner_opens_every_page(client, mine, owner):
    client.force_login(owner)

    def opens(page: TenantPage) -> None:
        response = client.get(page.path(mine))
        if response.status_code == 405:  # a view that only takes POST must answer one
            response = client.post(page.path(mine))
            assert response.status_code != 404 and response.status_code < 500, (
                f"an empty POST answered {response.status_code}"
            )
        else:
            assert response.status_code == 200, f"GET answered {response.status_code}"

    on_every_page(PAGES, opens)


def test_an_outsider_gets_404_on_every_page_as_for_a_tenant_that_does_not_exist(
    client, mine, outsider
):
    client.force_login(outsider)
    before = snapshot(mine.tenant)

    def is_kept_out(page: TenantPage) -> None:
        path = page.path(mine)
        missing = path.replace(f"/t/{mine.tenant.slug}/", "/t/no-such-tenant/", 1)
        for method, data in (("get", {}), ("post", {"customer": mine.customer.pk, **HIJACK})):
            response = getattr(client, method)(path, data)
            assert response.status_code == 404, f"{method.upper()} answered {response.status_code}"
            assert mine.tenant.name not in response.content.decode()
            assert getattr(client, method)(missing, data).status_code == 404

    on_every_page(PAGES, is_kept_out)
    assert snapshot(mine.tenant) == before


def test_another_tenants_ids_are_404_under_my_own_slug(client, mine, theirs, owner):
    client.force_login(owner)
    before = snapshot(theirs.tenant)

    def finds_nothing(page: TenantPage) -> None:
        path = page.path(theirs, tenant=mine.tenant)
        response = client.get(path)
        if client.get(page.path(mine)).status_code == 405:
            # A view that only takes POST refuses a GET before it looks anything up: the
            # same answer as for my own ids, so it tells nothing about theirs.
            assert response.status_code == 405, f"GET answered {response.status_code}"
        else:
            assert response.status_code == 404, f"GET answered {response.status_code}"
            assert "Globex" not in response.content.decode()
        response = client.post(path, {"customer": mine.customer.pk, **HIJACK})
        assert response.status_code == 404, f"POST answered {response.status_code}"
        assert "Globex" not in response.content.decode()

    on_every_page(PAGES_WITH_IDS, finds_nothing)
    assert Workflow.objects.filter(tenant=theirs.tenant, is_default=True).get() == theirs.workflow
    assert not Template.objects.filter(language="fr").exists()
    assert snapshot(theirs.tenant) == before


def test_the_walk_finds_the_pages_of_every_app():
    names = {page.name for page in PAGES}
    assert {"overview", "customer_detail", "customer_timeline", "dispatch_cancel"} <= names
    assert not any(page.route.startswith("hooks/") for page in PAGES)
    assert {"customer_id", "contact_id", "dispatch_id", "workflow_id"} <= {
        k for p in PAGES for k in p.kwargs
    }
    assert "contact_revoke_portal_links" in names


def test_a_page_with_an_id_nobody_fills_fails_by_name(mine):
    page = TenantPage("thing_detail", "t/<slug:tenant_slug>/things/<int:thing_id>/")
    with pytest.raises(pytest.fail.Exception, match=r"thing_detail .* takes thing_id"):
        page.path(mine)
    known = TenantPage("customer_detail", "t/<slug:tenant_slug>/c/<int:customer_id>/")
    assert known.path(mine) == f"/t/acme/c/{mine.customer.pk}/"
