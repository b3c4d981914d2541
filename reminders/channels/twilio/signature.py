"""Checking that a webhook request comes from Twilio: ``X-Twilio-Signature`` against the
auth token of the tenant concerned, before anything else in the request is read."""

from django.conf import settings
from django.http import HttpRequest
from twilio.request_validator import RequestValidator

from reminders.channels.twilio.client import auth_token_for
from reminders.models import Dispatch


def twilio_signed(request: HttpRequest, auth_token: str) -> bool:
    """Return whether ``request`` carries Twilio's signature made with ``auth_token``."""
    signature = request.headers.get("X-Twilio-Signature", "")
    if not (signature and auth_token):
        return False
    # Twilio signs the URL it was given, which is built from KAPITTX_PUBLIC_URL; the URL
    # this process sees may differ behind a proxy.
    url = settings.KAPITTX_PUBLIC_URL + request.path_info
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return RequestValidator(auth_token).validate(url, request.POST, signature)


def signed_dispatch(request: HttpRequest, dispatch_id: int) -> Dispatch | None:
    """Return the dispatch if the request is signed with its tenant's token, else None."""
    dispatch = Dispatch.objects.select_related("customer").filter(pk=dispatch_id).first()
    if dispatch is None or not twilio_signed(request, auth_token_for(dispatch.tenant_id)):
        return None
    return dispatch
