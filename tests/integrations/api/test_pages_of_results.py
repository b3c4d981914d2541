"""Lists: cursor pages with a next link, stable under equal timestamps, ``updated_since``
for incremental sync, and a number of queries that does not grow with the page size."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from receivables.models import Customer, Invoice, Payment
from receivables.upsert import upsert_customers, upsert_invoices, upsert_payments
from tests.integrations.api.conftest import problem
from tests.reminders.pages import today


def many_invoices(mine, count: int) -> None:
    """``count`` invoices written in one batch, so they share one updated_at."""
    upsert_invoices(
        mine.tenant,
        [
            {
                "number": f"P-{n:03}",
                "customer": mine.customer.pk,
                "issue_date": today() - timedelta(days=10),
                "due_date": today() + timedelta(days=n),
                "total": 10 + n,
            }
            for n in range(count)
        ],
    )


def walk(api, url: str, params: dict) -> list[dict]:
    rows, response = [], api.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows.extend(body["results"])
        if body["next"] is None:
            return rows
        response = api.get(body["next"])


def test_pages_follow_next_links_through_rows_sharing_a_timestamp(api, mine):
    many_invoices(mine, 30)

    rows = walk(api, "/api/v1/invoices/", {"limit": 7})

    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) == Invoice.objects.filter(tenant=mine.tenant).count()
    assert [(r["updated_at"], r["id"]) for r in rows] == sorted(
        (r["updated_at"], r["id"]) for r in rows
    )


def test_descending_and_other_orderings_page_too(api, mine):
    many_invoices(mine, 12)

    by_due = walk(api, "/api/v1/invoices/", {"limit": 5, "ordering": "-due_date", "status": "open"})
    by_issue = walk(api, "/api/v1/invoices/", {"limit": 5, "ordering": "issue_date"})
    unbounded = api.get("/api/v1/invoices/", {"ordering": "due_date"})

    assert [r["due_date"] for r in by_due] == sorted((r["due_date"] for r in by_due), reverse=True)
    assert len(by_due) == Invoice.objects.filter(tenant=mine.tenant, status="open").count()
    assert [r["issue_date"] for r in by_issue] == sorted(r["issue_date"] for r in by_issue)
    assert len(by_issue) == Invoice.objects.filter(tenant=mine.tenant).count()
    assert problem(unbounded)["errors"][0]["parameter"] == "ordering"


def test_updated_since_returns_only_what_changed(api, mine):
    many_invoices(mine, 5)
    first_sync = walk(api, "/api/v1/invoices/", {})
    high_water = max(row["updated_at"] for row in first_sync)

    changed = api.patch(f"/api/v1/invoices/{first_sync[0]['id']}/", {"po_number": "PO-NEW"})
    assert changed.status_code == 200, changed.content
    since = walk(api, "/api/v1/invoices/", {"updated_since": changed.json()["updated_at"]})

    assert [row["id"] for row in since] == [first_sync[0]["id"]]
    assert changed.json()["updated_at"] > high_water


def test_updated_since_on_customers_and_payments(api, mine):
    later = (timezone.now() + timedelta(seconds=1)).isoformat()

    assert api.get("/api/v1/customers/", {"updated_since": later}).json()["results"] == []
    assert (
        api.get("/api/v1/payments/", {"updated_since": "2000-01-01T00:00:00Z"}).status_code == 200
    )


def test_updated_since_takes_any_offset_python_reads(api, mine):
    # +20:07 is a valid ISO offset that PostgreSQL would refuse as a time zone.
    response = api.get("/api/v1/customers/", {"updated_since": "2000-03-04T22:18:48+20:07"})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.customer.pk]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "garbage"}, "cursor"),
        ({"ordering": "balance"}, "ordering"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "0001-01-01T00:00:00+01:00"}, "updated_since"),
        ({"customer": "99999999999999999999"}, "customer"),
    ],
)
def test_bad_query_parameters_are_named(api, mine, params, parameter):
    response = api.get("/api/v1/invoices/", params)

    assert response.status_code == 400
    assert [e["parameter"] for e in problem(response)["errors"]] == [parameter]


def test_a_cursor_of_another_ordering_is_refused(api, mine):
    many_invoices(mine, 3)
    next_link = api.get("/api/v1/invoices/", {"limit": 1}).json()["next"]

    response = api.get(next_link + "&ordering=-updated_at")

    assert response.status_code == 400
    assert problem(response)["errors"][0]["parameter"] == "cursor"


def _queries(api, url: str, limit: int) -> int:
    api.get(url, {"limit": 1})  # the key's last use is recorded once, outside the count
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url, {"limit": limit})
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(limit, 40)
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/customers/",
        "/api/v1/invoices/",
        "/api/v1/payments/",
        "/api/v1/credit-notes/",
        "/api/v1/dispatches/",
        "/api/v1/workflows/",
        "/api/v1/disputes/",
        "/api/v1/promises/",
        "/api/v1/timeline-events/",
    ],
)
def test_a_page_costs_the_same_queries_whatever_its_size(api, mine, url):
    rows_of_every_kind(mine, 40)

    assert _queries(api, url, 3) == _queries(api, url, 40)


def rows_of_every_kind(mine, count: int) -> None:
    from collections_app.models import Dispute, PromiseToPay, TimelineEvent
    from receivables import ledger
    from reminders.models import Workflow
    from tests.reminders.pages import make_dispatch
    from tests.reminders.scenario import make_workflow

    tenant = mine.tenant
    upsert_customers(
        tenant,
        [
            {
                "external_id": f"Q-{n}",
                "name": f"Q {n}",
                "contacts": [{"email": f"a{n}@q.test"}, {"email": f"b{n}@q.test"}],
            }
            for n in range(count)
        ],
    )
    many_invoices(mine, count)
    invoices = list(Invoice.objects.filter(tenant=tenant, number__startswith="P-"))
    upsert_payments(
        tenant,
        [{"customer": mine.customer.pk, "amount": 1, "received_on": today()} for _ in range(count)],
    )
    for n, invoice in enumerate(invoices):
        ledger.record_credit_note(
            tenant, mine.customer, number=f"CN-{n}", amount=1, issued_on=today()
        )
        make_dispatch(tenant, mine.customer, [invoice, mine.invoice], key=f"q{n}")
        Dispute.objects.create(tenant=tenant, invoice=invoice)
        PromiseToPay.objects.create(tenant=tenant, customer=mine.customer, promised_on=today())
        TimelineEvent.objects.create(tenant=tenant, customer=mine.customer, kind="n", message="m")
    while Workflow.objects.filter(tenant=tenant).count() < count:
        make_workflow(tenant, name=f"W{Workflow.objects.count()}", default=False)
    assert Customer.objects.filter(tenant=tenant).count() > count
    assert Payment.objects.filter(tenant=tenant).count() >= count
