"""A reminder call once answered: the tenant's script, then press 1 to promise payment by a
week from today, 2 to be called back. ``reminders.channels.voice.webhooks`` checks Twilio's
signature and calls these."""

from datetime import date, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_date
from django.db import transaction
from django.utils import timezone
from twilio.twiml.voice_response import Gather, VoiceResponse

from collections_app import actions, events
from collections_app.actions import create_task
from collections_app.events import Kind
from collections_app.models import PromiseToPay, Task
from reminders.channels.twilio.client import public_url
from reminders.channels.voice.prompts import PROMPTS, SAY_LANGUAGES
from reminders.messages.formatting import known_locale
from reminders.models import Dispatch
from reminders.outbox.outcomes import record_event

#: The promise a call offers: to pay within this many days.
PROMISE_DAYS = 7


def gather_url(dispatch: Dispatch, promise_by: date, retry: bool = False) -> str:
    # The date rides in the URL Twilio signs, so the promise is for the date the
    # customer heard, even if the call straddles midnight.
    query = {"by": promise_by.isoformat(), **({"retry": "1"} if retry else {})}
    return public_url(f"/hooks/twilio/voice/{dispatch.pk}/gather/?{urlencode(query)}")


def language_of(dispatch: Dispatch) -> str:
    """Return the customer's language code, e.g. "de" or "en-US"."""
    customer = dispatch.customer
    return (dispatch.language or customer.language or customer.tenant.language or "en").replace(
        "_", "-"
    )


def say_language(dispatch: Dispatch) -> str:
    """Return the Twilio <Say> language for the dispatch, e.g. "de-DE"."""
    base, _sep, region = language_of(dispatch).partition("-")
    base = base.lower()
    if region:
        return f"{base}-{region.upper()}"
    if base == "en":
        return "en-US" if dispatch.customer.country in {"US", "CA"} else "en-GB"
    return SAY_LANGUAGES.get(base, "en-GB")


def _prompts(dispatch: Dispatch) -> tuple[dict[str, str], str]:
    base = language_of(dispatch).split("-")[0].lower()
    if base in PROMPTS:
        return PROMPTS[base], say_language(dispatch)
    return PROMPTS["en"], "en-GB"


def promise_date(dispatch: Dispatch) -> date:
    """Return the date offered on the call: a week from today where the customer is."""
    zone = ZoneInfo(dispatch.customer.effective_time_zone())
    return timezone.localdate(timezone=zone) + timedelta(days=PROMISE_DAYS)


def _spoken(day: date, dispatch: Dispatch) -> str:
    prompts, _lang = _prompts(dispatch)
    base = language_of(dispatch).split("-")[0].lower()
    # Babel's month names in the prompts' own language, in their pattern (CLDR syntax).
    locale = known_locale(base if base in PROMPTS else "en")
    return format_date(day, prompts["date"], locale=locale)


def _menu(response: VoiceResponse, dispatch: Dispatch, promise_by: date, retry: bool) -> None:
    prompts, lang = _prompts(dispatch)
    gather = Gather(
        num_digits=1,
        action=gather_url(dispatch, promise_by, retry),
        method="POST",
        timeout=8,
        action_on_empty_result=True,
    )
    gather.say(prompts["menu"].format(date=_spoken(promise_by, dispatch)), language=lang)
    response.append(gather)


def script_twiml(dispatch: Dispatch) -> str:
    """Return the TwiML for an answered call: the script, then the menu."""
    response = VoiceResponse()
    response.say(dispatch.body_text, language=say_language(dispatch))
    _menu(response, dispatch, promise_date(dispatch), retry=False)
    return str(response)


def answer_twiml(
    dispatch: Dispatch, *, digits: str, call_sid: str, promise_by: date, retry: bool
) -> str:
    """Act on the key pressed and return the TwiML that closes the call (or asks again)."""
    prompts, lang = _prompts(dispatch)
    response = VoiceResponse()
    if digits in {"1", "2"}:
        with transaction.atomic():
            # Kept once per call and key: Twilio retrying the request must not promise twice.
            first = record_event(
                provider="twilio",
                event_id=f"{call_sid}:pressed:{digits}",
                event_type="replied",
                dispatch=dispatch,
                payload={"CallSid": call_sid, "Digits": digits, "by": promise_by.isoformat()},
            )
            if first and digits == "1":
                promise_payment(dispatch, promise_by)
            elif first:
                request_callback(dispatch)
        if digits == "1":
            spoken = _spoken(promise_by, dispatch)
            response.say(prompts["promised"].format(date=spoken), language=lang)
        else:
            response.say(prompts["callback"], language=lang)
        response.hangup()
    elif not retry:
        response.say(prompts["again"], language=lang)
        _menu(response, dispatch, promise_by, retry=True)
    else:
        response.say(prompts["goodbye"], language=lang)
        response.hangup()
    return str(response)


def promise_payment(dispatch: Dispatch, promised_on: date) -> PromiseToPay:
    """Record the promise the customer made on the call."""
    return actions.promise_payment(
        dispatch.customer, promised_on, source="voice", dispatch_id=dispatch.pk
    )


@transaction.atomic
def request_callback(dispatch: Dispatch) -> Task:
    """Record the customer's wish to be called back, as a task for their owner."""
    customer = dispatch.customer
    task = create_task(
        customer,
        f"Call back {customer.name}",
        f"Asked for a call back on the reminder call to {dispatch.recipient}.",
    )
    events.record(
        customer,
        Kind.CALLBACK_REQUESTED,
        f"Asked to be called back on {dispatch.recipient}.",
        task_id=task.pk,
        dispatch_id=dispatch.pk,
    )
    return task
