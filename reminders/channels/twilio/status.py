"""Twilio's status reports about messages and calls (SMS, WhatsApp and voice alike)."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from reminders.channels.twilio.client import BAD_NUMBER_CODES
from reminders.channels.twilio.signature import signed_dispatch, storable
from reminders.outbox.outcomes import mark_contact_invalid, record_event

#: Twilio MessageStatus / CallStatus → our event type; others are kept as they come.
TWILIO_STATUSES = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "opened",
    "undelivered": "bounced",
    "failed": "failed",
    "completed": "delivered",
    "busy": "failed",
    "no-answer": "failed",
    "canceled": "failed",
}
#: Status callback error codes that mean the number is wrong, not merely unreachable today.
INVALID_NUMBER_CODES = {str(code) for code in BAD_NUMBER_CODES} | {"30005", "30006"}


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    """Record a message or call status report for one SMS, WhatsApp or voice dispatch."""
    dispatch = signed_dispatch(request, dispatch_id)
    if dispatch is None:
        return HttpResponseForbidden()
    if not storable(request.POST):
        return HttpResponseBadRequest("A field holds a NUL character.")
    data = request.POST
    raw = data.get("MessageStatus") or data.get("CallStatus") or ""
    sid = data.get("MessageSid") or data.get("CallSid") or ""
    event_type = TWILIO_STATUSES.get(raw, raw or "unknown")
    code = data.get("ErrorCode", "")
    payload = data.dict()
    if event_type in {"bounced", "failed"}:
        payload["error"] = f"Twilio {raw} {code}".strip()
    first = record_event(
        provider="twilio",
        event_id=f"{sid}:{raw}",
        event_type=event_type,
        dispatch=dispatch,
        payload=payload,
    )
    # A call that "failed" (rather than rang out) was to a number that does not exist.
    if first and (code in INVALID_NUMBER_CODES or data.get("CallStatus") == "failed"):
        mark_contact_invalid(dispatch, f"Twilio reported {raw} {code}".strip())
    return HttpResponse(status=204)
