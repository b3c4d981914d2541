"""The platform ESP's reports and replies (anymail): tracking moves an email forward only,
bounces and complaints mark the contact, a reply holds the customer it was meant for."""

import json
from datetime import timedelta

import pytest
from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, AnymailTrackingEvent, inbound, tracking
from django.core import mail
from django.utils import timezone

import reminders.channels.email.webhooks  # noqa: F401  (connects the anymail receivers)
from collections_app.events import Kind
from collections_app.models import Task
from receivables.models import Customer
from reminders.models import DeliveryEvent
from tests.reminders.channels.providers import (
    EMAIL,
    S,
    basic_auth,
    refreshed,
    sent,
    timeline,
)

pytestmark = pytest.mark.usefixtures("webhook_providers")


def track(event_type, dispatch=None, *, event_id="ev-1", metadata=None, **fields):
    if metadata is None and dispatch is not None:
        metadata = {"dispatch_id": str(dispatch.pk), "tenant_id": str(dispatch.tenant_id)}
    event = AnymailTrackingEvent(
        event_type=event_type,
        event_id=event_id,
        metadata=metadata or {},
        recipient=EMAIL,
        timestamp=timezone.now(),
        **fields,
    )
    tracking.send(sender=object, event=event, esp_name="Test")


def test_tracking_events_move_an_email_forward_only(contact):
    dispatch = sent(contact, "email")

    track("delivered", dispatch, event_id="e1")
    track("opened", dispatch, event_id="e2")
    track("delivered", dispatch, event_id="e3")
    assert refreshed(dispatch).status == S.OPENED
    track("clicked", dispatch, event_id="e4")

    assert refreshed(dispatch).status == S.CLICKED
    assert DeliveryEvent.objects.filter(dispatch=dispatch).count() == 4


def test_the_same_tracking_event_twice_is_kept_once(contact):
    dispatch = sent(contact, "email")

    track("opened", dispatch, event_id="same")
    track("opened", dispatch, event_id="same")

    assert DeliveryEvent.objects.count() == 1


def test_tracking_finds_the_dispatch_by_provider_message_id(contact):
    dispatch = sent(contact, "email", provider_message_id="esp-42")

    track("delivered", metadata={}, message_id="esp-42")

    assert refreshed(dispatch).status == S.DELIVERED


def test_tracking_metadata_naming_another_tenant_matches_nothing(contact, other_tenant):
    dispatch = sent(contact, "email")

    track("bounced", metadata={"dispatch_id": str(dispatch.pk), "tenant_id": str(other_tenant.pk)})

    assert refreshed(dispatch).status == S.SENT
    assert not DeliveryEvent.objects.exists()


def test_a_bounce_marks_the_address_invalid_and_tells_the_owner_once(
    contact, owner, django_capture_on_commit_callbacks
):
    dispatch = sent(contact, "email")

    with django_capture_on_commit_callbacks(execute=True):
        track("bounced", dispatch, event_id="b1", description="Mailbox does not exist")
        track("bounced", dispatch, event_id="b2", description="Mailbox does not exist")

    assert refreshed(dispatch).status == S.BOUNCED
    assert refreshed(contact).invalid_channels == ["email"]
    task = Task.objects.get()
    assert task.assignee == owner
    [entry] = timeline(contact.customer, Kind.CONTACT_INVALID)
    assert "Mailbox does not exist" in entry.message
    assert [m.to for m in mail.outbox] == [[owner.email]]


@pytest.mark.parametrize(
    ("event_type", "reason"),
    [("complained", None), ("unsubscribed", None), ("rejected", "unsubscribed")],
)
def test_complaints_and_unsubscribes_opt_the_contact_out(contact, event_type, reason):
    dispatch = sent(contact, "email", status=S.OPENED)

    track(event_type, dispatch, reject_reason=reason)

    assert refreshed(contact).opted_out_channels == ["email"]
    assert refreshed(contact).invalid_channels == []
    assert len(timeline(contact.customer, Kind.OPTED_OUT)) == 1


def test_an_esp_webhook_reaches_the_dispatch(client, contact):
    dispatch = sent(contact, "email", provider_message_id="pm-1")
    body = {
        "RecordType": "Delivery",
        "MessageID": "pm-1",
        "Recipient": EMAIL,
        "DeliveredAt": "2026-03-27T10:00:00Z",
        "Details": "250 OK",
        "ServerID": 1,
        "Metadata": {"dispatch_id": str(dispatch.pk), "tenant_id": str(dispatch.tenant_id)},
    }

    response = client.post(
        "/hooks/anymail/postmark/tracking/",
        json.dumps(body),
        content_type="application/json",
        **basic_auth(),
    )

    assert response.status_code == 200
    assert refreshed(dispatch).status == S.DELIVERED


def test_an_esp_webhook_without_its_secret_changes_nothing(client, contact):
    dispatch = sent(contact, "email", provider_message_id="pm-1")
    body = {
        "RecordType": "Delivery",
        "MessageID": "pm-1",
        "Recipient": EMAIL,
        "DeliveredAt": "2026-03-27T10:00:00Z",
    }

    response = client.post(
        "/hooks/anymail/postmark/tracking/",
        json.dumps(body),
        content_type="application/json",
        **basic_auth("hooks:guess"),
    )

    assert response.status_code == 400
    assert refreshed(dispatch).status == S.SENT


# Email replies (anymail inbound)


def receive(sender=EMAIL, subject="Re: Invoice 2026-001", text="We paid last week.", **kw):
    message = AnymailInboundMessage.construct(
        from_email=sender, to="ar@acme.test", subject=subject, text=text, **kw
    )
    event = AnymailInboundEvent(
        event_type="inbound", event_id=kw.pop("event_id", None), message=message
    )
    inbound.send(sender=object, event=event, esp_name="Test")


def test_a_reply_puts_the_customer_on_hold(contact):
    dispatch = sent(contact, "email")

    receive()
    receive()

    customer = refreshed(contact.customer)
    assert customer.reminders_on_hold
    assert refreshed(dispatch).status == S.REPLIED
    [entry] = timeline(customer, Kind.REPLY_RECEIVED)
    assert "We paid last week." in entry.data["text"]


def test_a_reply_only_affects_the_tenant_whose_latest_reminder_went_there(contact, other_contact):
    earlier = timezone.now() - timedelta(days=3)
    sent(contact, "email", sent_at=earlier)
    latest = sent(other_contact, "email", sent_at=timezone.now())

    receive(sender="PAT@customer.test")

    assert refreshed(other_contact.customer).reminders_on_hold
    assert refreshed(latest).status == S.REPLIED
    assert not refreshed(contact.customer).reminders_on_hold
    assert not timeline(contact.customer, Kind.REPLY_RECEIVED)


def test_a_reply_matching_several_tenants_without_reminders_is_ignored(contact, other_contact):
    receive()

    assert not Customer.objects.filter(reminders_on_hold=True).exists()


def test_an_out_of_office_reply_is_ignored(contact):
    sent(contact, "email")

    receive(headers={"Auto-Submitted": "auto-replied"}, text="I am away until Monday.")

    assert not refreshed(contact.customer).reminders_on_hold


def test_an_unsubscribe_email_opts_the_contact_out(contact):
    sent(contact, "email")

    receive(subject="unsubscribe", text="")

    assert refreshed(contact).opted_out_channels == ["email"]
    assert not refreshed(contact.customer).reminders_on_hold
