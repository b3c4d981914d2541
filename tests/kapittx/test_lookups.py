"""``among`` matches a column against a list of integers sent as one parameter, alike on
SQLite and PostgreSQL, however long the list."""

import pytest

from receivables.models import Contact, Customer
from tests.reminders.scenario import make_customer


def customers_among(tenant, ids) -> set[int]:
    return set(Customer.objects.filter(tenant=tenant, pk__among=ids).values_list("pk", flat=True))


def finds_what_in_finds(tenant) -> None:
    kept = [make_customer(tenant, f"C-{n}").pk for n in range(3)]
    # More keys than SQLite takes parameters in one statement, most of them matching nothing.
    many = [*range(10**9, 10**9 + 40000), kept[0], kept[2]]
    assert customers_among(tenant, many) == {kept[0], kept[2]}
    assert customers_among(tenant, {kept[1]}) == {kept[1]}
    assert customers_among(tenant, []) == set()
    # On a foreign key too.
    contacts = Contact.objects.filter(tenant=tenant, customer_id__among=kept[1:])
    assert {c.customer_id for c in contacts} == {kept[1], kept[2]}


def test_among_finds_what_in_finds(tenant):
    finds_what_in_finds(tenant)


def test_among_finds_what_in_finds_on_postgresql(postgres, tenant):
    finds_what_in_finds(tenant)


@pytest.mark.parametrize("value", [["1; DROP TABLE x"], [1.5], ["7"], "12", None])
def test_among_refuses_anything_but_whole_numbers(tenant, value):
    with pytest.raises((TypeError, ValueError)):
        customers_among(tenant, value)
