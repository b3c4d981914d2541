"""The hand-entry page: one customer and one invoice, saved through the upsert functions of the
API and the importers, with their refusals shown on the form's fields and nothing half-written."""

from datetime import date
from decimal import Decimal

import pytest

from integrations.manual import entry
from kapittx.roles import Role
from receivables.models import Contact, Customer, Invoice, InvoiceStatus
from tests.conftest import make_member
from tests.reminders.pages import url
from tests.reminders.scenario import make_customer

D = Decimal


def form(**changes) -> dict:
    data = {
        "customer": "",
        "name": "Acme Trading GmbH",
        "external_id": "",
        "currency": "eur",
        "email": "ap@acme-trading.test",
        "phone": "030 1234567",
        "country": "de",
        "number": "H-1",
        "issue_date": "2024-06-01",
        "due_date": "2024-07-01",
        "amount": "1234.50",
    }
    data.update(changes)
    return data


def add(client, tenant, **changes):
    return client.post(url("add_by_hand", tenant), form(**changes))


def counts(tenant) -> tuple[int, int, int]:
    return (
        Customer.objects.filter(tenant=tenant).count(),
        Invoice.objects.filter(tenant=tenant).count(),
        Contact.objects.filter(tenant=tenant).count(),
    )


@pytest.fixture
def upserts(monkeypatch) -> list[tuple[str, list[dict]]]:
    """Record each call of the upsert functions, which still do the work."""
    calls = []
    for name in ("upsert_customers", "upsert_invoices"):
        real = getattr(entry, name)

        def spy(tenant, items, *, _real=real, _name=name, **kwargs):
            calls.append((_name, [dict(item) for item in items], kwargs))
            return _real(tenant, items, **kwargs)

        monkeypatch.setattr(entry, name, spy)
    return calls


def test_a_new_customer_and_its_invoice_are_saved_through_the_upserts(
    client, tenant, owner, upserts
):
    client.force_login(owner)
    response = add(client, tenant)
    customer = Customer.objects.get(tenant=tenant)
    assert response.status_code == 302
    assert response["Location"] == url("customer_detail", tenant, customer_id=customer.pk)
    assert (customer.name, customer.external_id, customer.currency, customer.country) == (
        "Acme Trading GmbH",
        "HAND-ACME-TRADING-GMBH",
        "EUR",
        "DE",
    )
    contact = customer.contacts.get()
    assert (contact.email, contact.phone) == ("ap@acme-trading.test", "+49301234567")
    invoice = Invoice.objects.get(tenant=tenant)
    assert (invoice.customer, invoice.number, invoice.currency) == (customer, "H-1", "EUR")
    assert (invoice.issue_date, invoice.due_date) == (date(2024, 6, 1), date(2024, 7, 1))
    assert (invoice.total, invoice.balance, invoice.status) == (
        D("1234.50"),
        D("1234.50"),
        InvoiceStatus.OPEN,
    )
    assert [(name, kwargs) for name, _items, kwargs in upserts] == [
        ("upsert_customers", {}),
        ("upsert_invoices", {"dry_run": False}),
    ]
    assert upserts[1][1] == [
        {
            "number": "H-1",
            "issue_date": date(2024, 6, 1),
            "due_date": date(2024, 7, 1),
            "total": D("1234.50"),
            "currency": "EUR",
            "customer": customer.pk,
        }
    ]
    page = client.get(response["Location"])
    assert "Invoice H-1 added for the new customer." in page.content.decode()


def test_generated_external_ids_are_readable_and_never_reuse_one(client, tenant, owner):
    client.force_login(owner)
    add(client, tenant, name="Acme Trading GmbH", number="H-1")
    add(client, tenant, name="Acme Trading GmbH", number="H-2", email="", phone="")
    add(client, tenant, name="Łódź Müller 株式会社", number="H-3", email="", phone="")
    add(client, tenant, name="株式会社", number="H-4", email="", phone="")
    assert sorted(Customer.objects.filter(tenant=tenant).values_list("external_id", flat=True)) == [
        "HAND-ACME-TRADING-GMBH",
        "HAND-ACME-TRADING-GMBH-2",
        "HAND-CUSTOMER",
        "HAND-ODZ-MULLER",
    ]
    assert Customer.objects.get(external_id="HAND-ODZ-MULLER").name == "Łódź Müller 株式会社"


def test_an_invoice_for_a_customer_chosen_from_the_list(client, tenant, owner, upserts):
    franc = make_customer(tenant, "C-CH", name="Swiss AG", country="CH")
    Customer.objects.filter(pk=franc.pk).update(currency="CHF")
    client.force_login(owner)
    page = client.get(url("add_by_hand", tenant)).content.decode()
    assert f'<option value="{franc.pk}">Swiss AG (C-CH)</option>' in page
    response = add(client, tenant, customer=franc.pk, name="", currency="", number="CH-1")
    assert response.status_code == 302
    invoice = Invoice.objects.get(number="CH-1")
    assert (invoice.customer_id, invoice.currency, invoice.total) == (franc.pk, "CHF", D("1234.50"))
    assert [name for name, *_ in upserts] == ["upsert_invoices"]
    assert Customer.objects.filter(tenant=tenant).count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"due_date": "2024-05-01"}, "due_date", "The due date is before the issue date."),
        ({"amount": "10.005"}, "amount", "more decimals"),
        ({"amount": "0"}, "amount", "more than zero"),
        ({"amount": "-5"}, "amount", "negative"),
        ({"currency": "EUX"}, "currency", "is not an ISO 4217 currency code"),
        ({"country": "XX"}, "country", ""),
        ({"phone": "12"}, "phone", ""),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"name": ""}, "name", "Give the new customer's name, or choose a customer."),
        ({"issue_date": "01/06/2024"}, "issue_date", "Enter a valid date."),
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_is_written(
    client, tenant, owner, changes, field, message
):
    client.force_login(owner)
    response = add(client, tenant, **changes)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert counts(tenant) == (0, 0, 0)
    assert f'data-field="{field}"' in response.content.decode()


def test_a_refused_invoice_takes_the_new_customer_back_with_it(client, tenant, owner, upserts):
    client.force_login(owner)
    response = add(client, tenant, due_date="2024-05-01")
    # The customer was written, then rolled back with the invoice.
    assert [name for name, *_ in upserts] == ["upsert_customers", "upsert_invoices"]
    assert response.status_code == 400
    assert counts(tenant) == (0, 0, 0)


def test_the_page_adds_and_never_overwrites(client, tenant, owner):
    existing = make_customer(tenant, "C-1", name="Kept GmbH")
    client.force_login(owner)
    response = add(client, tenant, external_id="C-1", name="Renamed")
    assert (
        "A customer with external id C-1 exists"
        in response.context["form"].errors["external_id"][0]
    )
    assert add(client, tenant, number="K-1", customer=existing.pk).status_code == 302
    before = counts(tenant)
    response = add(client, tenant, number="K-1", amount="1.00")
    assert response.status_code == 400
    assert "Invoice K-1 already exists" in response.context["form"].errors["number"][0]
    existing.refresh_from_db()
    assert existing.name == "Kept GmbH"
    assert Invoice.objects.get(number="K-1").total == D("1234.50")
    assert counts(tenant) == before


def test_refusals_of_the_customer_and_of_the_invoice_are_shown_together(client, tenant, owner):
    make_customer(tenant, "C-1")
    client.force_login(owner)
    assert add(client, tenant, customer=Customer.objects.get().pk, number="T-1").status_code == 302
    response = add(client, tenant, currency="EUX", number="T-1", phone="")
    errors = response.context["form"].errors
    assert errors["currency"] == ["'EUX' is not an ISO 4217 currency code."]
    assert errors["number"] == ["Invoice T-1 already exists; this page adds new ones."]
    assert set(errors) == {"currency", "number"}
    assert counts(tenant) == (1, 1, 1)


def test_another_tenants_customer_cannot_be_chosen(client, tenant, owner, theirs):
    client.force_login(owner)
    response = add(client, tenant, customer=theirs.customer.pk, name="")
    assert response.status_code == 400
    assert "Select a valid choice" in response.context["form"].errors["customer"][0]
    assert str(theirs.customer.pk) not in [
        value for value, _label in response.context["form"].fields["customer"].choices
    ]
    assert counts(tenant) == (0, 0, 0)
    assert Invoice.objects.filter(tenant=theirs.tenant).count() == 1


def test_only_members_who_edit_invoices_may_add(client, tenant, owner, outsider):
    collector = make_member(tenant, "collector2@acme.test", Role.COLLECTOR)
    client.force_login(collector)
    assert client.get(url("add_by_hand", tenant)).status_code == 200
    for role in (Role.SALES, Role.VIEWER):
        client.force_login(make_member(tenant, f"{role}@acme.test", role))
        assert client.get(url("add_by_hand", tenant)).status_code == 403
        assert add(client, tenant).status_code == 403
    client.force_login(outsider)
    assert add(client, tenant).status_code == 404
    assert counts(tenant) == (0, 0, 0)
