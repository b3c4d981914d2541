"""invoice.overdue: announced once per invoice, on the tenant's first day after its due date,
while it is still owed.

A watermark per tenant says through which due date invoices have been announced; each run
announces the open invoices due after it and up to yesterday (the tenant's yesterday), then
moves it. A run that was missed is caught up by the next one; two runs at once announce
each day once, since only one of them moves the watermark.

The hourly job runs for the tenants with invoices to announce (``tenants_to_announce``);
the watermarks of the others move on in bulk, as their own runs would have moved them.
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import IntegrityError, models, transaction
from django.db.models import Case, Exists, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from integrations.outgoing.models import OverdueWatermark
from kapittx.events import publish_many
from kapittx.localtime import local_today
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.event_data import invoice_data
from receivables.models import Invoice

EVENT = "invoice.overdue"
#: Events published per call, so a day with many invoices falling due stays in bounds.
CHUNK = 2000


def overdue_data(invoice: Invoice, today: date) -> dict:
    """Return the event's payload: the invoice as the other invoice events carry it, and how
    many days it is overdue."""
    return {
        **invoice_data(invoice, invoice.customer.external_id),
        "days_overdue": (today - invoice.due_date).days,
    }


def _claim_days(tenant: Tenant, yesterday: date, now: datetime) -> date | None:
    """Move the tenant's watermark to ``yesterday``; return where it was, or None when
    there is nothing new (or another run moved it first)."""
    mark = scoped(OverdueWatermark, tenant).values_list("announced_through", flat=True).first()
    if mark is None:
        # The first run announces the invoices that fell overdue today; those overdue
        # before were so before anyone could listen.
        mark = yesterday - timedelta(days=1)
        try:
            with transaction.atomic():
                OverdueWatermark.objects.create(tenant=tenant, announced_through=mark)
        except IntegrityError:
            return None
    if mark >= yesterday:
        return None
    moved = (
        scoped(OverdueWatermark, tenant)
        .filter(announced_through=mark)
        .update(announced_through=yesterday, updated_at=now)
    )
    return mark if moved else None


@transaction.atomic
def announce(tenant: Tenant, now: datetime | None = None) -> int:
    """Publish invoice.overdue for the tenant's invoices that fell overdue since the last
    run; return how many."""
    now = now or timezone.now()
    today = local_today(now, tenant.time_zone)
    since = _claim_days(tenant, today - timedelta(days=1), now)
    if since is None:
        return 0
    invoices = (
        scoped(Invoice, tenant)
        .open()
        .filter(due_date__gt=since, due_date__lt=today)
        .select_related("customer")
        .order_by("due_date", "pk")
    )
    count, chunk = 0, []
    for invoice in invoices.iterator(chunk_size=CHUNK):
        chunk.append((EVENT, overdue_data(invoice, today)))
        if len(chunk) == CHUNK:
            count += len(chunk)
            publish_many(tenant.pk, chunk)
            chunk = []
    publish_many(tenant.pk, chunk)
    return count + len(chunk)


def tenants_to_announce(now: datetime) -> list[int]:
    """Return the tenants with invoices that fell overdue since their watermark, for a run
    of their own each. A tenant whose day has turned with none has its watermark moved to
    its yesterday here, as its run would have moved it, and costs no run."""
    zones = Tenant.objects.order_by().values_list("time_zone", flat=True).distinct()
    yesterdays = {zone: local_today(now, zone) - timedelta(days=1) for zone in zones}
    if not yesterdays:
        return []

    def per_zone(days_before: int) -> Case:
        """The tenant's yesterday, less ``days_before`` days."""
        back = timedelta(days=days_before)
        return Case(
            *(When(time_zone=zone, then=Value(day - back)) for zone, day in yesterdays.items()),
            output_field=models.DateField(),
        )

    watermark = OverdueWatermark.objects.filter(tenant=OuterRef("pk"))
    behind = (
        Tenant.objects.order_by()
        # Without a watermark yet, a tenant's first run announces only yesterday's invoices.
        .annotate(
            yesterday=per_zone(0),
            mark=Coalesce(Subquery(watermark.values("announced_through")), per_zone(1)),
            marked=Exists(watermark),
        )
        .filter(mark__lt=F("yesterday"))
        .annotate(
            owing=Exists(
                Invoice.objects.open().filter(
                    tenant=OuterRef("pk"),
                    due_date__gt=OuterRef("mark"),
                    due_date__lte=OuterRef("yesterday"),
                )
            )
        )
    )
    announcing, quiet = [], defaultdict(list)
    for pk, owing, marked, yesterday in behind.values_list("pk", "owing", "marked", "yesterday"):
        if owing:
            announcing.append(pk)
        else:
            quiet[(yesterday, marked)].append(pk)
    for (yesterday, marked), ids in quiet.items():
        _pass_quiet_days(ids, yesterday, marked, now)
    return sorted(announcing)


def _pass_quiet_days(tenant_ids: list[int], yesterday: date, marked: bool, now: datetime) -> None:
    """Move the watermarks of tenants with nothing to announce through ``yesterday``."""
    for start in range(0, len(tenant_ids), CHUNK):
        ids = tenant_ids[start : start + CHUNK]
        if marked:
            OverdueWatermark.objects.filter(
                tenant_id__in=ids, announced_through__lt=yesterday
            ).update(announced_through=yesterday, updated_at=now)
        else:
            OverdueWatermark.objects.bulk_create(
                [OverdueWatermark(tenant_id=pk, announced_through=yesterday) for pk in ids],
                ignore_conflicts=True,
            )
