"""What Twilio asks while a reminder call runs: the script once answered, then the key the
customer pressed. Both must carry the signature of the dispatch's tenant."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils.dateparse import parse_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from reminders.channels.twilio.signature import signed_dispatch, storable
from reminders.channels.voice import call

TWIML = "text/xml"
VOICE = "voice"


@csrf_exempt
@require_POST
def voice_script(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    """Return what an answered reminder call says."""
    dispatch = signed_dispatch(request, dispatch_id, channels=[VOICE])
    if dispatch is None:
        return HttpResponseForbidden()
    return HttpResponse(call.script_twiml(dispatch), content_type=TWIML)


@csrf_exempt
@require_POST
def voice_gather(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    """Act on the key the customer pressed during a reminder call."""
    dispatch = signed_dispatch(request, dispatch_id, channels=[VOICE])
    if dispatch is None:
        return HttpResponseForbidden()
    if not storable(request.POST):
        return HttpResponseBadRequest("A field holds a NUL character.")
    twiml = call.answer_twiml(
        dispatch,
        digits=request.POST.get("Digits", ""),
        call_sid=request.POST.get("CallSid", ""),
        promise_by=parse_date(request.GET.get("by", "")) or call.promise_date(dispatch),
        retry=request.GET.get("retry") == "1",
    )
    return HttpResponse(twiml, content_type=TWIML)
