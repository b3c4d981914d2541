"""Bulk upserts: up to 10,000 items, all or nothing, every bad item reported at once."""

from datetime import timedelta

from integrations.api.items import MAX_BULK_ITEMS
from receivables.models import Customer, Invoice, Payment
from tests.integrations.api.conftest import pointers, problem
from tests.reminders.pages import today


def invoices(mine, count: int, start: int = 0) -> list[dict]:
    return [
        {
            "number": f"B-{n}",
            "external_id": f"ext-{n}",
            "customer_external_id": mine.customer.external_id,
            "issue_date": str(today() - timedelta(days=30)),
            "due_date": str(today() + timedelta(days=n % 60)),
            "total": f"{100 + n}.50",
        }
        for n in range(start, start + count)
    ]


def test_it_creates_then_updates_and_reports_ids_in_item_order(api, mine):
    items = invoices(mine, 50)

    created = api.post("/api/v1/invoices/bulk/", {"items": items})
    items[3]["due_date"] = str(today() + timedelta(days=90))
    again = api.post("/api/v1/invoices/bulk/", {"items": items})

    assert created.status_code == 200, created.content
    body = created.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (50, 0, 0)
    stored = dict(Invoice.objects.filter(number__startswith="B-").values_list("number", "pk"))
    assert body["ids"] == [stored[item["number"]] for item in items]
    assert (again.json()["updated"], again.json()["unchanged"]) == (1, 49)
    assert Invoice.objects.filter(number__startswith="B-").count() == 50


def test_one_bad_item_refuses_the_request_and_every_bad_index_is_reported(api, mine):
    items = invoices(mine, 20)
    items[2]["total"] = 12.5  # a JSON number: a type problem
    items[7]["customer_external_id"] = "NOBODY"  # refused by the rules
    items[11]["due_date"] = "2020-01-01"  # before the issue date: refused by the rules
    items[15]["colour"] = "red"  # unknown field: a type problem

    response = api.post("/api/v1/invoices/bulk/", {"items": items})

    assert response.status_code == 400
    found = pointers(response)
    assert ("/items/2/total", "invalid") in found
    assert ("/items/7/customer_external_id", "unknown_customer") in found
    assert ("/items/11/due_date", "invalid_dates") in found
    assert ("/items/15/colour", "unknown_field") in found
    indexes = [int(pointer.split("/")[2]) for pointer, _ in found]
    assert indexes == sorted(indexes) and set(indexes) == {2, 7, 11, 15}
    assert not Invoice.objects.filter(number__startswith="B-").exists()


def test_items_refused_only_by_the_rules_answer_422(api, mine):
    items = invoices(mine, 3)
    items[1]["number"] = items[0]["number"]

    response = api.post("/api/v1/invoices/bulk/", {"items": items})

    assert response.status_code == 422
    assert ("/items/1/number", "duplicate") in pointers(response)
    assert not Invoice.objects.filter(number__startswith="B-").exists()


def test_the_envelope_is_checked(api, mine):
    url = "/api/v1/customers/bulk/"

    assert pointers(api.post(url, [])) == [("", "invalid")]
    assert pointers(api.post(url, {})) == [("/items", "required")]
    assert pointers(api.post(url, {"items": {}})) == [("/items", "not_a_list")]
    assert pointers(api.post(url, {"items": []})) == [("/items", "min_length")]
    assert pointers(api.post(url, {"items": [{"external_id": "a", "name": "A"}], "x": 1})) == [
        ("/x", "unknown_field")
    ]


def test_more_than_ten_thousand_items_are_refused_before_any_work(api, mine):
    items = [{"external_id": str(n)} for n in range(MAX_BULK_ITEMS + 1)]

    response = api.post("/api/v1/customers/bulk/", {"items": items})

    assert response.status_code == 400
    assert pointers(response) == [("/items", "max_length")]


def test_bulk_customers_and_payments(api, mine):
    customers = [
        {"external_id": f"K-{n}", "name": f"Kunde {n}", "currency": "EUR"} for n in range(5)
    ]
    assert api.post("/api/v1/customers/bulk/", {"items": customers}).status_code == 200
    assert Customer.objects.filter(tenant=mine.tenant, external_id__startswith="K-").count() == 5
    payments = [
        {
            "external_id": f"P-{n}",
            "customer_external_id": f"K-{n}",
            "amount": "10.00",
            "received_on": str(today()),
        }
        for n in range(5)
    ]

    response = api.post("/api/v1/payments/bulk/", {"items": payments})

    assert response.status_code == 200, response.content
    assert response.json()["created"] == 5
    assert set(Payment.objects.filter(tenant=mine.tenant).values_list("source", flat=True)) == {
        "api"
    }


def test_a_body_that_is_not_json_is_a_problem(api, mine):
    response = api.send("post", "/api/v1/customers/bulk/", raw="{not json")
    form = api.client.post(
        "/api/v1/customers/bulk/",
        {"items": "x"},
        headers={"Authorization": f"Bearer {api.secret}"},
    )

    assert response.status_code == 400
    assert problem(response)["type"].endswith("invalid-request")
    assert form.status_code == 415
    problem(form)
