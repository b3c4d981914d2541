"""Checking that a webhook request comes from Twilio: ``X-Twilio-Signature`` against the
auth token of the tenant concerned, before anything else in the request is read."""

from collections.abc import Collection

from django.conf import settings
from django.http import HttpRequest, QueryDict
from twilio.request_validator import RequestValidator

from reminders.channels.registry import CHANNELS
from reminders.channels.twilio.client import TWILIO, auth_token_for
from reminders.models import Dispatch

#: The channels Twilio carries, so the only ones its callbacks may report on.
TWILIO_CHANNELS = frozenset(kind for kind, spec in CHANNELS.items() if spec.account == TWILIO)


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


def signed_dispatch(
    request: HttpRequest, dispatch_id: int, channels: Collection[str] = TWILIO_CHANNELS
) -> Dispatch | None:
    """Return the dispatch if it went by one of ``channels`` (Twilio's, unless narrowed) and
    the request is signed with its tenant's token, else None."""
    dispatch = (
        Dispatch.objects.select_related("customer")
        .filter(pk=dispatch_id, channel__in=channels)
        .first()
    )
    if dispatch is None or not twilio_signed(request, auth_token_for(dispatch.tenant_id)):
        return None
    return dispatch


def storable(data: QueryDict) -> bool:
    """Return whether every value Twilio sent can be stored: PostgreSQL text and JSON hold
    no NUL character."""
    return not any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()
    )
