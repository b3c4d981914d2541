"""The answered call: the script in the customer's language, then 1 to promise payment in a
week, 2 to be called back; Twilio's signature on every step."""

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date

import reminders.channels.email.webhooks  # noqa: F401  (connects the anymail receivers)
from collections_app.events import Kind
from collections_app.models import PromiseToPay, Task
from reminders.channels.voice import call as voice
from tests.reminders.channels.providers import (
    PUBLIC,
    SID_A,
    TOKEN_A,
    TOKEN_B,
    S,
    refreshed,
    sent,
    timeline,
)
from tests.reminders.fakes import make_contact, make_customer, twilio_post

pytestmark = pytest.mark.usefixtures("webhook_providers")


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


def test_only_a_voice_reminder_has_a_call_script_and_menu(client, accounts, contact):
    sms = sent(contact, "sms")

    script = twilio_post(
        client, f"/hooks/twilio/voice/{sms.pk}/", {"AccountSid": SID_A, "CallSid": "CA1"}, TOKEN_A
    )

    assert script.status_code == 403
    assert gather(client, sms, "1").status_code == 403
    assert not PromiseToPay.objects.exists()
