"""Every published event becomes one delivery per enabled endpoint that asks for it, in the
transaction of the change it reports."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import transaction

from collections_app import actions
from integrations.outgoing.catalogue import EVENT_TYPES
from integrations.outgoing.models import WebhookDelivery, WebhookSubscription
from kapittx.events import publish, publish_many
from receivables.models import Contact
from reminders.channels.base import ChannelError
from reminders.models import Dispatch
from reminders.outbox import outcomes, send
from reminders.outbox.batch_memo import batch_scope
from tests.reminders.fakes import make_contact, make_dispatch
from tests.reminders.scenario import local, make_customer, make_invoice, make_workflow, run


def bodies(tenant, event_type=None) -> list[dict]:
    rows = WebhookDelivery.objects.filter(tenant=tenant).order_by("pk")
    if event_type:
        rows = rows.filter(event_type=event_type)
    return [json.loads(row.body) for row in rows]


def test_a_tenant_without_endpoints_pays_one_query_and_gets_nothing(
    tenant, django_assert_num_queries
):
    with django_assert_num_queries(1):
        publish_many(tenant.pk, [("invoice.created", {"id": 1})] * 50)
    assert not WebhookDelivery.objects.exists()


def test_a_worker_sending_a_batch_reads_the_endpoints_once(
    tenant, subscribe, django_assert_num_queries
):
    subscribe(tenant, ["reminder.sent"])
    with batch_scope(), django_assert_num_queries(1 + 3):
        for n in range(3):
            publish(tenant.pk, "reminder.sent", {"id": n})
    assert WebhookDelivery.objects.count() == 3


def test_each_event_goes_to_the_enabled_endpoints_that_ask_for_it(tenant, other_tenant, subscribe):
    reminders = subscribe(tenant, ["reminder.sent", "reminder.failed"])
    promises = subscribe(tenant, ["promise.made"])
    switched_off = subscribe(tenant, ["reminder.sent", "promise.made"])
    WebhookSubscription.objects.filter(pk=switched_off.pk).update(enabled=False)
    theirs = subscribe(other_tenant, list(EVENT_TYPES))

    publish_many(
        tenant.pk,
        [("reminder.sent", {"id": 1}), ("promise.made", {"id": 2}), ("invoice.created", {})],
    )

    got = set(WebhookDelivery.objects.values_list("subscription", "event_type"))
    assert got == {(reminders.pk, "reminder.sent"), (promises.pk, "promise.made")}
    assert not WebhookDelivery.objects.filter(subscription=theirs).exists()


def test_an_event_for_two_endpoints_carries_one_id(tenant, subscribe):
    subscribe(tenant, ["promise.made"])
    subscribe(tenant, ["promise.made"], url="https://hooks.example.com/other")

    publish(tenant.pk, "promise.made", {"id": 2})
    publish(tenant.pk, "promise.made", {"id": 3})

    ids = list(WebhookDelivery.objects.order_by("pk").values_list("event_id", flat=True))
    assert len(ids) == 4 and ids[0] == ids[1] != ids[2] == ids[3]


def test_the_body_is_the_standard_webhooks_envelope(tenant, subscribe):
    subscribe(tenant, ["promise.made"])
    publish(
        tenant.pk, "promise.made", {"id": 2, "amount": Decimal("12.50"), "on": date(2026, 4, 1)}
    )

    [body] = bodies(tenant)
    assert list(body) == ["type", "timestamp", "data"]
    assert body["type"] == "promise.made"
    assert datetime.fromisoformat(body["timestamp"]).tzinfo == UTC
    assert body["data"] == {"id": 2, "amount": "12.50", "on": "2026-04-01"}


def test_an_event_of_a_change_rolled_back_is_never_delivered(tenant, subscribe):
    subscribe(tenant, ["promise.made"])
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(tenant.pk, "promise.made", {"id": 2})
        raise RuntimeError("the change failed")
    assert not WebhookDelivery.objects.exists()


@pytest.fixture
def everything(tenant, subscribe):
    return subscribe(tenant, list(EVENT_TYPES))


def test_a_sent_reminder_is_announced(tenant, everything):
    make_workflow(tenant)
    customer = make_customer(tenant)
    make_invoice(tenant, customer, "INV-1", date(2026, 3, 20))

    [dispatch] = run(tenant, local("2026-03-17 10:00"))

    [event] = bodies(tenant, "reminder.sent")
    sent_at = datetime.fromisoformat(event["data"].pop("sent_at"))
    assert sent_at == Dispatch.objects.get(pk=dispatch.pk).sent_at
    assert event["data"] == {
        "id": dispatch.pk,
        "channel": "email",
        "tone": "courtesy",
        "template": "courtesy-before-due",
        "contact": customer.contacts.get().pk,
        "customer": customer.pk,
        "customer_external_id": "C-1",
    }


def test_failed_and_bounced_reminders_are_announced(tenant, everything):
    contact = make_contact(make_customer(tenant, "C-9"))
    failing = make_dispatch(contact)
    send._failed(failing, ChannelError("API key refused", permanent=True), failing.due_at)
    bouncing = make_dispatch(contact, status="sent")
    outcomes.advance(bouncing, "bounced", "550 no such user")
    reported = make_dispatch(contact, "sms", status="delivered")
    outcomes.advance(reported, "failed", "Twilio failed 30008")

    failed = bodies(tenant, "reminder.failed")
    assert [
        (e["data"]["id"], e["data"]["error"], e["data"]["reported_by_provider"]) for e in failed
    ] == [
        (failing.pk, "API key refused", False),
        (reported.pk, "Twilio failed 30008", True),
    ]
    [bounced] = bodies(tenant, "reminder.bounced")
    assert bounced["data"]["id"] == bouncing.pk
    assert bounced["data"]["error"] == "550 no such user"
    assert bounced["data"]["customer_external_id"] == "C-9"


def test_replies_and_opt_outs_are_announced(tenant, everything):
    customer = make_customer(tenant, "C-9")
    first = make_contact(customer)
    make_contact(customer, phone="+4930999888")
    dispatch = make_dispatch(first, "sms", status="sent")

    outcomes.hold_for_reply(customer, dispatch, "We pay Friday")
    outcomes.set_opted_out(Contact.objects.all(), "sms", opted_out=True, how="replied STOP")
    outcomes.set_opted_out(Contact.objects.all(), "sms", opted_out=False, how="replied START")

    [reply] = bodies(tenant, "reply.received")
    assert reply["data"] == {
        "reminder": dispatch.pk,
        "channel": "sms",
        "customer": customer.pk,
        "customer_external_id": "C-9",
    }
    opted = bodies(tenant, "customer.opted_out")
    everyone = sorted(customer.contacts.values_list("pk", flat=True))
    assert len(everyone) == 3 and sorted(e["data"]["contact"] for e in opted) == everyone
    assert {e["data"]["how"] for e in opted} == {"replied STOP"}


def test_what_customers_tell_collections_is_announced(tenant, everything):
    customer = make_customer(tenant, "C-9")
    invoice = make_invoice(tenant, customer, "INV-9", date(2026, 3, 20))

    promise = actions.promise_payment(
        customer, date(2026, 4, 1), source="portal", amount=Decimal("120.5")
    )
    dispute = actions.dispute_invoice(invoice, "Wrong quantity", source="portal")
    actions.dispute_invoice(invoice, "And the price", source="portal")
    actions.report_payment(customer, [invoice], date(2026, 3, 25), source="portal", reference="T1")

    [promised] = bodies(tenant, "promise.made")
    assert promised["data"] == {
        "id": promise.pk,
        "promised_on": "2026-04-01",
        "amount": "120.50",
        "currency": "EUR",
        "source": "portal",
        "customer": customer.pk,
        "customer_external_id": "C-9",
    }
    # A second message about the same open dispute does not open another.
    [disputed] = bodies(tenant, "dispute.opened")
    assert disputed["data"]["id"] == dispute.pk and disputed["data"]["invoice_number"] == "INV-9"
    [reported] = bodies(tenant, "payment.reported")
    assert reported["data"]["invoices"] == [
        {"invoice": invoice.pk, "external_id": "", "number": "INV-9"}
    ]
    assert (reported["data"]["paid_on"], reported["data"]["reference"]) == ("2026-03-25", "T1")
