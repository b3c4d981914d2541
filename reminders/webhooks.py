"""Provider webhooks: Twilio status, inbound messages and voice calls; email unsubscribe.

Every Twilio endpoint checks ``X-Twilio-Signature`` against the auth token of the tenant
concerned before it reads anything else: a bad or missing signature gets 403 and changes
nothing. Email tracking and replies arrive through anymail's views (``reminders.receivers``).
"""

import re

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils.dateparse import parse_date
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Contact
from reminders import delivery
from reminders.channels import voice
from reminders.channels.email import read_unsubscribe_token
from reminders.channels.twilio_client import BAD_NUMBER_CODES, auth_token_for, tenants_for_account
from reminders.models import Dispatch

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
START_WORDS = {"START", "YES", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}
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
TWIML = "text/xml"


def _twilio_signed(request: HttpRequest, auth_token: str) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not (signature and auth_token):
        return False
    # Twilio signs the URL it was given, which is built from KAPITTX_PUBLIC_URL; the URL
    # this process sees may differ behind a proxy.
    url = settings.KAPITTX_PUBLIC_URL + request.path_info
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return RequestValidator(auth_token).validate(url, request.POST, signature)


def _signed_dispatch(request: HttpRequest, dispatch_id: int) -> Dispatch | None:
    """Return the dispatch if the request is signed with its tenant's token, else None."""
    dispatch = Dispatch.objects.select_related("customer").filter(pk=dispatch_id).first()
    if dispatch is None or not _twilio_signed(request, auth_token_for(dispatch.tenant_id)):
        return None
    return dispatch


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    """Record a message or call status report for one dispatch."""
    dispatch = _signed_dispatch(request, dispatch_id)
    if dispatch is None:
        return HttpResponseForbidden()
    data = request.POST
    raw = data.get("MessageStatus") or data.get("CallStatus") or ""
    sid = data.get("MessageSid") or data.get("CallSid") or ""
    event_type = TWILIO_STATUSES.get(raw, raw or "unknown")
    code = data.get("ErrorCode", "")
    payload = data.dict()
    if event_type in {"bounced", "failed"}:
        payload["error"] = f"Twilio {raw} {code}".strip()
    first = delivery.record_event(
        provider="twilio",
        event_id=f"{sid}:{raw}",
        event_type=event_type,
        dispatch=dispatch,
        payload=payload,
    )
    # A call that "failed" (rather than rang out) was to a number that does not exist.
    if first and (code in INVALID_NUMBER_CODES or data.get("CallStatus") == "failed"):
        delivery.mark_contact_invalid(dispatch, f"Twilio reported {raw} {code}".strip())
    return HttpResponse(status=204)


def _keyword(body: str) -> str:
    return re.sub(r"[^A-Z]", "", body.upper())


@csrf_exempt
@require_POST
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    """Handle an SMS or WhatsApp message to a tenant's number: STOP, START, HELP or a reply."""
    accounts = tenants_for_account(request.POST.get("AccountSid", ""))
    # Tenants on the platform account share one token: check each token once.
    valid = {token for token in set(accounts.values()) if _twilio_signed(request, token)}
    tenant_ids = {tid for tid, token in accounts.items() if token in valid}
    if not tenant_ids:
        return HttpResponseForbidden()
    sender = request.POST.get("From", "")
    channel = "whatsapp" if sender.startswith("whatsapp:") else "sms"
    number = sender.removeprefix("whatsapp:")
    body = request.POST.get("Body", "")
    keyword = _keyword(body)
    response = MessagingResponse()
    if keyword in STOP_WORDS or keyword in START_WORDS:
        contacts = Contact.objects.filter(
            delivery.address_filter(channel, number), tenant_id__in=tenant_ids
        )
        stop = keyword in STOP_WORDS
        delivery.set_opted_out(contacts, channel, opted_out=stop, how=f"replied {keyword}")
        return HttpResponse(str(response), content_type=TWIML)
    target = delivery.reply_target(channel, number, tenant_ids)
    if keyword in HELP_WORDS:
        tenant = target[0].tenant if target else Tenant.objects.filter(pk__in=tenant_ids).first()
        response.message(
            f"{tenant.name}: reminders about invoices due. Reply STOP to stop these messages."
        )
        return HttpResponse(str(response), content_type=TWIML)
    if target is not None:
        customer, dispatch = target
        first = delivery.record_event(
            provider="twilio",
            event_id=request.POST.get("MessageSid", ""),
            event_type="inbound",
            dispatch=dispatch,
            tenant_id=customer.tenant_id,
            payload=request.POST.dict(),
        )
        if first:
            delivery.hold_for_reply(customer, dispatch, body)
    return HttpResponse(str(response), content_type=TWIML)


@csrf_exempt
@require_POST
def voice_script(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    """Return what an answered reminder call says."""
    dispatch = _signed_dispatch(request, dispatch_id)
    if dispatch is None:
        return HttpResponseForbidden()
    return HttpResponse(voice.script_twiml(dispatch), content_type=TWIML)


@csrf_exempt
@require_POST
def voice_gather(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    """Act on the key the customer pressed during a reminder call."""
    dispatch = _signed_dispatch(request, dispatch_id)
    if dispatch is None:
        return HttpResponseForbidden()
    twiml = voice.answer_twiml(
        dispatch,
        digits=request.POST.get("Digits", ""),
        call_sid=request.POST.get("CallSid", ""),
        promise_by=parse_date(request.GET.get("by", "")) or voice.promise_date(dispatch),
        retry=request.GET.get("retry") == "1",
    )
    return HttpResponse(twiml, content_type=TWIML)


PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unsubscribe</title>'
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
    '<body style="font-family: sans-serif; max-width: 32rem; margin: 4rem auto;">{}</body></html>'
)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Opt an address out of a tenant's email reminders (RFC 8058 one-click on POST)."""
    try:
        tenant_id, email = read_unsubscribe_token(token)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return HttpResponseBadRequest("This unsubscribe link is not valid.")
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return HttpResponseBadRequest("This unsubscribe link is not valid.")
    if request.method == "GET":
        # Link scanners fetch every URL in a message; only a POST may unsubscribe.
        body = format_html(
            "<p>Stop payment reminders from {} to {} by email?</p>"
            '<form method="post"><button type="submit">Unsubscribe</button></form>',
            tenant.name,
            email,
        )
        return HttpResponse(format_html(PAGE, body))
    contacts = scoped(Contact, tenant).filter(email__iexact=email)
    delivery.set_opted_out(contacts, "email", opted_out=True, how="unsubscribe link")
    body = format_html("<p>{} will get no more email reminders from {}.</p>", email, tenant.name)
    return HttpResponse(format_html(PAGE, body))
