"""Asking for a fresh payment-page link from the page an expired one shows.

Public, like the portal: the expired link itself says who asks. The link goes only to an
address the tenant has on file (``outbox.portal_links``), a few times a day per contact.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from collections_app.portal import limits
from collections_app.portal.links import State, read_link
from collections_app.portal.views import private
from reminders.outbox.portal_links import send_fresh_link

#: How the page names the channel a fresh link goes by.
BY = {"email": "email", "sms": "text message", "whatsapp": "WhatsApp"}


@never_cache
@require_POST
def fresh_link(request: HttpRequest, token: str) -> HttpResponse:
    """Send a fresh link for an expired one to the contact's address on file."""
    link = read_link(token)
    if link is None:
        raise Http404("This link is not valid.")
    if link.state == State.VALID:
        return redirect("portal", token=token)
    tenant = link.customer.tenant
    if link.state == State.REVOKED:
        return private(
            render(
                request,
                "portal/link_ended.html",
                {"tenant": tenant, "link": link, "token": token},
                status=410,
            )
        )
    if not limits.take(
        "fresh-link", link.holder, limits.FRESH_LINKS_PER_WINDOW, limits.FRESH_LINK_WINDOW
    ):
        response = render(
            request,
            "portal/refused.html",
            {
                "tenant": tenant,
                "message": "A fresh link was asked for several times today; please look for "
                "it in your messages, or reply to our last message.",
            },
            status=429,
        )
        response["Retry-After"] = str(int(limits.FRESH_LINK_WINDOW.total_seconds()))
        return private(response)
    channel = send_fresh_link(link.customer, link.contact, timezone.now())
    return private(
        render(
            request,
            "portal/fresh_link.html",
            {"tenant": tenant, "channel": BY.get(channel or "", "")},
        )
    )
