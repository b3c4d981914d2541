"""``/credit-notes/``: credit notes, recorded and applied through the ledger."""

from django.db.models import Prefetch, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from integrations.api import items
from integrations.api.errors import Conflict, FieldProblem, Refused
from integrations.api.filters import CreditNoteFilters
from integrations.api.representations import CreditNoteOut
from integrations.api.views.base import ResourceViewSet
from integrations.api.writes import type_checked
from kapittx.tenancy import scoped
from receivables import ledger
from receivables.models import Allocation, CreditNote, Customer, Invoice

#: Where a ledger refusal points, by its code.
_FIELD_OF = {
    "duplicate_number": "/number",
    "invalid_amount": "/amount",
    "negative_amount": "/amount",
    "over_allocation": "/allocations",
    "currency_mismatch": "/allocations",
    "not_open": "/allocations",
    "wrong_customer": "/allocations",
}
#: How an allocation may name its invoice, and the invoice field each form matches.
_INVOICE_KEYS = {"invoice": "pk", "invoice_external_id": "external_id", "invoice_number": "number"}


@extend_schema_view(
    list=extend_schema(summary="List credit notes"),
    retrieve=extend_schema(summary="Get a credit note"),
    create=extend_schema(
        summary="Record a credit note and apply it",
        request=items.CreditNoteItem,
        responses={201: CreditNoteOut},
    ),
)
class CreditNoteViewSet(ResourceViewSet):
    model = CreditNote
    serializer_class = CreditNoteOut
    filterset_class = CreditNoteFilters

    def related(self, queryset):
        allocations = scoped(Allocation, self.tenant).select_related("invoice").order_by("id")
        return queryset.select_related("customer").prefetch_related(
            Prefetch("allocations", queryset=allocations)
        )

    def create(self, request) -> Response:
        [item] = type_checked(items.CREDIT_NOTES.new, [request.data], single=True)
        if scoped(CreditNote, self.tenant).filter(number=item["number"]).exists():
            raise Conflict(
                [FieldProblem("exists", f"Credit note {item['number']} exists.", "/number")]
            )
        customer = self._customer(item)
        splits = self._splits(item.get("allocations"))
        try:
            note = ledger.record_credit_note(
                self.tenant,
                customer,
                number=item["number"],
                amount=item["amount"],
                issued_on=item["issued_on"],
                currency=item.get("currency"),
                reason=item.get("reason", ""),
                splits=splits,
            )
        except ledger.LedgerError as refusal:
            at = _FIELD_OF.get(refusal.code, "")
            raise Refused([FieldProblem(refusal.code, refusal.message, at)]) from None
        return Response(self.represent(self.fetch(note.pk)), status.HTTP_201_CREATED)

    def _customer(self, item: dict) -> Customer:
        customers = scoped(Customer, self.tenant)
        if "customer" in item:
            found, at = customers.filter(pk=item["customer"]).first(), "/customer"
        elif "customer_external_id" in item:
            found = customers.filter(external_id=item["customer_external_id"]).first()
            at = "/customer_external_id"
        else:
            raise Refused(
                [FieldProblem("required", "Name the customer by customer_external_id.", "")]
            )
        if found is None:
            raise Refused([FieldProblem("unknown_customer", "No such customer.", at)])
        return found

    def _splits(self, allocations: list[dict] | None) -> list[ledger.Split] | None:
        if allocations is None:
            return None
        problems, wanted = [], []
        for index, allocation in enumerate(allocations):
            named = [key for key in _INVOICE_KEYS if key in allocation]
            if len(named) != 1:
                problems.append(
                    FieldProblem(
                        "invalid",
                        "Name the invoice one way: invoice, invoice_external_id or invoice_number.",
                        f"/allocations/{index}",
                    )
                )
                continue
            wanted.append((index, named[0], allocation[named[0]], allocation["amount"]))
        lookup = Q(pk__in=[])
        for _, key, value, _ in wanted:
            lookup |= Q(**{_INVOICE_KEYS[key]: value})
        found = list(scoped(Invoice, self.tenant).filter(lookup)) if wanted else []
        splits = []
        for index, key, value, amount in wanted:
            field = _INVOICE_KEYS[key]
            invoice = next((i for i in found if getattr(i, field) == value), None)
            if invoice is None:
                problems.append(
                    FieldProblem(
                        "unknown_invoice", "No such invoice.", f"/allocations/{index}/{key}"
                    )
                )
            else:
                splits.append(ledger.Split(invoice, amount))
        if problems:
            raise Refused(problems)
        return splits
