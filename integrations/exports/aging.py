"""The aging report as a table: one row per customer and currency, a total row per currency.

The figures are the report's own (``receivables.reports.aging_by_customer``); the totals
are the sums of the rows above them, so the file adds up in any spreadsheet.
"""

from datetime import date
from itertools import groupby

from integrations.exports.cells import Money
from integrations.exports.tables import Row, Table
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables import reports
from receivables.models import OPEN_STATUSES, ZERO, Customer, Invoice

TOTAL_LABEL = "Total"
AMOUNT_KEYS = [*reports.BUCKET_KEYS, "total"]


def bucket_titles() -> list[str]:
    return [
        label if low is None else f"{label} days" for _key, label, low, _high in reports.BUCKETS
    ]


def aging_table(tenant: Tenant, as_of: date) -> Table:
    """Return the aging of ``tenant``'s open invoices on ``as_of``, grouped by currency."""
    entries = reports.aging_by_customer(tenant, as_of)
    owing = scoped(Invoice, tenant).filter(status__in=OPEN_STATUSES).values("customer_id")
    external_ids = dict(
        scoped(Customer, tenant).filter(pk__in=owing).values_list("pk", "external_id")
    )
    # The report orders by size; a stable sort by currency keeps that order inside each one.
    entries.sort(key=lambda entry: entry["currency"])
    rows: list[Row] = []
    for currency, group in groupby(entries, key=lambda entry: entry["currency"]):
        sums = dict.fromkeys(AMOUNT_KEYS, ZERO)
        for entry in group:
            rows.append(
                Row(
                    [
                        entry["customer_name"],
                        external_ids.get(entry["customer_id"], ""),
                        currency,
                        *(Money(entry[key], currency) for key in AMOUNT_KEYS),
                    ]
                )
            )
            for key in AMOUNT_KEYS:
                sums[key] += entry[key]
        rows.append(
            Row(
                [TOTAL_LABEL, "", currency, *(Money(sums[key], currency) for key in AMOUNT_KEYS)],
                strong=True,
            )
        )
    return Table(
        name=f"Aging {as_of.isoformat()}",
        header=["Customer", "External id", "Currency", *bucket_titles(), "Total"],
        rows=rows,
        widths=[36, 18, 9, *([14] * (len(reports.BUCKETS) + 1))],
    )
