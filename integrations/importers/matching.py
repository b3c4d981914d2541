"""Which existing customer a row names: by the accounting system's id, else by exact name
(Xero's invoice export and QuickBooks' reports carry no customer id)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Customer

#: Keys per query (SQLite allows a few thousand parameters).
CHUNK = 2000
#: Payment terms of a customer the import creates, for exports without a due date.
DEFAULT_TERMS_DAYS = 30


@dataclass(frozen=True)
class Match:
    external_id: str  # "" when the row cannot name a customer
    exists: bool
    terms_days: int = DEFAULT_TERMS_DAYS
    error: str = ""


class CustomerIndex:
    """The tenant's customers named by a file, by external id and by exact name."""

    def __init__(self, tenant: Tenant, ids: Iterable[str], names: Iterable[str]) -> None:
        self.by_id: dict[str, int] = {}
        self.by_name: dict[str, list[tuple[str, int]]] = {}
        ids = {i for i in ids if i}
        names = {n for n in names if n}
        wanted = sorted(ids | names)  # a customer made from a name has the name as its id
        for start in range(0, len(wanted), CHUNK):
            self._load(tenant, Q(external_id__in=wanted[start : start + CHUNK]))
        names = sorted(names)
        for start in range(0, len(names), CHUNK):
            self._load(tenant, Q(name__in=names[start : start + CHUNK]))

    def _load(self, tenant: Tenant, condition: Q) -> None:
        rows = scoped(Customer, tenant).filter(condition)
        for external_id, name, terms in rows.values_list(
            "external_id", "name", "payment_terms_days"
        ):
            if external_id in self.by_id:
                continue
            self.by_id[external_id] = terms
            self.by_name.setdefault(name, []).append((external_id, terms))

    def match(self, customer_id: str, name: str) -> Match:
        """Return the customer a row names by ``customer_id`` or else by ``name``; a name
        nobody has is a new customer whose id is the name."""
        if customer_id:
            terms = self.by_id.get(customer_id)
            return Match(customer_id, terms is not None, terms or DEFAULT_TERMS_DAYS)
        if not name:
            return Match("", False, error="No customer: the customer's name and id are empty.")
        found = self.by_name.get(name, [])
        if len(found) > 1:
            return Match(
                "",
                True,
                error=f'{len(found)} customers are named "{name}": add a column with the '
                "customer id to tell them apart.",
            )
        if found:
            return Match(found[0][0], True, found[0][1])
        if name in self.by_id:
            return Match(name, True, self.by_id[name])
        return Match(name, False)
