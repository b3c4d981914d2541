"""Messages customers send to a tenant's Twilio number, by SMS or WhatsApp: STOP, START,
HELP, or a reply that puts their reminders on hold until a member has read it.

The request must carry Twilio's signature made with the auth token of a tenant using the
account it names; anything else gets 403 and changes nothing.
"""

import re

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.twiml.messaging_response import MessagingResponse

from kapittx.models import Tenant
from receivables.models import Contact
from receivables.phones import to_e164
from reminders.channels.twilio.client import tenants_for_account
from reminders.channels.twilio.signature import storable, twilio_signed
from reminders.outbox import outcomes

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
START_WORDS = {"START", "YES", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}
TWIML = "text/xml"


def _keyword(body: str) -> str:
    return re.sub(r"[^A-Z]", "", body.upper())


def _number(address: str) -> str:
    """Return ``address`` in E.164 as contacts keep numbers; one that is no number as given."""
    try:
        return to_e164(address, "")
    except ValidationError:
        return address


@csrf_exempt
@require_POST
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    """Handle an SMS or WhatsApp message to a tenant's number: STOP, START, HELP or a reply."""
    accounts = tenants_for_account(request.POST.get("AccountSid", ""))
    # Tenants on the platform account share one token: check each token once.
    valid = {token for token in set(accounts.values()) if twilio_signed(request, token)}
    tenant_ids = {tid for tid, token in accounts.items() if token in valid}
    if not tenant_ids:
        return HttpResponseForbidden()
    if not storable(request.POST):
        return HttpResponseBadRequest("A field holds a NUL character.")
    sender = request.POST.get("From", "")
    channel = "whatsapp" if sender.startswith("whatsapp:") else "sms"
    number = _number(sender.removeprefix("whatsapp:"))
    body = request.POST.get("Body", "")
    keyword = _keyword(body)
    response = MessagingResponse()
    if keyword in STOP_WORDS or keyword in START_WORDS:
        contacts = Contact.objects.filter(
            outcomes.address_filter(channel, number), tenant_id__in=tenant_ids
        )
        stop = keyword in STOP_WORDS
        outcomes.set_opted_out(contacts, channel, opted_out=stop, how=f"replied {keyword}")
        return HttpResponse(str(response), content_type=TWIML)
    target = outcomes.reply_target(channel, number, tenant_ids)
    if keyword in HELP_WORDS:
        tenant = target[0].tenant if target else Tenant.objects.filter(pk__in=tenant_ids).first()
        response.message(
            f"{tenant.name}: reminders about invoices due. Reply STOP to stop these messages."
        )
        return HttpResponse(str(response), content_type=TWIML)
    if target is not None:
        customer, dispatch = target
        first = outcomes.record_event(
            provider="twilio",
            event_id=request.POST.get("MessageSid", ""),
            event_type="inbound",
            dispatch=dispatch,
            tenant_id=customer.tenant_id,
            payload=request.POST.dict(),
        )
        if first:
            outcomes.hold_for_reply(customer, dispatch, body)
    return HttpResponse(str(response), content_type=TWIML)
