"""``/invoices/``: invoices, and writing one off or voiding it."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from integrations.api import items
from integrations.api.errors import Conflict, FieldProblem, Invalid
from integrations.api.filters import InvoiceFilters
from integrations.api.representations import InvoiceOut
from integrations.api.views.upserts import Patchable, UpsertResource, documented
from integrations.api.writes import type_checked
from kapittx.localtime import local_today
from kapittx.tenancy import scoped
from receivables import ledger
from receivables.models import Invoice
from receivables.upsert import upsert_invoices
from receivables.upsert.checks import lookup_key


@documented("invoice", items.InvoiceItem, InvoiceOut)
class InvoiceViewSet(Patchable, UpsertResource):
    model = Invoice
    serializer_class = InvoiceOut
    filterset_class = InvoiceFilters
    upsert = staticmethod(upsert_invoices)
    parsers = items.INVOICES
    ordering_fields = ("updated_at", "issue_date", "due_date")

    def related(self, queryset):
        return queryset.select_related("customer")

    def ordering_problem(self, field: str, request) -> str | None:
        # The due date is indexed after the status: with one status a page is an index
        # range; without, every invoice of the tenant would be sorted for each page.
        if field == "due_date" and len(request.query_params.getlist("status")) != 1:
            return "Ordering by due_date needs one status, e.g. status=open."
        return None

    def existing(self, item: dict):
        invoices = scoped(Invoice, self.tenant)
        key = item.get("external_id")
        if lookup_key(key) and invoices.filter(external_id=key).exists():
            return "external_id", key
        number = item.get("number")
        if not key and lookup_key(number) and invoices.filter(number=number).exists():
            return "number", number
        return None

    def patch_key(self, row: Invoice, body: dict) -> dict:
        if row.external_id:
            return super().patch_key(row, body)
        if body.get("external_id", "") or body.get("number", row.number) != row.number:
            raise Invalid(
                [
                    FieldProblem(
                        "immutable",
                        "An invoice without an external id is matched by its number, so "
                        "neither can change here; PUT it by external id instead.",
                        "/number" if "number" in body else "/external_id",
                    )
                ]
            )
        return {"number": row.number}

    def _act(self, request, move) -> Response:
        invoice = self.get_object()
        [body] = type_checked(items.INVOICE_ACTIONS.patch, [request.data or {}], single=True)
        on = body.get("on") or local_today(timezone.now(), self.tenant.time_zone)
        try:
            move(invoice, on)
        except ledger.LedgerError as refusal:
            raise Conflict([FieldProblem(refusal.code, refusal.message)]) from None
        return Response(self.represent(self.fetch(invoice.pk)))

    @extend_schema(
        summary="Write off what is still owed on an open invoice",
        request=items.InvoiceActionItem,
        responses={200: InvoiceOut},
    )
    @action(detail=True, methods=["post"], url_path="write-off", url_name="write-off")
    def write_off(self, request, pk=None) -> Response:
        return self._act(request, ledger.write_off)

    @extend_schema(
        summary="Void an invoice that nothing has been applied to",
        request=items.InvoiceActionItem,
        responses={200: InvoiceOut},
    )
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None) -> Response:
        return self._act(request, ledger.void_invoice)
