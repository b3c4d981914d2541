"""Channel adapters against their providers, replaced only at the HTTP (or ESP) boundary."""

from contextlib import contextmanager

import pytest
import requests
from anymail.exceptions import AnymailAPIError
from anymail.message import AnymailRecipientStatus
from anymail.signals import pre_send
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from collections_app.models import Task
from reminders.channels.accounts import set_provider_account
from reminders.channels.base import AddressRefused, ChannelError, SendResult
from reminders.channels.email.adapter import EmailAdapter
from reminders.channels.email.unsubscribe import read_unsubscribe_token
from reminders.channels.local.adapter import LocalAdapter
from reminders.channels.registry import adapter_class
from reminders.channels.sms.adapter import SmsAdapter
from reminders.channels.task.adapter import TaskAdapter
from reminders.channels.voice.adapter import VoiceAdapter
from reminders.channels.whatsapp.adapter import WhatsAppAdapter
from reminders.models import ReminderSettings, Step, Workflow
from reminders.outbox import send
from tests.reminders.fakes import (
    FAKE_TWILIO_HTTP,
    FakeTwilioHttp,
    error,
    make_contact,
    make_customer,
    make_dispatch,
    network_down,
    ok,
)

PLATFORM_SID = "AC" + "a" * 32
PUBLIC = "https://ar.example.com"


@pytest.fixture(autouse=True)
def providers(settings):
    settings.KAPITTX_PUBLIC_URL = PUBLIC
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.KAPITTX_TWILIO_HTTP_CLIENT = FAKE_TWILIO_HTTP
    settings.TWILIO_ACCOUNT_SID = PLATFORM_SID
    settings.TWILIO_AUTH_TOKEN = "platform-token"
    settings.TWILIO_FROM_NUMBER = "+4930999000"
    settings.TWILIO_WHATSAPP_FROM = "+14155238886"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    FakeTwilioHttp.reset()
    yield
    FakeTwilioHttp.reset()


@pytest.fixture
def customer(tenant, owner):
    return make_customer(tenant, name="Müller GmbH", language="de", owner=owner)


@pytest.fixture
def contact(customer):
    return make_contact(customer)


@contextmanager
def esp_answers(response):
    """Make the test ESP answer the next send with ``response`` (a status or an error)."""

    def attach(sender, message, **kwargs):
        message.anymail_test_response = response

    pre_send.connect(attach, weak=False)
    try:
        yield
    finally:
        pre_send.disconnect(attach)


def api_error(status: int | None) -> AnymailAPIError:
    if status is None:
        return AnymailAPIError("connection reset")
    response = requests.Response()
    response.status_code, response.reason, response._content = status, "Err", b"{}"
    return AnymailAPIError("ESP said no", status_code=status, response=response)


# Email


def test_email_goes_out_with_text_html_sender_reply_to_and_metadata(tenant, contact):
    ReminderSettings.objects.update_or_create(
        tenant=tenant,
        defaults={
            "sender_name": "Acme Accounts",
            "sender_email": "accounts@acme.test",
            "reply_to": "ar@acme.test",
        },
    )
    dispatch = make_dispatch(contact, "email")

    result = EmailAdapter().send(dispatch)

    [message] = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["pat@customer.test"]
    assert message.from_email == "Acme Accounts <accounts@acme.test>"
    assert message.reply_to == ["ar@acme.test"]
    assert message.subject == dispatch.subject
    assert message.body == dispatch.body_text
    assert message.alternatives[0][0] == dispatch.body_html
    params = message.anymail_test_params
    assert params["metadata"] == {"dispatch_id": str(dispatch.pk), "tenant_id": str(tenant.pk)}
    assert params["tags"] == ["overdue-polite"]
    assert result == SendResult(str(message.anymail_status.message_id))


def test_email_carries_one_click_unsubscribe_headers(tenant, contact):
    ReminderSettings.objects.update_or_create(tenant=tenant, defaults={"reply_to": "ar@acme.test"})
    dispatch = make_dispatch(contact, "email")

    EmailAdapter().send(dispatch)

    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    mailto, url = [part.strip(" <>") for part in headers["List-Unsubscribe"].split(",")]
    assert mailto == "mailto:ar@acme.test?subject=unsubscribe"
    assert url.startswith(f"{PUBLIC}/hooks/unsubscribe/")
    token = url.removeprefix(f"{PUBLIC}/hooks/unsubscribe/").rstrip("/")
    assert read_unsubscribe_token(token) == (tenant.pk, "pat@customer.test")


def test_email_without_a_sender_address_uses_the_default_address(tenant, contact, settings):
    settings.DEFAULT_FROM_EMAIL = "Kapittx <no-reply@kapittx.test>"
    ReminderSettings.objects.filter(tenant=tenant).update(sender_name="Acme AR", sender_email="")

    EmailAdapter().send(make_dispatch(contact, "email"))

    assert mail.outbox[0].from_email == "Acme AR <no-reply@kapittx.test>"
    assert mail.outbox[0].reply_to == []


def test_email_without_tenant_settings_uses_the_default_sender(tenant, contact, settings):
    settings.DEFAULT_FROM_EMAIL = "Kapittx <no-reply@kapittx.test>"
    ReminderSettings.objects.filter(tenant=tenant).delete()

    EmailAdapter().send(make_dispatch(contact, "email"))

    assert mail.outbox[0].from_email == "Kapittx <no-reply@kapittx.test>"


def test_email_goes_through_the_tenants_own_esp_account(tenant, contact, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    set_provider_account(tenant, "email", {"backend": "anymail.backends.test.EmailBackend"})

    EmailAdapter().send(make_dispatch(contact, "email"))

    assert hasattr(mail.outbox[0], "anymail_test_params")


def test_refused_recipient_is_a_permanent_address_error(contact):
    refused = {"recipient_status": {contact.email: AnymailRecipientStatus(None, "rejected")}}
    with esp_answers(refused), pytest.raises(AddressRefused) as caught:
        EmailAdapter().send(make_dispatch(contact, "email"))
    assert caught.value.permanent


@pytest.mark.parametrize(
    ("status", "permanent"),
    [
        (503, False),
        (500, False),
        (429, False),
        (None, False),
        (400, True),
        (401, True),
        (422, True),
    ],
)
def test_esp_api_errors_map_to_transient_or_permanent(contact, status, permanent):
    with esp_answers(api_error(status)), pytest.raises(ChannelError) as caught:
        EmailAdapter().send(make_dispatch(contact, "email"))
    assert caught.value.permanent is permanent
    assert not isinstance(caught.value, AddressRefused)


def test_malformed_address_is_a_permanent_address_error(contact):
    dispatch = make_dispatch(contact, "email", recipient="not an address")
    with pytest.raises(AddressRefused):
        EmailAdapter().send(dispatch)


# SMS and WhatsApp


def test_sms_request_carries_to_from_body_and_status_callback(contact):
    dispatch = make_dispatch(contact, "sms", body_text="Invoice 2026-001 is 7 days overdue.")

    result = SmsAdapter().send(dispatch)

    [request] = FakeTwilioHttp.requests
    assert request.method == "POST"
    assert request.url == f"https://api.twilio.com/2010-04-01/Accounts/{PLATFORM_SID}/Messages.json"
    assert request.auth == (PLATFORM_SID, "platform-token")
    assert request.data == {
        "To": "+4930123456",
        "From": "+4930999000",
        "Body": "Invoice 2026-001 is 7 days overdue.",
        "StatusCallback": f"{PUBLIC}/hooks/twilio/status/{dispatch.pk}/",
    }
    assert result.provider_message_id.startswith("SM")


def test_sms_uses_the_tenants_own_account_and_messaging_service(tenant, contact):
    own_sid = "AC" + "b" * 32
    set_provider_account(
        tenant,
        "twilio",
        {"account_sid": own_sid, "auth_token": "own", "messaging_service_sid": "MG123"},
    )
    FakeTwilioHttp.replies.append(ok({"sid": "SM123", "status": "queued"}))

    result = SmsAdapter().send(make_dispatch(contact, "sms"))

    [request] = FakeTwilioHttp.requests
    assert f"/Accounts/{own_sid}/" in request.url
    assert request.auth == (own_sid, "own")
    assert request.data["MessagingServiceSid"] == "MG123"
    assert "From" not in request.data
    assert result == SendResult("SM123")


def test_whatsapp_addresses_carry_the_whatsapp_prefix(contact):
    dispatch = make_dispatch(contact, "whatsapp")

    WhatsAppAdapter().send(dispatch)

    [request] = FakeTwilioHttp.requests
    assert request.data["To"] == "whatsapp:+4915112345678"
    assert request.data["From"] == "whatsapp:+14155238886"
    assert request.data["StatusCallback"] == f"{PUBLIC}/hooks/twilio/status/{dispatch.pk}/"


@pytest.mark.parametrize(
    ("reply", "permanent", "address_refused"),
    [
        (error(400, 21211, "Invalid 'To' Phone Number"), True, True),
        (error(400, 21614, "'To' number is not a valid mobile number"), True, True),
        (error(400, 21610, "Attempt to send to unsubscribed recipient"), True, False),
        (error(401, 20003, "Authenticate"), True, False),
        (error(400, 21999, "Something new"), True, False),
        (error(429, 20429, "Too Many Requests"), False, False),
        (error(503), False, False),
        (error(500, 20500, "Internal Server Error"), False, False),
        (network_down(), False, False),
    ],
)
def test_twilio_errors_map_to_transient_or_permanent(contact, reply, permanent, address_refused):
    FakeTwilioHttp.replies.append(reply)

    with pytest.raises(ChannelError) as caught:
        SmsAdapter().send(make_dispatch(contact, "sms"))

    assert caught.value.permanent is permanent
    assert isinstance(caught.value, AddressRefused) is address_refused


def test_no_twilio_credentials_is_a_permanent_error(contact, settings):
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""

    with pytest.raises(ChannelError) as caught:
        SmsAdapter().send(make_dispatch(contact, "sms"))

    assert caught.value.permanent
    assert FakeTwilioHttp.requests == []


def test_an_empty_text_is_never_sent(contact):
    with pytest.raises(ChannelError) as caught:
        SmsAdapter().send(make_dispatch(contact, "sms", body_text="  "))
    assert caught.value.permanent
    assert FakeTwilioHttp.requests == []


# Voice


def test_voice_call_points_twilio_at_the_script_and_status_urls(contact):
    dispatch = make_dispatch(contact, "voice", body_text="Guten Tag, hier ist Acme.")

    result = VoiceAdapter().send(dispatch)

    [request] = FakeTwilioHttp.requests
    assert request.url.endswith(f"/Accounts/{PLATFORM_SID}/Calls.json")
    assert request.data == {
        "To": "+4930123456",
        "From": "+4930999000",
        "Url": f"{PUBLIC}/hooks/twilio/voice/{dispatch.pk}/",
        "Method": "POST",
        "StatusCallback": f"{PUBLIC}/hooks/twilio/status/{dispatch.pk}/",
    }
    assert result.provider_message_id.startswith("CA")


def test_voice_without_a_caller_number_is_a_permanent_error(contact, settings):
    settings.TWILIO_FROM_NUMBER = ""
    with pytest.raises(ChannelError) as caught:
        VoiceAdapter().send(make_dispatch(contact, "voice"))
    assert caught.value.permanent


# Local and task


def test_local_adapter_keeps_the_message_and_calls_no_provider(contact):
    dispatch = make_dispatch(contact, "sms")

    assert LocalAdapter().send(dispatch) == SendResult(f"local-{dispatch.pk}")
    assert FakeTwilioHttp.requests == []
    assert mail.outbox == []


def test_local_channels_setting_swaps_every_outside_channel(settings):
    settings.KAPITTX_LOCAL_CHANNELS = True
    assert {adapter_class(k) for k in ("email", "sms", "whatsapp", "voice")} == {LocalAdapter}
    assert adapter_class("task") is TaskAdapter

    settings.KAPITTX_LOCAL_CHANNELS = False
    assert adapter_class("email") is EmailAdapter
    assert adapter_class("whatsapp") is WhatsAppAdapter


def test_task_adapter_makes_a_task_for_the_owner_once(contact, owner):
    dispatch = make_dispatch(contact, "task", subject="", body_text="Call about 2026-001.")

    first = TaskAdapter().send(dispatch)
    again = TaskAdapter().send(dispatch)

    task = Task.objects.get()
    assert first == again == SendResult(f"task-{task.pk}")
    assert task.assignee == owner
    assert task.details == "Call about 2026-001."
    assert task.customer == contact.customer


def test_a_worker_batch_of_tasks_goes_to_each_steps_assignee(
    tenant, contact, owner, teammate, django_assert_max_num_queries
):
    workflow = Workflow.objects.create(tenant=tenant, name="Calls")
    steps = [
        Step.objects.create(
            tenant=tenant, workflow=workflow, offset_days=offset, channel="task",
            template_key="call-customer", assignee=assignee,
        )
        for offset, assignee in ((10, teammate), (20, None))
    ]
    queued = [make_dispatch(contact, "task", step=step, status="queued") for step in steps]
    with django_assert_max_num_queries(40):
        outcome = send.deliver_many(tenant.pk, [d.pk for d in queued])
    assert set(outcome.values()) == {"sent"}
    assignees = dict(Task.objects.values_list("title", "assignee"))
    assert sorted(assignees.values()) == sorted([teammate.pk, owner.pk])


def test_task_adapter_prefers_the_steps_assignee(tenant, contact, teammate):
    workflow = Workflow.objects.create(tenant=tenant, name="Calls")
    step = Step.objects.create(
        tenant=tenant,
        workflow=workflow,
        offset_days=10,
        channel="task",
        template_key="call",
        assignee=teammate,
    )
    dispatch = make_dispatch(contact, "task", step=step, subject="Call Müller GmbH")

    TaskAdapter().send(dispatch)

    task = Task.objects.get()
    assert task.assignee == teammate
    assert task.title == "Call Müller GmbH"
