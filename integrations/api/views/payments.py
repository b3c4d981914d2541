"""``/payments/``: payments and what they were applied to."""

from django.db.models import Prefetch

from integrations.api import items
from integrations.api.filters import PaymentFilters
from integrations.api.representations import PaymentOut
from integrations.api.views.upserts import UpsertResource, documented
from kapittx.tenancy import scoped
from receivables.models import Allocation, Payment, PaymentSource
from receivables.upsert import upsert_payments
from receivables.upsert.checks import lookup_key


@documented("payment", items.PaymentItem, PaymentOut, patch=False)
class PaymentViewSet(UpsertResource):
    model = Payment
    serializer_class = PaymentOut
    filterset_class = PaymentFilters
    upsert = staticmethod(upsert_payments)
    parsers = items.PAYMENTS
    fill = {"source": PaymentSource.API}

    def related(self, queryset):
        allocations = scoped(Allocation, self.tenant).select_related("invoice").order_by("id")
        return queryset.select_related("customer").prefetch_related(
            Prefetch("allocations", queryset=allocations)
        )

    def existing(self, item: dict):
        key = item.get("external_id")
        if lookup_key(key) and scoped(Payment, self.tenant).filter(external_id=key).exists():
            return "external_id", key
        return None
