"""Search boxes: a NUL character is a clear 400, the same on SQLite and PostgreSQL (which
refuses it in any text), and a search finds what it always found."""

import pytest

from tests.reminders.pages import url

SEARCH_PAGES = ["customer_list", "outbox"]


def searches_for_nul(client, mine, owner, page: str) -> None:
    client.force_login(owner)
    response = client.get(url(page, mine.tenant), {"q": "a\x00b"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    # The same box still searches.
    found = client.get(url(page, mine.tenant), {"q": "Acme Customer"})
    assert found.status_code == 200 and "Acme Customer" in found.content.decode()


@pytest.mark.parametrize("page", SEARCH_PAGES)
def test_a_nul_in_a_search_is_a_clear_400(client, mine, owner, page):
    searches_for_nul(client, mine, owner, page)


@pytest.mark.parametrize("page", SEARCH_PAGES)
def test_a_nul_in_a_search_is_a_clear_400_on_postgresql(postgres, client, mine, owner, page):
    searches_for_nul(client, mine, owner, page)


def test_a_very_long_search_is_cut_not_refused(client, mine, owner):
    client.force_login(owner)
    response = client.get(url("customer_list", mine.tenant), {"q": "Acme" + "x" * 5000})
    assert response.status_code == 200 and len(response.context["query"]) == 200
