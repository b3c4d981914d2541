"""Benchmark: import a Xero invoice export, upsert invoices through the API in bulk, and page
through a large invoice list, each beside a floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kapittx_bench \\
        .venv/bin/python bench/integrations.py --rows 100000 --list-invoices 1000000

The database must be PostgreSQL and hold nothing but benchmark data: the script migrates it
and empties it first.

- Import (``import_s``): a Xero sales-invoice CSV of ``--rows`` invoices, one line each, a
  third of them partly paid, for one customer per twenty invoices, from the file on disk to
  committed rows through ``manage.py import_invoices`` (reading, detection, validation,
  customers, invoices, the payments that carry what the export says is paid, and their
  allocations). Its floor (``import_floor_s``): PostgreSQL ``COPY`` of exactly the rows the
  import wrote, into empty copies of the same tables with the same indexes and constraints
  (``LIKE … INCLUDING ALL``, which copies no foreign keys); ``import_floor_keys_s`` is the
  same COPY into copies that also carry the tables' foreign keys, checked at commit as the
  product's writes are. ``import_without_keys_s`` is the same import again, for a tenant of
  its own, with the foreign keys of every table it writes dropped for the while (and put
  back after): what the import costs apart from checking its keys, which the first floor
  does not do. Its tables already hold the first import's rows.
- Bulk (``bulk_s``): ``POST /api/v1/invoices/bulk/`` with ``--bulk`` new invoices, through
  the whole Django stack in process (no socket), with a write key; its floor the COPY of the
  invoices it wrote.
- List (``list_p50_ms``, ``list_p95_ms``): ``GET /api/v1/invoices/?limit=100`` page after page
  along the cursor, and filtered by status and ``updated_since``, on a tenant holding
  ``--list-invoices`` invoices (loaded with COPY); ``list_queries`` is the number of SQL
  statements one page costs (the same for 10 and 100 rows a page, or the figure says so).

Each timed write (the import, each floor, the bulk request) starts after a checkpoint, so
none is charged with flushing pages an earlier step dirtied.

The last line printed is one JSON object with the figures.
"""

import argparse
import csv
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapittx.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("KAPITTX_API_RATE", "1000000/minute")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.database import prepare_database, settle  # noqa: E402
from kapittx.models import Tenant  # noqa: E402
from kapittx.onboarding import create_tenant  # noqa: E402

XERO_COLUMNS = [
    "*ContactName",
    "EmailAddress",
    "POAddressLine1",
    "POCity",
    "POCountry",
    "*InvoiceNumber",
    "Reference",
    "*InvoiceDate",
    "*DueDate",
    "Total",
    "TaxTotal",
    "InvoiceAmountPaid",
    "InvoiceAmountDue",
    "InventoryItemCode",
    "*Description",
    "*Quantity",
    "*UnitAmount",
    "Discount",
    "LineAmount",
    "*AccountCode",
    "*TaxType",
    "Currency",
    "Type",
    "Sent",
    "Status",
]
#: The tables an import writes, and what the floor copies of each.
WRITTEN = {
    "receivables_customer": "tenant_id = %s",
    "receivables_contact": "tenant_id = %s",
    "receivables_invoice": "tenant_id = %s",
    "receivables_payment": "tenant_id = %s",
    "receivables_allocation": "tenant_id = %s",
}

#: The other tables an import writes: its invoices' reminder positions, its habits mark.
ALSO_WRITTEN = ["reminders_reminderposition", "receivables_habitsrefresh"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def write_xero_export(path: Path, rows: int, rng: random.Random) -> None:
    """A Xero UK sales-invoice export: DD/MM/YYYY dates, one line per invoice."""
    customers = max(1, rows // 20)
    start = date(2026, 1, 1)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        out = csv.writer(handle)
        out.writerow(XERO_COLUMNS)
        for n in range(rows):
            c = n % customers
            issued = start + timedelta(days=rng.randrange(300))
            net = rng.randrange(1000, 500000)
            tax = net // 5
            total = net + tax
            paid = total // 3 if n % 3 == 0 else 0
            out.writerow(
                [
                    f"Customer {c:06d} Ltd",
                    f"accounts{c}@customer{c}.example",
                    f"{c} High Street",
                    "London",
                    "United Kingdom",
                    f"INV-{n:07d}",
                    f"PO-{n}",
                    issued.strftime("%d/%m/%Y"),
                    (issued + timedelta(days=30)).strftime("%d/%m/%Y"),
                    f"{total / 100:.2f}",
                    f"{tax / 100:.2f}",
                    f"{paid / 100:.2f}",
                    f"{(total - paid) / 100:.2f}",
                    "",
                    "Services",
                    "1",
                    f"{net / 100:.2f}",
                    "",
                    f"{net / 100:.2f}",
                    "200",
                    "20% (VAT on Income)",
                    "GBP",
                    "Sales invoice",
                    "Sent",
                    "Awaiting Payment",
                ]
            )


def counts(tenant: Tenant) -> dict[str, int]:
    found = {}
    with connection.cursor() as cursor:
        for table, where in WRITTEN.items():
            cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}", [tenant.pk])
            found[table] = cursor.fetchone()[0]
    return found


def copy_floor(tenant: Tenant, tables: list[str], *, with_keys: bool = False) -> float:
    """Seconds to COPY the tenant's rows of ``tables`` into empty copies with the same
    indexes: every row the product wrote, written the fastest way PostgreSQL has. With
    ``with_keys`` the copies also carry the tables' foreign keys (to the same parent rows),
    checked as the product's rows are: the floor of writing these rows to these tables."""
    dumps = {}
    with connection.cursor() as cursor:
        for table in tables:
            buffer = io.StringIO()
            cursor.cursor.copy_expert(
                f"COPY (SELECT * FROM {table} WHERE tenant_id = {int(tenant.pk)}) TO STDOUT",
                buffer,
            )
            buffer.seek(0)
            dumps[table] = buffer
            cursor.execute(f"DROP TABLE IF EXISTS floor_{table}")
            cursor.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")
            if with_keys:
                cursor.execute(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f'",
                    [table],
                )
                for (definition,) in cursor.fetchall():
                    cursor.execute(f"ALTER TABLE floor_{table} ADD {definition}")
    settle([])
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, buffer in dumps.items():
            cursor.cursor.copy_expert(f"COPY floor_{table} FROM STDIN", buffer)
    elapsed = time.perf_counter() - started  # the commit, and its key checks, included
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TABLE floor_{table}")
    return elapsed


def api_key(tenant: Tenant) -> str:
    out = io.StringIO()
    call_command("create_api_key", tenant=tenant.slug, name="bench", scope="write", stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def timed_import(path: Path, slug: str) -> tuple[Tenant, float]:
    """Import ``path`` for a new tenant ``slug``; return it and the seconds the import took."""
    tenant = create_tenant(slug, "Bench Import", currency="GBP", country="GB")
    settle([])
    started = time.perf_counter()
    call_command(
        "import_invoices",
        str(path),
        tenant=tenant.slug,
        preset="xero",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return tenant, time.perf_counter() - started


@contextmanager
def foreign_keys_dropped(tables: list[str]) -> Iterator[None]:
    """Drop the foreign keys of ``tables`` for the block, and put them back (checked) after."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        keys = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table, name, definition in keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def bench_import(rows: int, rng: random.Random) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Sales Invoices.csv"
        write_xero_export(path, rows, rng)
        log(f"import: {rows} rows, {path.stat().st_size / 1e6:.1f} MB")
        tenant, import_s = timed_import(path, "bench-import")
        written = counts(tenant)
        log(f"import: {import_s:.2f} s, wrote {written}")
        tables = [t for t, n in written.items() if n]
        floor = copy_floor(tenant, tables)
        floor_keys = copy_floor(tenant, tables, with_keys=True)
        log(f"import: floor {floor:.2f} s, with foreign keys {floor_keys:.2f} s")
        with foreign_keys_dropped([*WRITTEN, *ALSO_WRITTEN]):
            _, without_keys = timed_import(path, "bench-import-without-keys")
        log(f"import: {without_keys:.2f} s into the same tables without their foreign keys")
    return {
        "import_rows": rows,
        "import_s": round(import_s, 2),
        "import_floor_s": round(floor, 2),
        "import_floor_keys_s": round(floor_keys, 2),
        "import_without_keys_s": round(without_keys, 2),
        "import_written": written,
    }


def bench_bulk(items: int) -> dict:
    tenant = create_tenant("bench-bulk", "Bench Bulk", currency="EUR")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_key(tenant)}")
    customers = [{"external_id": f"C{c}", "name": f"Customer {c}"} for c in range(items // 20)]
    answer = client.post(
        "/api/v1/customers/bulk/", {"items": customers}, content_type="application/json"
    )
    assert answer.status_code in (200, 201), answer.content[:500]
    payload = {
        "items": [
            {
                "number": f"B-{n:06d}",
                "external_id": f"b{n}",
                "customer_external_id": f"C{n % len(customers)}",
                "issue_date": "2026-03-01",
                "due_date": "2026-03-31",
                "currency": "EUR",
                "total": f"{100 + n % 900}.50",
            }
            for n in range(items)
        ]
    }
    body = json.dumps(payload)
    settle([])
    started = time.perf_counter()
    answer = client.post("/api/v1/invoices/bulk/", body, content_type="application/json")
    bulk_s = time.perf_counter() - started
    assert answer.status_code in (200, 201), answer.content[:500]
    floor = copy_floor(tenant, ["receivables_invoice"])
    log(f"bulk: {items} invoices in {bulk_s:.2f} s (floor {floor:.2f} s)")
    return {"bulk_items": items, "bulk_s": round(bulk_s, 2), "bulk_floor_s": round(floor, 2)}


def load_invoices(tenant: Tenant, count: int) -> None:
    """COPY ``count`` invoices over a thousand customers, as an import would leave them."""
    now = datetime.now(UTC).isoformat()
    with connection.cursor() as cursor:
        buffer = io.StringIO()
        for c in range(1000):
            fields = [tenant.pk, f"L{c}", f"List customer {c}", "", "", "", "", "EUR", 30]
            fields += ["[]", "[]", "[]", "f", "f", "", now, now]
            buffer.write("\t".join(map(str, fields)) + "\n")
        buffer.seek(0)
        cursor.cursor.copy_expert(
            "COPY receivables_customer (tenant_id, external_id, name, address, country, time_zone, "
            "language, currency, payment_terms_days, tags, preferred_channels, opted_out_channels, "
            "do_not_contact, reminders_on_hold, reminders_hold_reason, created_at, updated_at) "
            "FROM STDIN",
            buffer,
        )
        cursor.execute(
            "SELECT id FROM receivables_customer WHERE tenant_id = %s ORDER BY id", [tenant.pk]
        )
        customers = [row[0] for row in cursor.fetchall()]
        start = datetime(2025, 1, 1, tzinfo=UTC)
        for first in range(0, count, 200000):
            buffer = io.StringIO()
            for n in range(first, min(count, first + 200000)):
                issued = date(2025, 1, 1) + timedelta(days=n % 600)
                status, paid, balance = (
                    ("open", "0", "120.00"),
                    ("paid", "120.00", "0"),
                    ("partially_paid", "60.00", "60.00"),
                )[n % 3]
                updated = (start + timedelta(seconds=n * 30)).isoformat()
                fields = [tenant.pk, customers[n % 1000], f"L-{n:07d}", f"l{n}", issued]
                fields += [issued + timedelta(days=30), "EUR", "100.00", "20.00", "120.00"]
                fields += [paid, 0, 0, balance, status, r"\N", r"\N", r"\N", "", "", now, updated]
                buffer.write("\t".join(map(str, fields)) + "\n")
            buffer.seek(0)
            cursor.cursor.copy_expert(
                "COPY receivables_invoice (tenant_id, customer_id, number, external_id, "
                "issue_date, due_date, currency, subtotal, tax, total, amount_paid, "
                "amount_credited, amount_written_off, balance, status, paid_on, written_off_on, "
                "voided_on, po_number, document_url, created_at, updated_at) FROM STDIN",
                buffer,
            )
        cursor.execute("ANALYZE receivables_invoice")
        cursor.execute("ANALYZE receivables_customer")


def bench_list(invoices: int, pages: int) -> dict:
    tenant = create_tenant("bench-list", "Bench List", currency="EUR")
    started = time.perf_counter()
    load_invoices(tenant, invoices)
    log(f"list: loaded {invoices} invoices in {time.perf_counter() - started:.1f} s")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_key(tenant)}")
    timings = []
    walks = [
        "/api/v1/invoices/?limit=100",
        "/api/v1/invoices/?limit=100&status=open",
        "/api/v1/invoices/?limit=100&updated_since=2025-06-01T00:00:00Z",
    ]
    for url in walks:
        for _ in range(pages):
            started = time.perf_counter()
            answer = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, answer.content[:300]
            url = answer.json().get("next")
            if not url:
                break
    queries = {}
    for size in (10, 100):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/invoices/?limit={size}").status_code == 200
        queries[size] = len(captured)
    log(f"list: {len(timings)} pages, queries per page {queries}")
    timings.sort()
    return {
        "list_pages": len(timings),
        "list_p50_ms": round(statistics.median(timings), 1),
        "list_p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "list_queries": queries[100] if queries[10] == queries[100] else queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100000, help="invoices in the import file")
    parser.add_argument("--bulk", type=int, default=10000, help="invoices in one bulk request")
    parser.add_argument("--list-invoices", type=int, default=1000000)
    parser.add_argument("--pages", type=int, default=100, help="pages per list walk")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    prepare_database()
    figures = {}
    figures.update(bench_import(args.rows, random.Random(args.seed)))
    figures.update(bench_bulk(args.bulk))
    figures.update(bench_list(args.list_invoices, args.pages))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
