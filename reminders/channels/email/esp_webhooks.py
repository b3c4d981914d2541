"""Running anymail's webhook view of one ESP for one request, with the secrets given: the
platform's (``platform_webhooks``) or a tenant's own (``tenant_webhooks``).

A view that cannot be built (a key missing, a package not installed) is "not set up": 404,
never a 500. A report that fails its checks gets anymail's 400, and so does one that cannot
be read. While the receivers run, ``webhook_tenant`` names the tenant whose own address was
called (None on the platform's), and they touch no other tenant's reminders or contacts.
"""

from collections.abc import Callable
from contextvars import ContextVar

from anymail import urls as anymail_urls
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse

#: The tenant whose own ESP webhook is being handled, else None (the platform's webhooks).
webhook_tenant: ContextVar[int | None] = ContextVar("kapittx_webhook_tenant", default=None)

#: anymail's webhook view classes by their URL names, e.g. "postmark_tracking_webhook".
VIEWS = {
    pattern.name: pattern.callback.view_class
    for pattern in anymail_urls.urlpatterns
    if hasattr(pattern.callback, "view_class")
}
KINDS = ("tracking", "inbound")
#: What anymail's parsers raise on a body that is not the ESP's format.
UNREADABLE = (ValueError, KeyError, TypeError, AttributeError, IndexError)


class UnreadableReport(SuspiciousOperation):
    """A checked report whose body is not what the ESP sends (Django answers 400)."""


def view_class_for(esp: str, kind: str) -> type | None:
    """Return anymail's view for ``esp``'s ``kind`` webhook, None when there is none."""
    return VIEWS.get(f"{esp}_{kind}_webhook") if kind in KINDS else None


def _refusing_unreadable(parse: Callable) -> Callable:
    def parse_events(request: HttpRequest) -> list:
        try:
            return parse(request)
        except UNREADABLE as exc:
            raise UnreadableReport(f"Unreadable report: {type(exc).__name__}") from exc

    return parse_events


def run_webhook(
    request: HttpRequest, esp: str, kind: str, options: dict, tenant_id: int | None
) -> HttpResponse:
    """Run anymail's ``kind`` webhook of ``esp``, built with ``options`` (anymail's settings
    fill in the rest), for the platform (``tenant_id`` None) or one tenant."""
    view_class = view_class_for(esp, kind)
    if view_class is None:
        raise Http404("No such webhook.")
    try:
        view = view_class(**options)
    except (ImproperlyConfigured, ValueError):
        # A key missing or malformed, or the ESP's package not installed.
        raise Http404("This webhook is not set up.") from None
    view.setup(request)
    # Only parsing is wrapped: a failing receiver stays a 500, so the ESP sends it again.
    view.parse_events = _refusing_unreadable(view.parse_events)
    token = webhook_tenant.set(tenant_id)
    try:
        return view.dispatch(request)
    finally:
        webhook_tenant.reset(token)
