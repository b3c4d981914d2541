"""Customers through the API: created, put and patched through the upsert, read by id and by
external id, with their contacts."""

from receivables.models import Contact, Customer
from tests.integrations.api.conftest import pointers, problem

CUSTOMERS = "/api/v1/customers/"
ACME = {
    "external_id": "X-100",
    "name": "Acme Widgets",
    "currency": "EUR",
    "country": "DE",
    "credit_limit": "5000.00",
    "payment_terms_days": 14,
    "tags": ["key-account"],
    "contacts": [{"name": "Ann", "email": "ann@acme.test", "role": "billing"}],
}


def test_it_creates_a_customer_with_its_contacts(api, mine):
    response = api.post(CUSTOMERS, ACME)

    assert response.status_code == 201, response.content
    body = response.json()
    customer = Customer.objects.get(tenant=mine.tenant, external_id="X-100")
    assert body["id"] == customer.pk
    assert body["credit_limit"] == "5000.00"
    assert body["payment_terms_days"] == 14
    assert body["updated_at"].endswith("Z")
    assert [c["email"] for c in body["contacts"]] == ["ann@acme.test"]
    assert body["contacts"][0]["updated_at"]


def test_creating_an_existing_external_id_is_a_conflict_and_changes_nothing(api, mine):
    api.post(CUSTOMERS, ACME)

    response = api.post(CUSTOMERS, {**ACME, "name": "Renamed"})

    assert response.status_code == 409
    assert pointers(response) == [("/external_id", "exists")]
    assert Customer.objects.get(tenant=mine.tenant, external_id="X-100").name == "Acme Widgets"


def test_put_by_external_id_creates_then_updates(api, mine):
    url = f"{CUSTOMERS}by-external-id/ERP-7/"

    created = api.put(url, {"name": "Seven Ltd", "currency": "GBP"})
    updated = api.put(url, {"name": "Seven Limited"})

    assert created.status_code == 201, created.content
    assert updated.status_code == 200, updated.content
    assert created.json()["id"] == updated.json()["id"]
    customer = Customer.objects.get(tenant=mine.tenant, external_id="ERP-7")
    assert (customer.name, customer.currency) == ("Seven Limited", "GBP")
    fetched = api.get(url)
    assert fetched.status_code == 200
    assert fetched.json()["name"] == "Seven Limited"


def test_an_external_id_with_slashes_is_one_id(api, mine):
    url = f"{CUSTOMERS}by-external-id/ACC/2024/17/"

    assert api.put(url, {"name": "Slashed"}).status_code == 201
    assert api.get(url).json()["external_id"] == "ACC/2024/17"


def test_put_refuses_a_body_naming_another_external_id(api, mine):
    response = api.put(f"{CUSTOMERS}by-external-id/A-1/", {"external_id": "B-2", "name": "X"})

    assert response.status_code == 400
    assert pointers(response) == [("/external_id", "mismatch")]
    assert not Customer.objects.filter(tenant=mine.tenant, external_id__in=["A-1", "B-2"])


def test_patch_changes_only_the_fields_sent(api, mine):
    customer = mine.customer
    before = customer.currency

    response = api.patch(f"{CUSTOMERS}{customer.pk}/", {"name": "New Name", "country": "AT"})

    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert (customer.name, customer.country, customer.currency) == ("New Name", "AT", before)


def test_patch_cannot_change_the_external_id(api, mine):
    response = api.patch(f"{CUSTOMERS}{mine.customer.pk}/", {"external_id": "OTHER"})

    assert response.status_code == 400
    assert pointers(response) == [("/external_id", "immutable")]


def test_contacts_named_again_are_updated_not_duplicated(api, mine):
    api.post(CUSTOMERS, ACME)
    contact = {"name": "Ann Smith", "email": "ANN@acme.test", "phone": "030 1234567"}

    api.put(f"{CUSTOMERS}by-external-id/X-100/", {"contacts": [contact]})

    contacts = Contact.objects.filter(customer__external_id="X-100", tenant=mine.tenant)
    assert [(c.name, c.phone) for c in contacts] == [("Ann Smith", "+49301234567")]


def test_a_new_customer_without_a_name_is_refused_by_the_rules(api, mine):
    response = api.post(CUSTOMERS, {"external_id": "NO-NAME"})

    assert response.status_code == 422
    assert pointers(response) == [("/name", "required")]
    assert not Customer.objects.filter(external_id="NO-NAME").exists()


def test_every_type_problem_of_one_customer_is_reported(api, mine):
    body = {
        "external_id": "T-1",
        "name": "Typed",
        "currency": "eur",
        "credit_limit": 100.5,
        "payment_terms_days": "30",
        "tags": "vip",
        "contacts": [{"email": "not-an-email"}],
        "colour": "red",
    }

    response = api.post(CUSTOMERS, body)

    assert response.status_code == 400
    assert sorted(pointers(response)) == [
        ("/colour", "unknown_field"),
        ("/contacts/0/email", "invalid"),
        ("/credit_limit", "invalid"),
        ("/currency", "invalid"),
        ("/payment_terms_days", "invalid"),
        ("/tags", "not_a_list"),
    ]
    assert "decimal strings" in next(
        e["detail"] for e in problem(response)["errors"] if e["pointer"] == "/credit_limit"
    )


def test_the_list_shows_contacts_and_money_as_strings(api, mine):
    response = api.get(CUSTOMERS)

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["external_id"] == mine.customer.external_id
    assert row["contacts"][0]["email"] == mine.customer.contacts.get().email


def test_an_external_id_no_row_can_have_answers_404_not_a_server_error(api, mine):
    for method in ("get", "post"):
        if method == "get":
            response = api.get(f"{CUSTOMERS}by-external-id/A%00B/")
        else:
            response = api.post(CUSTOMERS, {"external_id": "A\x00B", "name": "Nul"})
        assert response.status_code in (400, 404, 422), (method, response.content)
        assert response["Content-Type"].startswith("application/problem+json")
