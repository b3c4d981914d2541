"""What Kapittx did, to read: reminders, timeline, workflows, disputes, promises, aging."""

from datetime import timedelta

from collections_app.models import Dispute, PromiseToPay, TimelineEvent
from reminders.models import DispatchStatus
from tests.integrations.api.conftest import problem
from tests.reminders.pages import today
from tests.reminders.scenario import make_invoice


def test_dispatches_show_status_channel_and_their_invoices(api, mine):
    [row] = api.get("/api/v1/dispatches/").json()["results"]

    assert row["id"] == mine.dispatch.pk
    assert (row["status"], row["channel"]) == (DispatchStatus.SENT, "email")
    assert row["invoices"] == [mine.invoice.pk]
    assert row["subject"] == "Acme reminder"
    filtered = api.get("/api/v1/dispatches/", {"status": "failed"}).json()["results"]
    assert filtered == []


def test_workflows_come_with_their_steps_in_order(api, mine):
    rows = api.get("/api/v1/workflows/").json()["results"]

    cadence = next(row for row in rows if row["id"] == mine.workflow.pk)
    offsets = [step["offset_days"] for step in cadence["steps"]]
    assert offsets == sorted(offsets) and len(offsets) == mine.workflow.steps.count()


def test_timeline_disputes_and_promises(api, mine):
    TimelineEvent.objects.create(
        tenant=mine.tenant, customer=mine.customer, kind="reply", message="Will pay Friday"
    )
    Dispute.objects.create(tenant=mine.tenant, invoice=mine.invoice, reason="Wrong price")
    PromiseToPay.objects.create(
        tenant=mine.tenant,
        customer=mine.customer,
        promised_on=today() + timedelta(days=4),
        amount="120.5",
        currency="EUR",
    )

    events = api.get("/api/v1/timeline-events/", {"customer": mine.customer.pk}).json()
    disputes = api.get("/api/v1/disputes/", {"status": "open"}).json()["results"]
    promises = api.get("/api/v1/promises/").json()["results"]

    assert [e["message"] for e in events["results"]] == ["Will pay Friday"]
    assert [(d["invoice"], d["customer"], d["reason"]) for d in disputes] == [
        (mine.invoice.pk, mine.customer.pk, "Wrong price")
    ]
    assert [(p["amount"], p["currency"]) for p in promises] == [("120.50", "EUR")]


def test_aging_buckets_per_currency_and_customer(api, mine, customers):
    _, rich = customers
    make_invoice(mine.tenant, rich, "OLD-9", today() - timedelta(days=45), "300")

    response = api.get("/api/v1/reports/aging/", {"as_of": str(today())})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["as_of"] == str(today())
    assert [b["key"] for b in body["buckets"]] == [
        "current",
        "d1_30",
        "d31_60",
        "d61_90",
        "d90_plus",
    ]
    [eur] = body["totals"]
    assert eur["currency"] == "EUR"
    assert eur["d31_60"] == "300.00"
    assert eur["current"] == "5000.00"
    rich_row = next(row for row in body["customers"] if row["customer"] == rich.pk)
    assert (rich_row["total"], rich_row["d31_60"]) == ("5300.00", "300.00")


def test_aging_refuses_a_bad_date(api, mine):
    response = api.get("/api/v1/reports/aging/", {"as_of": "0001-01-01"})

    assert response.status_code == 400
    assert problem(response)["errors"][0]["parameter"] == "as_of"
