"""Benchmark: the REST API's bulk upsert and invoice list on a large book.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kapittx_bench \\
        .venv/bin/python bench/api.py --invoices 1000000

The database must be PostgreSQL and hold nothing but benchmark data: the script migrates it
and empties it first. ``--invoices`` rows are loaded with one INSERT … SELECT (as a bulk
import would leave them: a batch of 10,000 shares one ``updated_at``) for one tenant, and
the requests go through the whole Django stack (middleware, key, throttle, parser, upsert,
rendering) in this process, without a socket.

- Bulk: ``POST /api/v1/invoices/bulk/`` with ``--bulk`` new invoices (``bulk_s``), then the
  same request again, every invoice matched and unchanged (``bulk_again_s``).
- List: ``GET /api/v1/invoices/?limit=100`` following ``next`` links, and filtered by status,
  customer and ``updated_since`` or ordered by due or issue date; p50/p95 over all those
  requests (``list_*_ms``), and the queries one page costs (``list_queries``, the same at
  any page size).

The last line printed is one JSON object with the figures.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapittx.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from integrations.api.keys import create_key  # noqa: E402
from kapittx.onboarding import create_tenant  # noqa: E402
from receivables.models import Customer  # noqa: E402

CUSTOMERS = 10_000


def load(tenant, invoices: int) -> None:
    """Customers and ``invoices`` invoices of ``tenant``, written by SQL in one go."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO receivables_customer (tenant_id, updated_at, external_id, name, address,
                country, time_zone, language, currency, payment_terms_days, tags,
                preferred_channels, opted_out_channels, do_not_contact, reminders_on_hold,
                reminders_hold_reason, created_at)
            SELECT %s, now(), 'C-' || n, 'Customer ' || n, '', 'DE', '', '', 'EUR', 30, '[]',
                '[]', '[]', false, false, '', now()
            FROM generate_series(1, %s) AS n
            """,
            [tenant.pk, CUSTOMERS],
        )
        cursor.execute(
            """
            INSERT INTO receivables_invoice (tenant_id, updated_at, customer_id, number,
                external_id, issue_date, due_date, currency, subtotal, tax, total, amount_paid,
                amount_credited, amount_written_off, balance, status, po_number, document_url,
                created_at)
            SELECT %(tenant)s,
                now() - interval '1 second' * (%(count)s - n) / 10000,
                c.first + n %% %(customers)s, 'INV-' || n, 'ext-' || n,
                date '2025-01-01' + (n %% 300), date '2025-01-31' + (n %% 300), 'EUR',
                100 + n %% 900, 0, 100 + n %% 900, 0, 0, 0, 100 + n %% 900,
                CASE WHEN n %% 4 = 0 THEN 'paid' ELSE 'open' END, '', '', now()
            FROM generate_series(1, %(count)s) AS n,
                (SELECT min(id) AS first FROM receivables_customer WHERE tenant_id = %(tenant)s) c
            """,
            {"tenant": tenant.pk, "count": invoices, "customers": CUSTOMERS},
        )
        cursor.execute("UPDATE receivables_invoice SET balance = 0 WHERE status = 'paid'")
        cursor.execute("ANALYZE receivables_customer")
        cursor.execute("ANALYZE receivables_invoice")


def bulk_body(count: int) -> str:
    return json.dumps(
        {
            "items": [
                {
                    "number": f"BULK-{n}",
                    "external_id": f"bulk-{n}",
                    "customer_external_id": f"C-{1 + n % CUSTOMERS}",
                    "issue_date": str(date(2026, 1, 1) + timedelta(days=n % 28)),
                    "due_date": str(date(2026, 2, 1) + timedelta(days=n % 28)),
                    "subtotal": f"{100 + n % 900}.50",
                    "tax": "19.00",
                    "po_number": f"PO-{n}",
                }
                for n in range(count)
            ]
        }
    )


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--bulk", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/api.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    tenant = create_tenant("bench", "Bench Ltd", currency="EUR")
    seconds, _ = timed(lambda: load(tenant, args.invoices))
    print(f"loaded {args.invoices} invoices in {seconds:.1f} s", flush=True)
    client = Client(headers={"Authorization": f"Bearer {create_key(tenant, 'bench')[1]}"})

    body = bulk_body(args.bulk)
    bulk_s, first = timed(
        lambda: client.post("/api/v1/invoices/bulk/", body, content_type="application/json")
    )
    assert first.status_code == 200, first.content[:500]
    again_s, second = timed(
        lambda: client.post("/api/v1/invoices/bulk/", body, content_type="application/json")
    )
    assert second.json()["unchanged"] == args.bulk, second.content[:500]
    print(f"bulk {args.bulk}: {bulk_s:.2f} s, again {again_s:.2f} s", flush=True)

    times, url = [], "/api/v1/invoices/?limit=100"
    for _ in range(args.pages):
        seconds, response = timed(lambda url=url: client.get(url))
        times.append(seconds)
        url = response.json()["next"]
    since = "2000-01-01T00:00:00Z"
    customer = Customer.objects.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True)[7]
    for params in (
        {"status": "open", "limit": "100"},
        {"customer": str(customer), "limit": "100"},
        {"updated_since": since, "limit": "100"},
        {"status": "open", "ordering": "due_date", "limit": "100"},
        {"ordering": "-issue_date", "limit": "100"},
    ) * 20:
        seconds, response = timed(lambda params=params: client.get("/api/v1/invoices/", params))
        assert response.status_code == 200, response.content[:300]
        times.append(seconds)
    queries = []
    for limit in (1, 100):
        with CaptureQueriesContext(connection) as captured:
            client.get("/api/v1/invoices/", {"limit": limit})
        queries.append(len(captured))
    times_ms = sorted(t * 1000 for t in times)
    figures = {
        "invoices": args.invoices,
        "bulk_items": args.bulk,
        "bulk_s": round(bulk_s, 3),
        "bulk_again_s": round(again_s, 3),
        "list_requests": len(times_ms),
        "list_p50_ms": round(statistics.median(times_ms), 2),
        "list_p95_ms": round(times_ms[int(len(times_ms) * 0.95) - 1], 2),
        "list_queries": queries[1],
        "list_queries_limit_1": queries[0],
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    with override_settings(KAPITTX_API_RATE="1000000/min"):
        main()
