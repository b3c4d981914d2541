"""Twilio's signed status reports move a reminder forward only, once per status; a bad number
marks the contact and tells the owner."""

import pytest
from django.core import mail

import reminders.channels.email.webhooks  # noqa: F401  (connects the anymail receivers)
from collections_app.events import Kind
from collections_app.models import Task
from reminders.models import DeliveryEvent
from tests.reminders.channels.providers import SID_A, TOKEN_A, TOKEN_B, S, refreshed, sent, timeline
from tests.reminders.fakes import twilio_post

pytestmark = pytest.mark.usefixtures("webhook_providers")


def status(client, dispatch, token=TOKEN_A, **params):
    params = {"AccountSid": SID_A, "MessageSid": "SM1", **params}
    return twilio_post(client, f"/hooks/twilio/status/{dispatch.pk}/", params, token)


def test_signed_status_moves_the_dispatch_forward(client, accounts, contact):
    dispatch = sent(contact, "sms", provider_message_id="SM1")

    response = status(client, dispatch, MessageStatus="delivered")

    assert response.status_code == 204
    assert refreshed(dispatch).status == S.DELIVERED
    event = DeliveryEvent.objects.get()
    assert (event.provider, event.event_id, event.dispatch) == ("twilio", "SM1:delivered", dispatch)


def test_the_same_status_twice_is_kept_once(client, accounts, contact):
    dispatch = sent(contact, "sms")

    status(client, dispatch, MessageStatus="delivered")
    status(client, dispatch, MessageStatus="delivered")

    assert DeliveryEvent.objects.count() == 1


def test_status_never_moves_backwards(client, accounts, contact):
    dispatch = sent(contact, "whatsapp", status=S.CLICKED)

    status(client, dispatch, MessageStatus="read")
    status(client, dispatch, MessageStatus="delivered")

    assert refreshed(dispatch).status == S.CLICKED
    assert DeliveryEvent.objects.count() == 2


def test_whatsapp_read_counts_as_opened(client, accounts, contact):
    dispatch = sent(contact, "whatsapp")

    status(client, dispatch, MessageStatus="read")

    assert refreshed(dispatch).status == S.OPENED


def test_undelivered_to_a_bad_number_marks_the_contact_and_tells_the_owner(
    client, accounts, contact, owner, django_capture_on_commit_callbacks
):
    dispatch = sent(contact, "sms")

    with django_capture_on_commit_callbacks(execute=True):
        status(client, dispatch, MessageStatus="undelivered", ErrorCode="30005")

    dispatch = refreshed(dispatch)
    assert dispatch.status == S.BOUNCED
    assert "30005" in dispatch.error
    assert refreshed(contact).invalid_channels == ["sms"]
    task = Task.objects.get()
    assert task.assignee == owner
    assert task.customer == contact.customer
    assert len(timeline(contact.customer, Kind.CONTACT_INVALID)) == 1
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_an_unreachable_handset_bounces_but_keeps_the_number(client, accounts, contact):
    dispatch = sent(contact, "sms")

    status(client, dispatch, MessageStatus="undelivered", ErrorCode="30003")

    assert refreshed(dispatch).status == S.BOUNCED
    assert refreshed(contact).invalid_channels == []


def test_call_statuses_map_onto_the_dispatch(client, accounts, contact):
    answered, failed = sent(contact, "voice"), sent(contact, "voice")

    twilio_post(
        client,
        f"/hooks/twilio/status/{answered.pk}/",
        {"AccountSid": SID_A, "CallSid": "CA1", "CallStatus": "completed"},
        TOKEN_A,
    )
    twilio_post(
        client,
        f"/hooks/twilio/status/{failed.pk}/",
        {"AccountSid": SID_A, "CallSid": "CA2", "CallStatus": "failed"},
        TOKEN_A,
    )

    assert refreshed(answered).status == S.DELIVERED
    assert refreshed(failed).status == S.FAILED
    assert refreshed(contact).invalid_channels == ["voice"]


@pytest.mark.parametrize("tamper", ["signature", "param", "missing header"])
def test_status_without_a_valid_signature_is_refused_and_changes_nothing(
    client, accounts, contact, tamper
):
    dispatch = sent(contact, "sms")
    params = {
        "AccountSid": SID_A,
        "MessageSid": "SM1",
        "MessageStatus": "undelivered",
        "ErrorCode": "30005",
    }
    forged = {
        "signature": {"signature": "bm90IGEgcmVhbCBzaWduYXR1cmU="},
        "param": {"signed_params": {**params, "MessageStatus": "delivered"}},
        "missing header": {"signature": ""},
    }[tamper]

    response = twilio_post(
        client, f"/hooks/twilio/status/{dispatch.pk}/", params, TOKEN_A, **forged
    )

    assert response.status_code == 403
    assert refreshed(dispatch).status == S.SENT
    assert refreshed(contact).invalid_channels == []
    assert not DeliveryEvent.objects.exists()
    assert not Task.objects.exists()


def test_status_signed_with_another_tenants_token_is_refused(client, accounts, contact):
    dispatch = sent(contact, "sms")

    response = status(client, dispatch, token=TOKEN_B, MessageStatus="delivered")

    assert response.status_code == 403
    assert refreshed(dispatch).status == S.SENT
    assert not DeliveryEvent.objects.exists()


def test_status_for_an_unknown_dispatch_is_refused(client, accounts):
    response = twilio_post(
        client,
        "/hooks/twilio/status/999999/",
        {"MessageSid": "SM1", "MessageStatus": "delivered"},
        TOKEN_A,
    )
    assert response.status_code == 403


def test_twilio_endpoints_take_post_only(client, accounts, contact):
    dispatch = sent(contact, "sms")
    assert client.get(f"/hooks/twilio/status/{dispatch.pk}/").status_code == 405
    assert client.get("/hooks/twilio/inbound/").status_code == 405


@pytest.mark.services
def test_a_signed_status_with_a_nul_character_is_refused_clearly(
    postgres, client, accounts, contact
):
    dispatch = sent(contact, "sms")

    response = status(client, dispatch, MessageStatus="undelivered", ErrorCode="30005\x00")

    assert response.status_code == 400
    assert refreshed(dispatch).status == S.SENT
    assert not DeliveryEvent.objects.exists()


def test_a_signed_status_for_an_email_reminder_is_refused(client, accounts, contact):
    email = sent(contact, "email")

    response = status(client, email, MessageStatus="undelivered", ErrorCode="30005")

    assert response.status_code == 403
    assert refreshed(email).status == S.SENT
    assert refreshed(contact).invalid_channels == []
    assert not DeliveryEvent.objects.exists()
