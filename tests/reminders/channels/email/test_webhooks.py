"""What the ESPs' reports and replies do (anymail's signals): a report finds its email by the
message id stored when it was sent, never by metadata alone; tracking moves an email forward
only, bounces and complaints mark the contact, a reply holds the customer it was meant for."""

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
from tests.reminders.channels.providers import EMAIL, S, refreshed, sent, timeline

pytestmark = pytest.mark.usefixtures("webhook_providers")


def sent_email(contact, message_id="esp-1", **fields):
    return sent(contact, "email", provider_message_id=message_id, **fields)


def track(event_type, dispatch=None, *, event_id="ev-1", message_id=None, metadata=None, **fields):
    """Send a tracking event as anymail's webhook views do: about ``dispatch`` (its message id
    and metadata) unless told otherwise."""
    if dispatch is not None:
        message_id = message_id or dispatch.provider_message_id
        if metadata is None:
            metadata = {"dispatch_id": str(dispatch.pk), "tenant_id": str(dispatch.tenant_id)}
    event = AnymailTrackingEvent(
        event_type=event_type,
        event_id=event_id,
        message_id=message_id,
        metadata=metadata or {},
        recipient=EMAIL,
        timestamp=timezone.now(),
        **fields,
    )
    tracking.send(sender=object, event=event, esp_name="Test")


def test_tracking_events_move_an_email_forward_only(contact):
    dispatch = sent_email(contact)

    track("delivered", dispatch, event_id="e1")
    track("opened", dispatch, event_id="e2")
    track("delivered", dispatch, event_id="e3")
    assert refreshed(dispatch).status == S.OPENED
    track("clicked", dispatch, event_id="e4")

    assert refreshed(dispatch).status == S.CLICKED
    assert DeliveryEvent.objects.filter(dispatch=dispatch).count() == 4


def test_the_same_tracking_event_twice_is_kept_once(contact):
    dispatch = sent_email(contact)

    track("opened", dispatch, event_id="same")
    track("opened", dispatch, event_id="same")

    assert DeliveryEvent.objects.count() == 1


def test_a_report_without_metadata_finds_the_email_by_its_message_id(contact):
    dispatch = sent_email(contact, "esp-42")

    track("delivered", metadata={}, message_id="esp-42")

    assert refreshed(dispatch).status == S.DELIVERED


def test_a_report_naming_an_email_by_metadata_alone_changes_nothing(contact):
    dispatch = sent_email(contact, "esp-42")
    forged = {"dispatch_id": str(dispatch.pk), "tenant_id": str(dispatch.tenant_id)}

    track("bounced", metadata=forged, message_id="esp-unknown")
    track("complained", metadata=forged, message_id=None, event_id="ev-2")

    assert refreshed(dispatch).status == S.SENT
    assert refreshed(contact).invalid_channels == []
    assert refreshed(contact).opted_out_channels == []
    assert not DeliveryEvent.objects.exists()


def test_metadata_pointing_at_another_tenant_is_ignored(contact, other_contact):
    mine = sent_email(contact, "esp-mine")
    theirs = sent_email(other_contact, "esp-theirs")

    # My message's id with their reminder named in the metadata, then their tenant alone.
    track(
        "bounced",
        message_id="esp-mine",
        event_id="e1",
        metadata={"dispatch_id": str(theirs.pk), "tenant_id": str(theirs.tenant_id)},
    )
    track(
        "bounced",
        mine,
        event_id="e2",
        metadata={"dispatch_id": str(mine.pk), "tenant_id": str(theirs.tenant_id)},
    )

    assert refreshed(mine).status == refreshed(theirs).status == S.SENT
    assert refreshed(contact).invalid_channels == refreshed(other_contact).invalid_channels == []
    assert not DeliveryEvent.objects.exists()


def test_a_message_id_two_tenants_share_needs_metadata_to_tell_them_apart(contact, other_contact):
    mine = sent_email(contact, "4711")
    theirs = sent_email(other_contact, "4711")

    track("delivered", metadata={}, message_id="4711", event_id="e1")
    assert refreshed(mine).status == refreshed(theirs).status == S.SENT

    track("delivered", theirs, event_id="e2")
    assert (refreshed(mine).status, refreshed(theirs).status) == (S.SENT, S.DELIVERED)


def test_an_sms_with_the_same_provider_id_is_not_an_email(contact):
    sms = sent(contact, "sms", provider_message_id="esp-1")

    track("bounced", message_id="esp-1", metadata={})

    assert refreshed(sms).status == S.SENT


@pytest.mark.services
def test_a_report_with_a_nul_character_is_kept_without_it(postgres, contact):
    dispatch = sent_email(contact)

    track("bounced", dispatch, description="Mailbox\x00 unknown", mta_response="550\x00")

    assert refreshed(dispatch).status == S.BOUNCED
    assert DeliveryEvent.objects.get().payload["description"] == "Mailbox unknown"


def test_a_bounce_marks_the_address_invalid_and_tells_the_owner_once(
    contact, owner, django_capture_on_commit_callbacks
):
    dispatch = sent_email(contact)

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
    dispatch = sent_email(contact, status=S.OPENED)

    track(event_type, dispatch, reject_reason=reason)

    assert refreshed(contact).opted_out_channels == ["email"]
    assert refreshed(contact).invalid_channels == []
    assert len(timeline(contact.customer, Kind.OPTED_OUT)) == 1


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
