"""``/customers/``: customers with their contacts."""

from django.db.models import Prefetch

from integrations.api import items
from integrations.api.filters import CustomerFilters
from integrations.api.representations import CustomerOut
from integrations.api.views.upserts import Patchable, UpsertResource, documented
from kapittx.tenancy import scoped
from receivables.models import Contact, Customer
from receivables.upsert import upsert_customers
from receivables.upsert.checks import lookup_key


@documented("customer", items.CustomerItem, CustomerOut, put_item=items.CustomerPutItem)
class CustomerViewSet(Patchable, UpsertResource):
    model = Customer
    serializer_class = CustomerOut
    filterset_class = CustomerFilters
    upsert = staticmethod(upsert_customers)
    parsers = items.CUSTOMERS

    def related(self, queryset):
        return queryset.prefetch_related(
            Prefetch("contacts", queryset=scoped(Contact, self.tenant).order_by("id"))
        )

    def existing(self, item: dict):
        key = item.get("external_id")
        if lookup_key(key) and scoped(Customer, self.tenant).filter(external_id=key).exists():
            return "external_id", key
        return None
