"""Downloads: the aging report (CSV, XLSX) and a customer's statement of account (CSV, PDF).

Both read their options from the query string and answer 400 with the reason when one is
wrong; they change nothing, so any method gets the same file.
"""

import zoneinfo
from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify

from integrations.exports.aging import aging_table
from integrations.exports.statement import default_period, statement
from integrations.exports.statement_pdf import statement_pdf, unicode_font
from integrations.exports.statement_table import statement_table
from integrations.exports.tables import CSV_TYPE, XLSX_TYPE, csv_bytes, download, xlsx_bytes
from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view
from receivables.models import Customer

#: The longest period a statement covers; a longer one is refused rather than run.
MAX_STATEMENT_DAYS = 366 * 20


class AgingOptions(forms.Form):
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "XLSX")], required=False)
    as_of = forms.DateField(required=False, input_formats=["%Y-%m-%d"])


class StatementOptions(forms.Form):
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("pdf", "PDF")], required=False)
    start = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    end = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def period(self, today: date) -> tuple[date, date]:
        """Return the period asked for: an end without a start covers the 90 days up to
        it; a start without an end runs to today."""
        start, end = self.cleaned_data["start"], self.cleaned_data["end"]
        if end is None:
            end = max(today, start) if start else today
        if start is None:
            start = default_period(end)[0]
        if start > end:
            self.add_error(None, "The period starts after it ends.")
        elif (end - start).days > MAX_STATEMENT_DAYS:
            self.add_error(None, "A statement covers at most 20 years.")
        return start, end


def _refused(form: forms.Form) -> HttpResponse:
    lines = [
        f"{name}: {message}" if name != "__all__" else message
        for name, messages in form.errors.items()
        for message in messages
    ]
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


@tenant_view(Perm.VIEW_RECEIVABLES)
def aging_export(request: HttpRequest) -> HttpResponse:
    """Download the aging report per customer and currency (``?format=csv|xlsx&as_of=``)."""
    options = AgingOptions(request.GET)
    if not options.is_valid():
        return _refused(options)
    tenant = request.tenant
    as_of = options.cleaned_data["as_of"] or timezone.localdate(
        timezone=zoneinfo.ZoneInfo(tenant.time_zone)
    )
    table = aging_table(tenant, as_of)
    stem = f"aging-{tenant.slug}-{as_of.isoformat()}"
    if options.cleaned_data["format"] == "xlsx":
        return download(xlsx_bytes(table), XLSX_TYPE, f"{stem}.xlsx")
    return download(csv_bytes(table), CSV_TYPE, f"{stem}.csv")


@tenant_view(Perm.VIEW_RECEIVABLES)
def statement_export(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Download a customer's statement of account (``?format=csv|pdf&start=&end=``); without
    dates it covers the 90 days up to the customer's today."""
    customer = get_object_or_404(
        scoped(Customer, request.tenant).select_related("tenant"), pk=customer_id
    )
    options = StatementOptions(request.GET)
    if not options.is_valid():
        return _refused(options)
    start, end = options.period(customer.local_today())
    if options.errors:
        return _refused(options)
    result = statement(customer, start, end)
    name = slugify(customer.external_id) or customer.pk
    stem = f"statement-{name}-{start.isoformat()}-{end.isoformat()}"
    if options.cleaned_data["format"] == "pdf":
        pdf = statement_pdf(result, font=unicode_font())
        return download(pdf, "application/pdf", f"{stem}.pdf")
    return download(csv_bytes(statement_table(result)), CSV_TYPE, f"{stem}.csv")
