"""Each customer's payment habits, stored on the customer so segment rules filter in SQL.

Habits are taken from the invoices paid in the last year, so they change only when an
invoice does (paid, reopened, re-dated, moved to another customer, deleted) or when the
oldest payment counted leaves that year. ``HabitsRefresh`` keeps, per tenant, the moment
that next happens: an invoice's change brings it to now, and each refresh sets it to the day
its oldest counted payment leaves the window. The hourly task (``receivables.tasks``)
refreshes only the tenants whose moment has come, so a tenant whose books did not move
costs nothing; a refresh writes only the customers whose habits changed.
"""

from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from kapittx import write_behind
from kapittx.bulk import update_values
from kapittx.localtime import local_today, start_of_day
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Customer, HabitsRefresh
from receivables.reports import Behaviour, payment_behaviour
from receivables.signals import customers_changed

#: Habits are taken from invoices paid within this many days.
HABIT_WINDOW_DAYS = 365


def refresh_payment_habits(
    tenant: Tenant, customer: Customer | None = None, today: date | None = None
) -> list[int]:
    """Store average days late and share paid late for ``customer`` (or every customer), from
    invoices paid in the year up to ``today`` (default: the tenant's own date now); return
    the ids of the customers whose habits changed.

    Only those are written, in one statement, and announced with ``customers_changed``:
    segment rules read habits, so a customer who now pays late may belong to another
    workflow, and reminders place its open invoices again.

    A refresh of every customer also sets when the tenant's habits next need one
    (``HabitsRefresh``). It claims the tenant's moment first; an invoice changing while it
    reads brings the moment back to now, and the refresh then leaves it there. Nothing is
    held while it works: claim, customers and moment are three short writes.
    """
    today = today or local_today(timezone.now(), tenant.time_zone)
    since = today - timedelta(days=HABIT_WINDOW_DAYS)
    claimed = _claim(tenant.pk) if customer is None else None
    with transaction.atomic():
        habits = payment_behaviour(tenant, since=since, customer=customer)
        customers = scoped(Customer, tenant)
        if customer is not None:
            customers = customers.filter(pk=customer.pk)
        changed = []
        stored = customers.values_list("pk", "average_days_late", "share_paid_late").order_by("pk")
        for pk, days_late, share_late in stored:
            habit = habits.get(pk)
            found = (habit.average_days_late, habit.share_paid_late) if habit else (None, None)
            if found != (days_late, share_late):
                changed.append((pk, *found))
        update_values(Customer, ["average_days_late", "share_paid_late"], changed)
        ids = [pk for pk, *_habits in changed]
        if ids:
            customers_changed.send(sender=Customer, tenant_id=tenant.pk, customer_ids=ids)
    if claimed is not None:
        # Unless an invoice changed since the claim (the moment is now, then), the habits
        # next change when the oldest payment counted leaves the window.
        HabitsRefresh.objects.filter(tenant_id=tenant.pk, due_at=claimed).update(
            due_at=_window_moves(tenant, habits)
        )
    return ids


def habits_due(now: datetime) -> list[int]:
    """Return the ids of the tenants whose habits may have changed by ``now``."""
    due = HabitsRefresh.objects.filter(due_at__lte=now).order_by()
    return list(due.values_list("tenant_id", flat=True))


def habits_changed(tenant_id: int) -> None:
    """Have the next hourly refresh look at ``tenant_id``'s habits: one of its invoices
    changed. Costs no write when a refresh is already due."""
    _set_moment(tenant_id, timezone.now(), only_sooner=True)


#: How long a refresh's claim lasts: a refresh that died is tried again after it.
CLAIM = timedelta(hours=1)


def _claim(tenant_id: int) -> datetime:
    """Move the tenant's moment to the end of a claim (making its row if missing); return it.

    An invoice changing from then on moves it back to now, sooner than the claim."""
    claimed = timezone.now() + CLAIM
    _set_moment(tenant_id, claimed, only_sooner=False)
    return claimed


def _set_moment(tenant_id: int, moment: datetime, *, only_sooner: bool) -> None:
    table = connection.ops.quote_name(HabitsRefresh._meta.db_table)
    sooner = f" WHERE {table}.due_at IS NULL OR {table}.due_at > excluded.due_at"
    write_behind.execute(
        f"INSERT INTO {table} (tenant_id, due_at) VALUES (%s, %s) "
        f"ON CONFLICT (tenant_id) DO UPDATE SET due_at = excluded.due_at"
        + (sooner if only_sooner else ""),
        [tenant_id, connection.ops.adapt_datetimefield_value(moment)],
    )


def _window_moves(tenant: Tenant, habits: dict[int, Behaviour]) -> datetime | None:
    """Return the start of the tenant's day on which the oldest payment counted in
    ``habits`` leaves the window, or None when none is counted."""
    oldest = min((habit.first_paid_on for habit in habits.values()), default=None)
    if oldest is None:
        return None
    return start_of_day(oldest + timedelta(days=HABIT_WINDOW_DAYS + 1), tenant.time_zone)
