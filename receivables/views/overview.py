"""Dashboard pages for receivables."""

import zoneinfo
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kapittx.models import WorkerHeartbeat
from kapittx.roles import Perm
from kapittx.tenancy import tenant_view
from receivables import reports
from receivables.charts import aging_chart

#: CEI on the overview covers this many days up to today.
CEI_WINDOW_DAYS = 90


@tenant_view(Perm.VIEW_RECEIVABLES)
def overview(request: HttpRequest) -> HttpResponse:
    """Show the AR overview: totals, aging chart, DSO, CEI and the top overdue customers."""
    tenant = request.tenant
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(tenant.time_zone))
    aging = reports.aging(tenant, today)
    top = reports.top_overdue_customers(tenant, today)
    behaviour = reports.payment_behaviour(tenant, since=today - timedelta(days=365), customer=None)
    for row in top:
        row["behaviour"] = behaviour.get(row["customer_id"])
    dso = reports.dso(tenant, today)
    cei = reports.cei(tenant, today - timedelta(days=CEI_WINDOW_DAYS - 1), today)
    currencies = [
        {
            "totals": row,
            "dso": dso.get(row.currency),
            "cei": cei.get(row.currency),
            "aging": [
                {"key": key, "label": label, "amount": aging.get(row.currency, {}).get(key)}
                for key, label, *_ in reports.BUCKETS
            ],
            "chart": aging_chart(aging.get(row.currency, {})),
        }
        for row in sorted(
            reports.totals(tenant, today),
            key=lambda t: (t.currency != tenant.base_currency, t.currency),
        )
    ]
    return render(
        request,
        "receivables/overview.html",
        {
            "today": today,
            "currencies": currencies,
            "top_overdue": top,
            "cei_window_days": CEI_WINDOW_DAYS,
            "heartbeat": WorkerHeartbeat.objects.order_by("-last_tick_at").first(),
        },
    )
