"""One-click unsubscribe from a tenant's email reminders (RFC 8058), by a signed link."""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.templatetags.static import static
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Contact
from reminders.outbox.outcomes import set_opted_out

SALT = "kapittx.unsubscribe"
PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unsubscribe</title>'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<link rel="stylesheet" href="{}"></head>'
    '<body><main class="card narrow">{}</main></body></html>'
)


def unsubscribe_token(tenant_id: int, email: str) -> str:
    """Return the signed token that opts ``email`` out of the tenant's email reminders."""
    return signing.dumps({"t": tenant_id, "e": email.lower()}, salt=SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """Return (tenant id, email) from a token, or raise signing.BadSignature."""
    data = signing.loads(token, salt=SALT)
    return int(data["t"]), str(data["e"])


def unsubscribe_url(tenant_id: int, email: str) -> str:
    return f"{settings.KAPITTX_PUBLIC_URL}/hooks/unsubscribe/{unsubscribe_token(tenant_id, email)}/"


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
        return HttpResponse(format_html(PAGE, static("kapittx/app.css"), body))
    contacts = scoped(Contact, tenant).filter(email__iexact=email)
    set_opted_out(contacts, "email", opted_out=True, how="unsubscribe link")
    body = format_html("<p>{} will get no more email reminders from {}.</p>", email, tenant.name)
    return HttpResponse(format_html(PAGE, static("kapittx/app.css"), body))
