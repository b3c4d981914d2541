"""Finding the customers and invoices a batch names, a few queries for the whole batch."""

from collections.abc import Sequence

from django.db import connection

from kapittx import bulk
from kapittx.locks import locked
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Customer, Invoice
from receivables.upsert import checks
from receivables.upsert.results import Errors


class Customers:
    """The customers a batch names by ``customer_external_id`` or ``customer`` (id)."""

    def __init__(self, tenant: Tenant, items: Sequence[dict]) -> None:
        keys = {
            checks.lookup_key(i.get("customer_external_id"))
            for i in items
            if _text(i, "customer_external_id")
        } - {None}
        # Ids a bigint holds; any other number names no row.
        ids = {
            i.get("customer") for i in items if _whole(i, "customer") and 0 < i["customer"] < 2**63
        }
        self.by_key: dict[str, Customer] = {}
        self.by_id: dict[int, Customer] = {}
        for chunk in checks.chunks(sorted(keys)):
            for customer in scoped(Customer, tenant).filter(external_id__in=chunk):
                self.by_key[customer.external_id] = customer
                self.by_id[customer.pk] = customer
        for chunk in checks.chunks(sorted(ids - self.by_id.keys())):
            for customer in scoped(Customer, tenant).filter(pk__in=chunk):
                self.by_id[customer.pk] = customer

    def named(self, errors: Errors, index: int, item: dict, *, required: bool):
        """Return the customer ``item`` names (None when it names none), or ``checks.BAD``."""
        if item.get("customer_external_id") is not None:
            key = checks.text(errors, index, item, "customer_external_id", 100, required=True)
            if key is checks.BAD:
                return key
            if key not in self.by_key:
                errors.add(
                    index,
                    "customer_external_id",
                    "unknown_customer",
                    f"No customer has the external id {key}.",
                )
                return checks.BAD
            return self.by_key[key]
        if item.get("customer") is not None:
            if not _whole(item, "customer") or item["customer"] not in self.by_id:
                errors.add(index, "customer", "unknown_customer", "No such customer.")
                return checks.BAD
            return self.by_id[item["customer"]]
        if required:
            errors.add(
                index,
                "customer_external_id",
                "required",
                "Name the customer by customer_external_id or customer.",
            )
            return checks.BAD
        return None

    def external_id(self, customer_id: int) -> str:
        customer = self.by_id.get(customer_id)
        return customer.external_id if customer else ""


def _text(item, key: str) -> bool:
    return isinstance(item, dict) and isinstance(item.get(key), str)


def _whole(item, key: str) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get(key), int)
        and not isinstance(item.get(key), bool)
    )


def locked_invoices(tenant: Tenant, *, numbers=(), external_ids=(), ids=()) -> list[bulk.Row]:
    """Return the tenant's invoices with any of these numbers, external ids or ids, locked in
    id order (found first, then locked, so every batch locks in one order), as light rows."""
    found: set[int] = {pk for pk in ids if 0 < pk < 2**63}
    for column, values in (("number", numbers), ("external_id", external_ids)):
        found.update(_ids_where(tenant, column, set(values)))
    names = [field.attname for field in Invoice._meta.concrete_fields]
    rows = []
    for chunk in checks.chunks(sorted(found)):
        for values in locked(scoped(Invoice, tenant).filter(pk__in=chunk)).values_list(*names):
            rows.append(bulk.Row(Invoice, **dict(zip(names, values, strict=True))))
    return rows


def _ids_where(tenant: Tenant, column: str, values: set[str]) -> list[int]:
    """Return the ids of the tenant's invoices whose ``column`` holds one of ``values``."""
    values = {key for value in values if (key := checks.lookup_key(value))}
    if not values:
        return []
    if connection.vendor != "postgresql":
        found = []
        for chunk in checks.chunks(sorted(values)):
            found += (
                scoped(Invoice, tenant)
                .filter(**{f"{column}__in": chunk})
                .values_list("pk", flat=True)
            )
        return found
    with connection.cursor() as cursor:
        # One array parameter instead of an IN list of a hundred thousand placeholders.
        cursor.execute(
            f"SELECT id FROM receivables_invoice WHERE tenant_id = %s "
            f"AND {column} = ANY(%s::text[])",
            [tenant.pk, bulk.text_array(values)],
        )
        return [row[0] for row in cursor.fetchall()]
