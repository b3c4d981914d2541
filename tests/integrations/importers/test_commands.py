"""``manage.py import_invoices|import_customers|import_payments``: the import page's code path
on the command line, with progress, a summary, and every bad row on refusal."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from receivables.models import Customer, Invoice
from tests.integrations.importers import files
from tests.workers import database_url


def command(name: str, path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(name, str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_dry_run_prints_what_it_would_write_and_writes_nothing(tmp_path, acme):
    path = tmp_path / "Invoices.csv"
    path.write_bytes(files.xero_uk_invoices())

    out, err = command("import_invoices", path, "--tenant", "acme", "--dry-run")

    assert out.splitlines()[:6] == [
        "Dry run of Invoices.csv.",
        "Preset: Xero (detected); header on line 1, utf-8-sig.",
        "Dates: DD/MM/YYYY (detected from the dates in the file). Amounts: decimal point "
        "(detected from the amounts in the file).",
        "Rows read: 6.",
        "Customers: would create 2, would update 0, unchanged 0.",
        "Invoices: would create 3, would update 0, unchanged 0.",
    ]
    assert "Skipped: 1 draft invoices." in out
    assert "checking" in err and "rows" in err
    assert not Invoice.objects.filter(tenant=acme).exists()


def test_importing_twice_updates_and_prints_what_it_did(tmp_path, acme):
    path = tmp_path / "zoho.csv"
    path.write_bytes(files.zoho_invoices())

    first, _ = command("import_invoices", path, "--tenant", "acme")
    again, _ = command("import_invoices", path, "--tenant", "acme", "--preset", "zoho")

    assert "Invoices: created 2, updated 0, unchanged 0." in first
    assert "Preset: Zoho Books (as chosen)" in again
    assert "Invoices: created 0, updated 0, unchanged 2." in again
    assert Invoice.objects.filter(tenant=acme).count() == 2


def bad_file(tmp_path):
    data = (
        files.xero_uk_invoices()
        .replace(b"15/04/2026", b"31/04/2026")
        .replace(b"GBP,Sales invoice,Sent,Voided", b"UKP,Sales invoice,Sent,Voided")
    )
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    return path


BAD_LINES = [
    'line 4: InvoiceDate: "31/04/2026" is not a date (dates in this file read as DD/MM/YYYY).',
    'line 6: Currency: "UKP" is not an ISO 4217 currency code (e.g. EUR, GBP).',
]


def test_a_refused_file_prints_every_bad_line_and_fails(tmp_path, acme):
    err = StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_invoices", str(bad_file(tmp_path)), "--tenant", "acme", stderr=err)

    assert failed.value.returncode == 1
    assert str(failed.value) == "bad.csv refused: 2 problem(s); nothing was written."
    assert err.getvalue().splitlines()[-2:] == BAD_LINES
    assert not Invoice.objects.filter(tenant=acme).exists()


@pytest.mark.services
def test_the_command_exits_non_zero_on_a_refused_file(postgres, transactional_db, tmp_path, acme):
    result = subprocess.run(
        [sys.executable, "manage.py", "import_invoices", str(bad_file(tmp_path)), "--tenant",
         "acme", "--skip-checks"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip

    assert result.returncode == 1
    assert result.stderr.splitlines()[-3:] == [
        *BAD_LINES,
        "CommandError: bad.csv refused: 2 problem(s); nothing was written.",
    ]
    assert not Invoice.objects.filter(tenant=acme).exists()


def test_the_date_order_and_decimal_can_be_given(tmp_path, acme):
    path = tmp_path / "generic.csv"
    path.write_bytes(
        files.to_csv(
            [
                ["Invoice number", "Customer name", "Issue date", "Due date", "Currency", "Total"],
                ["G-1", "Alpha", "02/03/2026", "04/05/2026", "KWD", "1,234"],
            ]
        )
    )

    out, _ = command(
        "import_invoices", path, "--tenant", "acme", "--date-order", "mdy", "--decimal", ","
    )

    assert "Dates: MM/DD/YYYY (as chosen). Amounts: decimal comma (as chosen)." in out
    invoice = Invoice.objects.get(tenant=acme)
    assert (str(invoice.issue_date), str(invoice.total)) == ("2026-02-03", "1.234")


def test_customers_and_payments_have_their_commands(tmp_path, acme):
    customers = tmp_path / "customers.csv"
    customers.write_bytes(files.to_csv([["Customer ID", "Name"], ["C-1", "Alpha"]]))
    payments = tmp_path / "payments.csv"
    payments.write_bytes(
        files.to_csv([["Customer ID", "Amount", "Date received"], ["C-1", "5.00", "2026-01-02"]])
    )

    command("import_customers", customers, "--tenant", "acme")
    out, _ = command("import_payments", payments, "--tenant", "acme")

    assert Customer.objects.get(tenant=acme).name == "Alpha"
    assert "Payments: created 1, updated 0, unchanged 0." in out
    assert "Note: The file has no payment id" in out


def test_an_unknown_tenant_or_file_is_a_clear_error(tmp_path, acme):
    with pytest.raises(CommandError, match="No tenant 'nope'"):
        command("import_invoices", tmp_path / "x.csv", "--tenant", "nope")
    with pytest.raises(CommandError, match="Cannot read .*x.csv: No such file"):
        command("import_invoices", tmp_path / "x.csv", "--tenant", "acme")
