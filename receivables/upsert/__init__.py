"""Create or update customers, invoices and payments in batches — the one code path for rows
arriving from the REST API, an imported file or a page.

Each operation takes typed items (dicts), checks every item against the ledger's rules and
either writes them all, set-based, in one transaction, or raises ``Refused`` with every bad
item's index, field and reason and writes nothing.
"""

from receivables.upsert.customers import upsert_customers
from receivables.upsert.invoices import upsert_invoices
from receivables.upsert.payments import upsert_payments
from receivables.upsert.results import ItemError, Refused, Written

__all__ = [
    "ItemError",
    "Refused",
    "Written",
    "upsert_customers",
    "upsert_invoices",
    "upsert_payments",
]
