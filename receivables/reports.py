"""Receivables maths: aging, DSO, CEI and payment behaviour, all set-based.

Every figure is per currency; nothing is converted. Aging looks at current balances;
DSO and CEI rebuild the receivable of a past day from issue dates, allocation dates and
write-off dates, so they are right for any day, not only today.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.db.models import Case, Count, DecimalField, F, Min, Q, Sum, Value, When
from django.db.models.functions import TruncMonth

from kapittx.models import Tenant
from kapittx.money import STORED_DECIMALS
from kapittx.tenancy import scoped
from receivables.models import (
    ISSUED_STATUSES,
    OPEN_STATUSES,
    ZERO,
    Allocation,
    Customer,
    Invoice,
    InvoiceStatus,
)

#: Aging buckets as (key, label, lowest days overdue, highest days overdue or None).
BUCKETS: list[tuple[str, str, int | None, int | None]] = [
    ("current", "Current", None, 0),
    ("d1_30", "1–30", 1, 30),
    ("d31_60", "31–60", 31, 60),
    ("d61_90", "61–90", 61, 90),
    ("d90_plus", "90+", 91, None),
]
BUCKET_KEYS = [key for key, *_ in BUCKETS]

#: How far back the DSO countback walks before it stops counting.
COUNTBACK_MONTHS = 24

ONE_DP = Decimal("0.1")
MONEY = DecimalField(max_digits=18, decimal_places=STORED_DECIMALS)


def _bucket_expression(as_of: date) -> Case:
    whens = []
    for key, _label, _low, high in BUCKETS:
        if high is None:
            continue
        whens.append(When(due_date__gte=as_of - timedelta(days=high), then=Value(key)))
    return Case(*whens, default=Value(BUCKETS[-1][0]))


def _empty_buckets() -> dict[str, Decimal]:
    return {key: ZERO for key in BUCKET_KEYS}


def aging(tenant: Tenant, as_of: date, customer: Customer | None = None) -> dict[str, dict]:
    """Return ``{currency: {bucket: balance}}`` of open invoices on ``as_of``."""
    invoices = scoped(Invoice, tenant).filter(status__in=OPEN_STATUSES)
    if customer is not None:
        invoices = invoices.filter(customer=customer)
    rows = (
        invoices.annotate(bucket=_bucket_expression(as_of))
        .values("currency", "bucket")
        .annotate(amount=Sum("balance"))
        .order_by("currency")
    )
    result: dict[str, dict] = {}
    for row in rows:
        result.setdefault(row["currency"], _empty_buckets())[row["bucket"]] = row["amount"]
    return result


def open_invoices(customer: Customer, today: date) -> tuple[list[Invoice], list[dict]]:
    """Return ``customer``'s open invoices, oldest due first, each with ``overdue_days`` on
    ``today``, and ``{currency, outstanding, overdue}`` per currency."""
    invoices = list(
        scoped(Invoice, customer.tenant_id)
        .open()
        .filter(customer=customer)
        .order_by("due_date", "number")
    )
    sums: dict[str, dict] = {}
    for invoice in invoices:
        invoice.overdue_days = invoice.days_overdue(today)
        total = sums.setdefault(
            invoice.currency, {"currency": invoice.currency, "outstanding": ZERO, "overdue": ZERO}
        )
        total["outstanding"] += invoice.balance
        if invoice.overdue_days:
            total["overdue"] += invoice.balance
    return invoices, sorted(sums.values(), key=lambda t: t["currency"])


def aging_by_customer(tenant: Tenant, as_of: date) -> list[dict]:
    """Return one row per (customer, currency) with its aging buckets, largest total first."""
    rows = (
        scoped(Invoice, tenant)
        .filter(status__in=OPEN_STATUSES)
        .annotate(bucket=_bucket_expression(as_of))
        .values("customer_id", "customer__name", "currency", "bucket")
        .annotate(amount=Sum("balance"))
    )
    table: dict[tuple[int, str], dict] = {}
    for row in rows:
        key = (row["customer_id"], row["currency"])
        entry = table.setdefault(
            key,
            {
                "customer_id": row["customer_id"],
                "customer_name": row["customer__name"],
                "currency": row["currency"],
                **_empty_buckets(),
            },
        )
        entry[row["bucket"]] = row["amount"]
    for entry in table.values():
        entry["total"] = sum((entry[key] for key in BUCKET_KEYS), ZERO)
    return sorted(table.values(), key=lambda e: (-e["total"], e["customer_name"]))


@dataclass(frozen=True)
class Totals:
    currency: str
    receivable: Decimal
    overdue: Decimal
    open_invoices: int
    overdue_invoices: int

    @property
    def overdue_share(self) -> Decimal:
        if not self.receivable:
            return ZERO
        return (self.overdue * 100 / self.receivable).quantize(ONE_DP, ROUND_HALF_UP)


def totals(tenant: Tenant, as_of: date) -> list[Totals]:
    """Return total and overdue receivables per currency on ``as_of``."""
    overdue = Q(due_date__lt=as_of)
    rows = (
        scoped(Invoice, tenant)
        .filter(status__in=OPEN_STATUSES)
        .values("currency")
        .annotate(
            receivable=Sum("balance"),
            overdue=Sum("balance", filter=overdue, default=ZERO),
            open_invoices=Count("id"),
            overdue_invoices=Count("id", filter=overdue),
        )
        .order_by("currency")
    )
    return [Totals(**row) for row in rows]


def receivable_on(tenant: Tenant, day: date, *, not_yet_due: bool = False) -> dict[str, Decimal]:
    """Return ``{currency: amount owed at the end of day}``, rebuilt from the ledger's dates.

    With ``not_yet_due`` only invoices whose due date is ``day`` or later count.
    """
    invoices = scoped(Invoice, tenant).filter(status__in=ISSUED_STATUSES, issue_date__lte=day)
    if not_yet_due:
        invoices = invoices.filter(due_date__gte=day)
    billed = invoices.values("currency").annotate(
        total=Sum("total"),
        written_off=Sum("amount_written_off", filter=Q(written_off_on__lte=day), default=ZERO),
    )
    applied = (
        scoped(Allocation, tenant)
        .filter(invoice__in=invoices, applied_on__lte=day)
        .values(currency=F("invoice__currency"))
        .annotate(amount=Sum("amount"))
    )
    result = {row["currency"]: row["total"] - row["written_off"] for row in billed}
    for row in applied:
        result[row["currency"]] = result.get(row["currency"], ZERO) - row["amount"]
    return result


def _monthly_sales(tenant: Tenant, first: date, last: date) -> dict[tuple[str, date], Decimal]:
    rows = (
        scoped(Invoice, tenant)
        .filter(status__in=ISSUED_STATUSES, issue_date__gte=first, issue_date__lte=last)
        .annotate(month=TruncMonth("issue_date"))
        .values("currency", "month")
        .annotate(amount=Sum("total"))
    )
    return {(row["currency"], _as_date(row["month"])): row["amount"] for row in rows}


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _months_back(as_of: date, count: int) -> list[tuple[date, int]]:
    """Return (first day, days counted) for the month to date and the ``count - 1`` before."""
    periods = [(as_of.replace(day=1), as_of.day)]
    first = as_of.replace(day=1)
    for _ in range(count - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        periods.append((first, calendar.monthrange(first.year, first.month)[1]))
    return periods


def dso(tenant: Tenant, as_of: date) -> dict[str, Decimal]:
    """Return days sales outstanding per currency on ``as_of``, by the countback method.

    The receivable is matched against sales month by month, newest first (the month to date,
    then whole calendar months): whole months add their days, the month that exhausts the
    receivable adds its share of days.
    """
    periods = _months_back(as_of, COUNTBACK_MONTHS)
    sales = _monthly_sales(tenant, periods[-1][0], as_of)
    result = {}
    for currency, owed in receivable_on(tenant, as_of).items():
        days, left = Decimal(0), owed
        for first, length in periods:
            if left <= 0:
                break
            month_sales = sales.get((currency, first), ZERO)
            if left >= month_sales:
                days += length
                left -= month_sales
            else:
                days += Decimal(length) * left / month_sales
                left = ZERO
        result[currency] = days.quantize(ONE_DP, ROUND_HALF_UP)
    return result


def cei(tenant: Tenant, start: date, end: date) -> dict[str, Decimal | None]:
    """Return the collection effectiveness index (percent) per currency for ``start``–``end``.

    CEI = (opening + sales - closing) / (opening + sales - closing current) x 100, where
    "current" is what is not yet due at the end. ``None`` when nothing was collectable.
    """
    opening = receivable_on(tenant, start - timedelta(days=1))
    closing = receivable_on(tenant, end)
    closing_current = receivable_on(tenant, end, not_yet_due=True)
    sales = {
        row["currency"]: row["amount"]
        for row in scoped(Invoice, tenant)
        .filter(status__in=ISSUED_STATUSES, issue_date__gte=start, issue_date__lte=end)
        .values("currency")
        .annotate(amount=Sum("total"))
    }
    result: dict[str, Decimal | None] = {}
    for currency in sorted(set(opening) | set(closing) | set(sales)):
        base = opening.get(currency, ZERO) + sales.get(currency, ZERO)
        collectable = base - closing_current.get(currency, ZERO)
        collected = base - closing.get(currency, ZERO)
        result[currency] = (
            (collected * 100 / collectable).quantize(ONE_DP, ROUND_HALF_UP)
            if collectable > 0
            else None
        )
    return result


@dataclass(frozen=True)
class Behaviour:
    customer_id: int
    paid_invoices: int
    average_days_to_pay: Decimal
    average_days_late: Decimal
    share_paid_late: Decimal  # percent of paid invoices settled after their due date
    #: The earliest payment date counted (the day it leaves a moving window matters).
    first_paid_on: date | None = field(default=None, compare=False)


def payment_behaviour(
    tenant: Tenant, since: date | None = None, customer: Customer | None = None
) -> dict[int, Behaviour]:
    """Return how each customer pays, from its invoices fully paid on or after ``since``."""
    invoices = scoped(Invoice, tenant).filter(status=InvoiceStatus.PAID, paid_on__isnull=False)
    if since is not None:
        invoices = invoices.filter(paid_on__gte=since)
    if customer is not None:
        invoices = invoices.filter(customer=customer)
    frame = pd.DataFrame.from_records(
        invoices.values_list("customer_id", "issue_date", "due_date", "paid_on"),
        columns=["customer_id", "issue_date", "due_date", "paid_on"],
    )
    if frame.empty:
        return {}
    for column in ("issue_date", "due_date", "paid_on"):
        frame[column] = pd.to_datetime(frame[column])
    frame["days_to_pay"] = (frame["paid_on"] - frame["issue_date"]).dt.days
    frame["days_late"] = (frame["paid_on"] - frame["due_date"]).dt.days.clip(lower=0)
    frame["late"] = frame["days_late"] > 0
    grouped = frame.groupby("customer_id").agg(
        paid_invoices=("days_to_pay", "size"),
        average_days_to_pay=("days_to_pay", "mean"),
        average_days_late=("days_late", "mean"),
        share_paid_late=("late", "mean"),
        first_paid_on=("paid_on", "min"),
    )
    return {
        int(customer_id): Behaviour(
            customer_id=int(customer_id),
            paid_invoices=int(row.paid_invoices),
            average_days_to_pay=_one_dp(row.average_days_to_pay),
            average_days_late=_one_dp(row.average_days_late),
            share_paid_late=_one_dp(row.share_paid_late * 100),
            first_paid_on=row.first_paid_on.date(),
        )
        for customer_id, row in grouped.iterrows()
    }


def _one_dp(value: float) -> Decimal:
    return Decimal(str(value)).quantize(ONE_DP, ROUND_HALF_UP)


def top_overdue_customers(tenant: Tenant, as_of: date, limit: int = 10) -> list[dict]:
    """Return the customers with the most overdue, per currency, largest first."""
    return list(
        scoped(Invoice, tenant)
        .filter(status__in=OPEN_STATUSES, due_date__lt=as_of)
        .values("customer_id", "customer__name", "currency")
        .annotate(
            overdue=Sum("balance", output_field=MONEY),
            invoices=Count("id"),
            oldest_due=Min("due_date"),
        )
        .order_by("-overdue", "customer__name")[:limit]
    )
