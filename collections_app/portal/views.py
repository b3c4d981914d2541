"""The customer's payment-status page, reached by the signed link in every reminder.

No login: the token names the tenant, the customer and the contact it was sent to and is
signed, so it cannot be guessed or pointed at another customer; anything else answers 404.
A link past its end answers 410 and offers a fresh one (sent to the address on file); a
revoked one answers 410. The page shows what the customer owes the tenant today — open
invoices with their balances, totals per currency — and what was paid lately, in the
customer's own time zone. From it the customer can promise to pay by a date, dispute an
invoice or say it is already paid (``collections_app.actions``), a few times an hour per
link (``limits``).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from collections_app import actions
from collections_app.models import Dispute, PromiseToPay
from collections_app.portal import limits
from collections_app.portal.forms import FORMS
from collections_app.portal.links import PortalLink, State, read_link
from kapittx.tenancy import scoped
from receivables import reports
from receivables.models import Invoice, InvoiceStatus

#: Paid invoices shown on the page, counted back from today.
PAID_WITHIN = timedelta(days=90)


#: What the page says after each action.
DONE = {
    "promise": "Thank you. We have noted your promise and will not remind you before then.",
    "dispute": "Thank you. We will look into it; that invoice is on hold until we have.",
    "paid": "Thank you. We will find your payment; reminders stop until we have checked it.",
}


@never_cache
def portal(request: HttpRequest, token: str) -> HttpResponse:
    link = read_link(token)
    if link is None:
        raise Http404("This link is not valid.")
    if link.state != State.VALID:
        return private(
            render(
                request,
                "portal/link_ended.html",
                {"tenant": link.customer.tenant, "link": link, "token": token},
                status=410,
            )
        )
    if request.method == "POST" and (refused := _refuse_post(request, link)):
        return private(refused)
    customer = link.customer
    tenant = customer.tenant
    today = customer.local_today()
    invoices = scoped(Invoice, tenant).filter(customer=customer)
    open_qs = invoices.open().order_by("due_date", "number")
    kind = request.POST.get("action") if request.method == "POST" else None
    forms = {
        name: form_class(
            request.POST if name == kind else None, invoices=open_qs, today=today, prefix=name
        )
        for name, form_class in FORMS.items()
    }
    if kind in forms and forms[kind].is_valid():
        try:
            _act(kind, customer, forms[kind].cleaned_data)
        except ValidationError as exc:
            forms[kind].add_error(None, exc)
        else:
            return redirect(f"{request.path}?done={kind}")

    open_invoices, totals = reports.open_invoices(customer, today)
    disputed = set(
        scoped(Dispute, tenant)
        .filter(invoice__in=open_invoices, status=Dispute.Status.OPEN)
        .values_list("invoice_id", flat=True)
    )
    for invoice in open_invoices:
        invoice.disputed = invoice.pk in disputed
    paid = invoices.filter(status=InvoiceStatus.PAID, paid_on__gte=today - PAID_WITHIN).order_by(
        "-paid_on", "number"
    )
    promise = (
        scoped(PromiseToPay, tenant)
        .filter(customer=customer, status=PromiseToPay.Status.OPEN, promised_on__gte=today)
        .order_by("-created_at")
        .first()
    )
    return private(
        render(
            request,
            "portal/status.html",
            {
                "tenant": tenant,
                "payment_instructions": tenant.payment_instructions.strip(),
                "customer": customer,
                "today": today,
                "open_invoices": open_invoices,
                "totals": totals,
                "paid": paid,
                "promise": promise,
                "forms": forms,
                "failed": kind if kind in forms else None,
                "done": DONE.get(request.GET.get("done", "")),
            },
            status=400 if kind in forms else 200,
        )
    )


def private(response: HttpResponse) -> HttpResponse:
    """Keep a portal answer out of other sites' logs and indexes: its address holds the
    customer's key."""
    # "same-origin", not "no-referrer": browsers then send the page's own origin with its
    # forms, which the CSRF check needs.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refuse_post(request: HttpRequest, link: PortalLink) -> HttpResponse | None:
    """Answer a post that is too large, or one too many for the link; None to go on."""
    if limits.body_too_large(request.META.get("CONTENT_LENGTH")):
        return _refusal(
            request,
            link,
            413,
            "That was more than this page takes. Please write less, or reply to our message.",
        )
    if not limits.take("post", link.holder, limits.POSTS_PER_WINDOW, limits.POST_WINDOW):
        response = _refusal(
            request,
            link,
            429,
            "We have had many messages from this link in a short time. Please try again in an "
            "hour, or reply to our message.",
        )
        response["Retry-After"] = str(int(limits.POST_WINDOW.total_seconds()))
        return response
    return None


def _refusal(request: HttpRequest, link: PortalLink, status: int, message: str) -> HttpResponse:
    return render(
        request,
        "portal/refused.html",
        {"tenant": link.customer.tenant, "message": message, "back": request.path},
        status=status,
    )


def _act(kind: str, customer, data: dict) -> None:
    if kind == "promise":
        actions.promise_payment(
            customer, data["promised_on"], amount=data["amount"], source="portal"
        )
    elif kind == "dispute":
        actions.dispute_invoice(data["invoice"], data["reason"], source="portal")
    else:
        actions.report_payment(
            customer,
            list(data["invoices"]),
            data["paid_on"],
            reference=data["reference"],
            source="portal",
        )
