"""Twilio accounts per tenant, the client built from them, and Twilio's errors as ours.

A tenant's own account (a ``ProviderAccount`` row) wins; otherwise the platform account
from the ``TWILIO_*`` settings is used. Tests swap the HTTP layer with
``KAPITTX_TWILIO_HTTP_CLIENT`` and nothing else.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils.module_loading import import_string
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from kapittx.models import Tenant
from reminders.channels.accounts import provider_config, read_config
from reminders.channels.base import AddressRefused, ChannelError
from reminders.channels.encryption import CredentialsUnreadable
from reminders.models import Dispatch, ProviderAccount

TWILIO = ProviderAccount.Provider.TWILIO

#: Error codes saying the number itself is wrong for this channel.
BAD_NUMBER_CODES = {
    21211: "invalid 'To' number",
    21214: "'To' number cannot be reached",
    21217: "'To' number does not appear valid",
    21614: "'To' number is not a mobile number",
    63003: "recipient is not on WhatsApp",
}
#: Error codes where retrying cannot help, though the number may be fine.
PERMANENT_CODES = {
    20003: "authentication failed: check the Twilio account SID and token",
    21408: "sending to this region is not enabled on the Twilio account",
    21606: "the 'From' number cannot send to this destination",
    21610: "recipient has opted out (replied STOP)",
    21612: "the 'To' number cannot be reached from the 'From' number",
    63016: "WhatsApp needs an approved template outside the 24-hour session",
}
#: Error codes that clear up on their own.
TRANSIENT_CODES = {20429: "too many requests", 20500: "Twilio internal error", 20503: "unavailable"}


@dataclass(frozen=True)
class TwilioAccount:
    account_sid: str
    auth_token: str
    from_number: str = ""
    whatsapp_from: str = ""
    messaging_service_sid: str = ""


def platform_account() -> TwilioAccount | None:
    """Return the platform account from settings, or None when not configured."""
    if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN):
        return None
    return TwilioAccount(
        account_sid=settings.TWILIO_ACCOUNT_SID,
        auth_token=settings.TWILIO_AUTH_TOKEN,
        from_number=settings.TWILIO_FROM_NUMBER,
        whatsapp_from=settings.TWILIO_WHATSAPP_FROM,
        messaging_service_sid=settings.TWILIO_MESSAGING_SERVICE_SID,
    )


def account_from_config(config: dict) -> TwilioAccount:
    """Return the account a stored (decrypted) Twilio config describes."""
    fields = TwilioAccount.__dataclass_fields__
    return TwilioAccount(**{key: str(value) for key, value in config.items() if key in fields})


def account_for(tenant_id: int) -> TwilioAccount:
    """Return the Twilio account that sends for the tenant, or raise a permanent error."""
    config = provider_config(tenant_id, TWILIO)
    account = account_from_config(config) if config else platform_account()
    if account is None:
        raise ChannelError("No Twilio credentials for this tenant.", permanent=True)
    return account


def client_for(account: TwilioAccount) -> Client:
    """Return a Twilio client for ``account``."""
    path = settings.KAPITTX_TWILIO_HTTP_CLIENT
    # Twilio's own client has no timeout by default; a stuck call would hold a worker.
    http_client = (
        import_string(path)() if path else TwilioHttpClient(timeout=settings.KAPITTX_TWILIO_TIMEOUT)
    )
    return Client(account.account_sid, account.auth_token, http_client=http_client)


def auth_token_for(tenant_id: int) -> str:
    """Return the token Twilio signs the tenant's webhooks with ("" when there is none)."""
    try:
        return account_for(tenant_id).auth_token
    except ChannelError:
        return ""


def tenants_for_account(account_sid: str) -> dict[int, str]:
    """Return {tenant id: auth token} of the tenants that send through ``account_sid``.

    Only the rows of that account are decrypted; one that cannot be is left out (and logged).
    """
    found: dict[int, str] = {}
    own = ProviderAccount.objects.filter(provider=TWILIO)
    named = own.filter(account_sid=account_sid) if account_sid else own.none()
    for row in named:
        try:
            config = read_config(row)
        except CredentialsUnreadable:
            continue
        # The clear copy only finds the row; the encrypted config has the last word.
        if config.get("account_sid") == account_sid:
            found[row.tenant_id] = config.get("auth_token", "")
    platform = platform_account()
    if platform and platform.account_sid == account_sid:
        for tenant_id in Tenant.objects.exclude(pk__in=own.values("tenant_id")).values_list(
            "pk", flat=True
        ):
            found[tenant_id] = platform.auth_token
    return found


def public_url(path: str) -> str:
    """Return the address Twilio must call for ``path`` (which starts with a slash)."""
    return f"{settings.KAPITTX_PUBLIC_URL}{path}"


def status_callback_url(dispatch: Dispatch) -> str:
    return public_url(f"/hooks/twilio/status/{dispatch.pk}/")


@contextmanager
def twilio_errors() -> Iterator[None]:
    """Turn whatever the Twilio client raises into a ChannelError."""
    try:
        yield
    except (TwilioRestException, TwilioServiceException) as exc:
        detail = getattr(exc, "msg", "") or getattr(exc, "detail", "") or exc.__class__.__name__
        raise channel_error(exc.status, exc.code, detail) from exc
    except requests.RequestException as exc:
        raise ChannelError(f"Twilio unreachable: {exc}") from exc
    except TwilioException as exc:
        raise ChannelError(f"Twilio client error: {exc}", permanent=True) from exc


def channel_error(status: int, code: int | None, detail: str) -> ChannelError:
    """Return the error for a Twilio API error answer."""
    if code in BAD_NUMBER_CODES:
        return AddressRefused(f"Twilio {code}: {BAD_NUMBER_CODES[code]}")
    if code in PERMANENT_CODES:
        return ChannelError(f"Twilio {code}: {PERMANENT_CODES[code]}", permanent=True)
    if code in TRANSIENT_CODES:
        return ChannelError(f"Twilio {code}: {TRANSIENT_CODES[code]}")
    permanent = status != 429 and status < 500
    return ChannelError(f"Twilio HTTP {status} (code {code}): {detail}", permanent=permanent)
