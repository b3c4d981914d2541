"""Benchmark: import a large Xero invoice export (CSV) through the import code path, and
print where the time goes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kapittx_bench \\
        .venv/bin/python bench/imports.py --invoices 100000

The database must hold nothing but benchmark data: the script migrates it and makes a tenant
of its own (a new one each run). The file is one UK Xero export of ``--invoices`` invoices
of ``--lines`` rows each, for ``--customers`` customers (created by the import), a tenth of
the invoices part-paid; it is written to a temporary file and read back from disk.

The last line printed is one JSON object: ``rows``, ``invoices``, ``read_s`` (decode, parse,
detect, type every column, group lines into invoices and customers: no database writes),
``write_s`` (the upsert of customers and invoices, checks included, committed) and
``total_s`` (file on disk to committed rows).
"""

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapittx.settings")


def xero_export(invoices: int, customers: int, lines: int) -> bytes:
    header = [
        "ContactName", "EmailAddress", "InvoiceNumber", "Reference", "InvoiceDate", "DueDate",
        "Total", "TaxTotal", "InvoiceAmountPaid", "InvoiceAmountDue", "Description", "Quantity",
        "UnitAmount", "LineAmount", "AccountCode", "TaxType", "Currency", "Type", "Sent",
        "Status", "POAddressLine1", "POCity", "POPostalCode", "POCountry", "TrackingName1",
    ]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for n in range(invoices):
        total = 100 + n % 900
        due = total - 40 if n % 10 == 0 else total
        day = 1 + n % 28
        customer = n % customers
        for line in range(lines):
            amount = f"{total}.00" if line == 0 else "0.00"
            writer.writerow(
                [
                    f"Customer {customer:06d}",
                    f"ap{customer}@example.test",
                    f"INV-{n:07d}",
                    f"PO-{n}",
                    f"{day:02d}/03/2026",
                    f"{day:02d}/04/2026",
                    f"{total}.00",
                    "0.00",
                    f"{total - due}.00",
                    f"{due}.00",
                    "Services",
                    "1",
                    amount,
                    amount,
                    "200",
                    "20% (VAT on Income)",
                    "GBP",
                    "Sales invoice",
                    "Sent",
                    "Awaiting Payment",
                    "1 High Street",
                    "Leeds",
                    "LS1 1AA",
                    "United Kingdom",
                    "",
                ]  # fmt: skip
            )
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100000)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--lines", type=int, default=1)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    from integrations.importers.actions import Options, run_import
    from kapittx.onboarding import create_tenant
    from receivables.models import Invoice

    call_command("migrate", verbosity=0)
    tenant = create_tenant(f"bench-import-{int(time.time())}", "Import benchmark", currency="GBP")
    with tempfile.NamedTemporaryFile(suffix=".csv") as file:
        file.write(xero_export(args.invoices, args.customers, args.lines))
        file.flush()
        started = time.perf_counter()
        data = Path(file.name).read_bytes()
        report = run_import(tenant, data, Options("invoices"), dry_run=False)
        total = time.perf_counter() - started
    assert not report.errors, report.errors[:5]
    written = Invoice.objects.filter(tenant=tenant).count()
    print(f"rows read: {report.rows_read}, invoices written: {written}")
    print(f"skipped: {report.skipped}, written: {report.written}")
    figures = {
        "rows": report.rows_read,
        "invoices": written,
        "read_s": report.seconds["read"],
        "write_s": report.seconds["write"],
        "total_s": round(total, 3),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
