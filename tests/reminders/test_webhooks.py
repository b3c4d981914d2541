"""Provider webhooks: signed Twilio callbacks, anymail events and replies, unsubscribe."""

import base64
import json
import threading
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, AnymailTrackingEvent, inbound, tracking
from django.core import mail
from django.db import connection
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date

import reminders.channels.email.webhooks  # noqa: F401  (connects the anymail receivers)
from collections_app.events import Kind
from collections_app.models import PromiseToPay, Task, TimelineEvent
from kapittx.onboarding import create_tenant
from receivables.models import Contact, Customer
from reminders.channels.accounts import provider_config, set_provider_account
from reminders.channels.email.tenant_webhooks import webhook_urls
from reminders.channels.email.unsubscribe import unsubscribe_token
from reminders.channels.voice import call as voice
from reminders.models import DeliveryEvent, Dispatch, DispatchStatus
from reminders.outbox import outcomes
from tests.reminders.fakes import make_contact, make_customer, make_dispatch, twilio_post

PUBLIC = "https://ar.example.com"
SID_A, TOKEN_A = "AC" + "a" * 32, "token-of-acme"
SID_B, TOKEN_B = "AC" + "b" * 32, "token-of-globex"
PHONE, EMAIL = "+4930123456", "pat@customer.test"
S = DispatchStatus


@pytest.fixture(autouse=True)
def providers(settings):
    settings.KAPITTX_PUBLIC_URL = PUBLIC
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hooks:s3cret"}


@pytest.fixture
def accounts(tenant, other_tenant):
    set_provider_account(tenant, "twilio", {"account_sid": SID_A, "auth_token": TOKEN_A})
    set_provider_account(other_tenant, "twilio", {"account_sid": SID_B, "auth_token": TOKEN_B})


@pytest.fixture
def customer(tenant, owner):
    return make_customer(tenant, name="Müller GmbH", language="de", owner=owner)


@pytest.fixture
def contact(customer):
    return make_contact(customer)


@pytest.fixture
def other_contact(other_tenant, outsider):
    """A contact of another tenant with the same email address and phone number."""
    return make_contact(make_customer(other_tenant, "G-1", name="Globex client", currency="USD"))


def sent(contact: Contact, channel: str, **fields) -> Dispatch:
    fields = {"status": S.SENT, "sent_at": timezone.now(), **fields}
    return make_dispatch(contact, channel, **fields)


def refreshed(obj):
    obj.refresh_from_db()
    return obj


def timeline(customer: Customer, kind: str) -> list[TimelineEvent]:
    return list(TimelineEvent.objects.filter(customer=customer, kind=kind))


# Twilio status callbacks


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


# Twilio inbound messages


def text_in(client, body, *, sender=PHONE, sid=SID_A, token=TOKEN_A, message_sid="SMin1", **kw):
    params = {
        "AccountSid": sid,
        "MessageSid": message_sid,
        "From": sender,
        "To": "+4930555000",
        "Body": body,
    }
    return twilio_post(client, "/hooks/twilio/inbound/", params, token, **kw)


def test_stop_opts_out_only_in_the_tenant_whose_number_received_it(
    client, accounts, contact, other_contact
):
    response = text_in(client, "Stop.")

    assert response.status_code == 200
    assert refreshed(contact).opted_out_channels == ["sms"]
    assert refreshed(other_contact).opted_out_channels == []
    assert len(timeline(contact.customer, Kind.OPTED_OUT)) == 1
    assert not timeline(other_contact.customer, Kind.OPTED_OUT)


def test_start_opts_back_in(client, accounts, contact):
    text_in(client, "STOP", message_sid="SM1")
    text_in(client, "start", message_sid="SM2")

    assert refreshed(contact).opted_out_channels == []
    assert len(timeline(contact.customer, Kind.OPTED_IN)) == 1


def test_whatsapp_stop_opts_out_of_whatsapp_only(client, accounts, contact):
    text_in(client, "STOP", sender="whatsapp:+4915112345678")

    assert refreshed(contact).opted_out_channels == ["whatsapp"]


def test_help_answers_with_the_tenant_and_how_to_stop(client, accounts, contact):
    response = text_in(client, "help")

    root = ET.fromstring(response.content)
    [message] = root.findall("Message")
    assert "Acme Trading" in message.text
    assert "STOP" in message.text


def test_any_other_text_holds_the_customer_once(client, accounts, contact, other_contact):
    dispatch = sent(contact, "sms")

    text_in(client, "We paid on Monday, see remittance.")
    text_in(client, "We paid on Monday, see remittance.")

    customer = refreshed(contact.customer)
    assert customer.reminders_on_hold
    assert customer.reminders_hold_reason
    assert refreshed(dispatch).status == S.REPLIED
    [reply] = timeline(customer, Kind.REPLY_RECEIVED)
    assert "remittance" in reply.data["text"]
    assert not refreshed(other_contact.customer).reminders_on_hold


def test_inbound_signed_with_another_tenants_token_is_refused(client, accounts, contact):
    response = text_in(client, "STOP", sid=SID_A, token=TOKEN_B)

    assert response.status_code == 403
    assert refreshed(contact).opted_out_channels == []


@pytest.mark.parametrize("tamper", ["signature", "param", "missing header"])
def test_inbound_without_a_valid_signature_changes_nothing(client, accounts, contact, tamper):
    forged = {
        "signature": {"signature": "bm90IGEgcmVhbCBzaWduYXR1cmU="},
        "param": {
            "signed_params": {
                "AccountSid": SID_A,
                "MessageSid": "SMin1",
                "From": PHONE,
                "To": "+4930555000",
                "Body": "hello",
            }
        },
        "missing header": {"signature": ""},
    }[tamper]

    response = text_in(client, "STOP", **forged)

    assert response.status_code == 403
    assert refreshed(contact).opted_out_channels == []
    assert not TimelineEvent.objects.exists()


def test_inbound_for_an_unknown_account_is_refused(client, accounts, contact):
    response = text_in(client, "STOP", sid="AC" + "0" * 32)
    assert response.status_code == 403


def test_stop_on_the_platform_account_reaches_tenants_without_their_own(
    client, accounts, contact, settings
):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC" + "p" * 32, "platform"
    initech = create_tenant("initech", "Initech")
    shared = make_contact(make_customer(initech, "I-1"))

    text_in(client, "STOP", sid=settings.TWILIO_ACCOUNT_SID, token="platform")

    assert refreshed(shared).opted_out_channels == ["sms"]
    assert refreshed(contact).opted_out_channels == []


# Voice calls


def gather(client, dispatch, digits, *, by="2026-04-03", retry=False, token=TOKEN_A, **kw):
    query = f"?by={by}" + ("&retry=1" if retry else "")
    params = {"AccountSid": SID_A, "CallSid": "CA1", "Digits": digits}
    return twilio_post(
        client, f"/hooks/twilio/voice/{dispatch.pk}/gather/{query}", params, token, **kw
    )


def test_answered_call_says_the_script_in_the_customers_language_then_the_menu(
    client, accounts, contact
):
    dispatch = sent(contact, "voice", language="de", body_text="Guten Tag, hier ist Acme.")
    promise_by = timezone.localdate(timezone=ZoneInfo("Europe/Berlin")) + timedelta(7)

    response = twilio_post(
        client,
        f"/hooks/twilio/voice/{dispatch.pk}/",
        {"AccountSid": SID_A, "CallSid": "CA1"},
        TOKEN_A,
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    say, menu = list(root)
    assert (say.tag, say.get("language"), say.text) == ("Say", "de-DE", dispatch.body_text)
    assert menu.tag == "Gather"
    assert menu.get("numDigits") == "1"
    assert menu.get("method") == "POST"
    assert menu.get("action") == (
        f"{PUBLIC}/hooks/twilio/voice/{dispatch.pk}/gather/?by={promise_by.isoformat()}"
    )
    [prompt] = menu.findall("Say")
    assert prompt.get("language") == "de-DE"
    with translation.override("de"):
        assert format_date(promise_by, "j. F Y") in prompt.text
    assert "1" in prompt.text and "2" in prompt.text


@pytest.mark.parametrize(
    ("language", "country", "expected"),
    [
        ("en", "US", "en-US"),
        ("en", "GB", "en-GB"),
        ("fr", "FR", "fr-FR"),
        ("nl", "NL", "nl-NL"),
        ("de", "AT", "de-DE"),
        ("en-AU", "AU", "en-AU"),
    ],
)
def test_say_language_follows_the_customer(tenant, language, country, expected):
    customer = make_customer(tenant, language=language, country=country)
    dispatch = sent(make_contact(customer), "voice", language="")

    assert voice.say_language(dispatch) == expected


def test_promise_date_is_a_week_from_today_where_the_customer_is(tenant, monkeypatch):
    # 23:30 UTC on 10 March: already the 11th in Auckland, still the 10th in Los Angeles.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 10, 23, 30, tzinfo=UTC))
    auckland = make_customer(tenant, "NZ", time_zone="Pacific/Auckland")
    los_angeles = make_customer(tenant, "US", time_zone="America/Los_Angeles")

    assert voice.promise_date(sent(make_contact(auckland), "voice")) == date(2026, 3, 18)
    assert voice.promise_date(sent(make_contact(los_angeles), "voice")) == date(2026, 3, 17)


def test_pressing_1_records_the_promise_once(client, accounts, contact):
    dispatch = sent(contact, "voice")

    first = gather(client, dispatch, "1")
    gather(client, dispatch, "1")

    promise = PromiseToPay.objects.get()
    assert (promise.customer, promise.source, promise.promised_on) == (
        contact.customer,
        "voice",
        date(2026, 4, 3),
    )
    assert len(timeline(contact.customer, Kind.PROMISE_MADE)) == 1
    assert refreshed(dispatch).status == S.REPLIED
    root = ET.fromstring(first.content)
    assert [child.tag for child in root] == ["Say", "Hangup"]
    assert "April" in root.find("Say").text


def test_pressing_2_asks_the_owner_to_call_back(client, accounts, contact, owner):
    dispatch = sent(contact, "voice")

    gather(client, dispatch, "2")

    task = Task.objects.get()
    assert (task.customer, task.assignee) == (contact.customer, owner)
    assert len(timeline(contact.customer, Kind.CALLBACK_REQUESTED)) == 1
    assert not PromiseToPay.objects.exists()


def test_a_call_back_for_a_customer_without_owner_is_unassigned(client, accounts, tenant):
    dispatch = sent(make_contact(make_customer(tenant, "C-2")), "voice")

    gather(client, dispatch, "2")

    assert Task.objects.get().assignee is None


def test_another_key_asks_once_more_then_says_goodbye(client, accounts, contact):
    dispatch = sent(contact, "voice")

    again = ET.fromstring(gather(client, dispatch, "9").content)
    [menu] = again.findall("Gather")
    assert menu.get("action").endswith("?by=2026-04-03&retry=1")

    goodbye = ET.fromstring(gather(client, dispatch, "", retry=True).content)
    assert [child.tag for child in goodbye] == ["Say", "Hangup"]
    assert not PromiseToPay.objects.exists() and not Task.objects.exists()


def forgery(tamper: str, params: dict) -> dict:
    """Return twilio_post arguments that break the signature in the way named."""
    return {
        "signature": {"signature": "bm90IGEgcmVhbCBzaWduYXR1cmU="},
        "param": {"signed_params": {**params, "CallSid": "CA-other"}},
        "missing header": {"signature": ""},
        "other tenant": {"token": TOKEN_B},
    }[tamper]


@pytest.mark.parametrize("tamper", ["signature", "param", "missing header", "other tenant"])
def test_voice_endpoints_refuse_bad_signatures(client, accounts, contact, tamper):
    dispatch = sent(contact, "voice")
    script_params = {"AccountSid": SID_A, "CallSid": "CA1"}
    gather_params = {**script_params, "Digits": "1"}

    script = twilio_post(
        client,
        f"/hooks/twilio/voice/{dispatch.pk}/",
        script_params,
        **{"token": TOKEN_A, **forgery(tamper, script_params)},
    )
    pressed = gather(client, dispatch, "1", **forgery(tamper, gather_params))

    assert script.status_code == 403
    assert pressed.status_code == 403
    assert not PromiseToPay.objects.exists()
    assert refreshed(dispatch).status == S.SENT


# Email tracking (anymail)


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


def basic_auth(credentials: str = "hooks:s3cret") -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


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


# A tenant's own ESP account reports to the tenant's own addresses


HOOK_SECRET = "own-hook-password-of-acme"


def own_postmark(tenant) -> str:
    set_provider_account(
        tenant, "email",
        {"backend": "anymail.backends.postmark.EmailBackend", "server_token": "pm",
         "webhook_secret": HOOK_SECRET},
    )
    return f"/hooks/t/{tenant.pk}/anymail/postmark/"


def delivery_report(dispatch: Dispatch) -> str:
    return json.dumps(
        {
            "RecordType": "Delivery",
            "MessageID": dispatch.provider_message_id,
            "Recipient": EMAIL,
            "DeliveredAt": "2026-03-27T10:00:00Z",
            "Metadata": {"dispatch_id": str(dispatch.pk), "tenant_id": str(dispatch.tenant_id)},
        }
    )


def test_a_tenants_own_esp_reports_to_its_own_address(client, tenant, contact):
    dispatch = sent(contact, "email", provider_message_id="pm-1")
    response = client.post(
        own_postmark(tenant) + "tracking/", delivery_report(dispatch),
        content_type="application/json", **basic_auth(f"kapittx:{HOOK_SECRET}"),
    )
    assert response.status_code == 200
    assert refreshed(dispatch).status == S.DELIVERED


@pytest.mark.parametrize("credentials", ["kapittx:guess", "hooks:s3cret", None])
def test_a_tenants_own_address_wants_its_own_password(client, tenant, contact, credentials):
    dispatch = sent(contact, "email", provider_message_id="pm-1")
    auth = basic_auth(credentials) if credentials else {}
    response = client.post(
        own_postmark(tenant) + "tracking/", delivery_report(dispatch),
        content_type="application/json", **auth,
    )
    assert response.status_code == 400
    assert refreshed(dispatch).status == S.SENT


def test_a_tenants_own_address_cannot_report_on_another_tenants_mail(
    client, tenant, other_tenant, contact, other_contact
):
    theirs = sent(other_contact, "email", provider_message_id="pm-theirs")
    hook = own_postmark(tenant)
    for body in (
        delivery_report(theirs),  # named by metadata
        json.dumps({"RecordType": "Bounce", "MessageID": "pm-theirs", "Email": EMAIL,
                    "Type": "HardBounce", "BouncedAt": "2026-03-27T10:00:00Z"}),  # by its id
    ):
        response = client.post(
            hook + "tracking/", body, content_type="application/json",
            **basic_auth(f"kapittx:{HOOK_SECRET}"),
        )
        assert response.status_code == 200
    assert refreshed(theirs).status == S.SENT
    assert refreshed(other_contact).invalid_channels == []
    assert not DeliveryEvent.objects.exists()


def test_a_reply_through_a_tenants_own_address_holds_only_its_customer(
    client, tenant, contact, other_contact
):
    sent(other_contact, "email")  # the other tenant wrote to the same address last
    body = {
        "FromFull": {"Email": EMAIL, "Name": "Pat"},
        "ToFull": [{"Email": "ar@acme.test", "Name": ""}],
        "Subject": "Re: Rechnung 2026-001",
        "TextBody": "Wir haben gestern bezahlt.",
        "MessageID": "in-1",
        "Headers": [],
    }
    response = client.post(
        own_postmark(tenant) + "inbound/", json.dumps(body), content_type="application/json",
        **basic_auth(f"kapittx:{HOOK_SECRET}"),
    )
    assert response.status_code == 200
    assert refreshed(contact.customer).reminders_on_hold
    assert not refreshed(other_contact.customer).reminders_on_hold


def test_own_addresses_follow_the_public_address_with_its_password(tenant, settings):
    settings.KAPITTX_PUBLIC_URL = "https://ar.example.com/kapittx"
    own_postmark(tenant)
    urls = webhook_urls(tenant.pk, provider_config(tenant.pk, "email"))
    assert urls == {
        kind: f"https://kapittx:{HOOK_SECRET}@ar.example.com/kapittx/hooks/t/{tenant.pk}"
        f"/anymail/postmark/{kind}/"
        for kind in ("tracking", "inbound")
    }


def test_own_addresses_exist_only_for_a_tenants_own_account(client, tenant, other_tenant):
    auth = basic_auth(f"kapittx:{HOOK_SECRET}")
    assert client.post(f"/hooks/t/{tenant.pk}/anymail/postmark/tracking/", "{}",
                       content_type="application/json", **auth).status_code == 404
    hook = own_postmark(tenant)
    for path in (
        hook.replace("postmark", "sendgrid") + "tracking/",  # not the tenant's provider
        hook + "nonsense/",
        f"/hooks/t/{other_tenant.pk}/anymail/postmark/tracking/",
    ):
        response = client.post(path, "{}", content_type="application/json", **auth)
        assert response.status_code == 404, path


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


# One-click unsubscribe


def test_one_click_post_opts_the_address_out_in_that_tenant_only(
    client, tenant, contact, other_contact
):
    url = f"/hooks/unsubscribe/{unsubscribe_token(tenant.pk, EMAIL)}/"

    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert refreshed(contact).opted_out_channels == ["email"]
    assert refreshed(other_contact).opted_out_channels == []
    assert len(timeline(contact.customer, Kind.OPTED_OUT)) == 1


def test_opening_the_link_asks_first_and_changes_nothing(client, tenant, contact):
    response = client.get(f"/hooks/unsubscribe/{unsubscribe_token(tenant.pk, EMAIL)}/")

    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert refreshed(contact).opted_out_channels == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_refused_and_changes_nothing(client, tenant, contact, method):
    token = unsubscribe_token(tenant.pk, EMAIL)
    forged = token[:-4] + ("abcd" if not token.endswith("abcd") else "wxyz")

    response = getattr(client, method)(f"/hooks/unsubscribe/{forged}/")

    assert response.status_code == 400
    assert refreshed(contact).opted_out_channels == []
    assert not TimelineEvent.objects.exists()


# Concurrency


@pytest.mark.django_db(transaction=True)
def test_the_same_event_racing_in_twice_is_kept_once(postgres, tenant, contact):
    dispatch = sent(contact, "email")
    start = threading.Barrier(4)

    def deliver_event() -> bool:
        start.wait()
        try:
            return outcomes.record_event(
                provider="email",
                event_id="race",
                event_type="delivered",
                dispatch=dispatch,
                payload={},
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: deliver_event(), range(4)))

    assert sorted(results) == [False, False, False, True]
    assert DeliveryEvent.objects.count() == 1
    assert refreshed(dispatch).status == S.DELIVERED
