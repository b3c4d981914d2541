"""The aging report download: the report's own figures per customer and currency, totals
that add up to the report's, in CSV and XLSX, with no cell a spreadsheet would run."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from integrations.exports.aging import TOTAL_LABEL
from kapittx.roles import Role
from receivables import reports
from tests.conftest import make_member
from tests.integrations.exports.books import AS_OF, EVIL, UNICODE_NAME, aging_book
from tests.reminders.pages import url

D = Decimal
BUCKET_COLUMNS = ["Current", "1–30 days", "31–60 days", "61–90 days", "90+ days"]
HEADER = ["Customer", "External id", "Currency", *BUCKET_COLUMNS, "Total"]


def download(client, tenant, **params):
    return client.get(url("aging_export", tenant), {"as_of": AS_OF.isoformat(), **params})


def csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    assert header == HEADER
    return [dict(zip(header, row, strict=True)) for row in reader]


def xlsx_rows(response) -> list[dict]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = sheet.iter_rows()
    assert [cell.value for cell in header] == HEADER
    return [{title: cell for title, cell in zip(HEADER, row, strict=True)} for row in rows]


@pytest.fixture
def book(tenant, owner):
    return aging_book(tenant)


def test_the_csv_has_a_row_per_customer_and_currency_with_the_reports_buckets(
    client, tenant, owner, book
):
    client.force_login(owner)
    response = download(client, tenant, format="csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="aging-acme-{AS_OF}.csv"'
    rows = csv_rows(response)
    got = {
        (r["External id"], r["Currency"]): [r[c] for c in [*BUCKET_COLUMNS, "Total"]] for r in rows
    }
    assert got == {
        ("'-EVIL", "EUR"): ["50.50", "100.00", "0.00", "0.00", "0.00", "150.50"],
        ("C-ŁÓDŹ", "EUR"): ["0.00", "0.00", "200.00", "0.00", "0.00", "200.00"],
        ("C-ZED", "EUR"): ["0.00", "0.00", "0.00", "180.00", "0.00", "180.00"],
        ("", "EUR"): ["50.50", "100.00", "200.00", "180.00", "0.00", "530.50"],
        ("C-ŁÓDŹ", "USD"): ["0.00", "0.00", "0.00", "0.00", "1000.00", "1000.00"],
        ("", "USD"): ["0.00", "0.00", "0.00", "0.00", "1000.00", "1000.00"],
    }
    # Grouped by currency, largest first inside each, each currency closed by its total.
    assert [(r["Customer"], r["Currency"]) for r in rows] == [
        (UNICODE_NAME, "EUR"),
        ("Zed Ltd", "EUR"),
        ("'" + EVIL, "EUR"),
        (TOTAL_LABEL, "EUR"),
        (UNICODE_NAME, "USD"),
        (TOTAL_LABEL, "USD"),
    ]


def test_the_totals_per_currency_are_the_reports(client, tenant, owner, book):
    client.force_login(owner)
    rows = csv_rows(download(client, tenant, format="csv"))
    report = reports.aging(tenant, AS_OF)
    receivable = {t.currency: t.receivable for t in reports.totals(tenant, AS_OF)}
    for currency, buckets in report.items():
        customers = [r for r in rows if r["Currency"] == currency and r["Customer"] != TOTAL_LABEL]
        [total] = [r for r in rows if r["Currency"] == currency and r["Customer"] == TOTAL_LABEL]
        for (key, *_), column in zip(reports.BUCKETS, BUCKET_COLUMNS, strict=True):
            assert sum(D(r[column]) for r in customers) == buckets[key]
            assert D(total[column]) == buckets[key]
        assert D(total["Total"]) == receivable[currency] == sum(buckets.values())
    assert set(report) == {"EUR", "USD"}


def test_csv_text_is_neutralised_and_numbers_are_left_bare(client, tenant, owner, book):
    client.force_login(owner)
    raw = download(client, tenant, format="csv").content.decode("utf-8-sig")
    # The name cannot start a formula; the quote is doubled inside a quoted CSV field.
    assert '"\'=HYPERLINK(""http://evil"")","\'-EVIL","EUR",50.50,100.00,' in raw
    assert raw.startswith('"Customer","External id"')
    assert "\r\n" in raw
    assert not any(line.startswith(("=", "+", "-", "@")) for line in raw.splitlines())


def test_the_xlsx_holds_numbers_as_numbers_and_names_as_text(client, tenant, owner, book):
    client.force_login(owner)
    response = download(client, tenant, format="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith(f'aging-acme-{AS_OF}.xlsx"')
    rows = xlsx_rows(response)
    evil = next(r for r in rows if r["External id"].value == "'-EVIL")
    assert evil["Customer"].value == "'" + EVIL
    assert evil["Customer"].data_type == "s"
    assert evil["1–30 days"].data_type == "n"
    assert D(str(evil["Total"].value)) == D("150.50")
    assert evil["Total"].number_format == "#,##0.00"
    total_usd = next(
        r for r in rows if r["Customer"].value == TOTAL_LABEL and r["Currency"].value == "USD"
    )
    assert total_usd["90+ days"].value == 1000
    assert total_usd["Customer"].font.b
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == f"Aging {AS_OF}"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row), (
        "no formula cell"
    )


def test_the_same_rows_come_out_in_both_formats(client, tenant, owner, book):
    client.force_login(owner)
    as_csv = csv_rows(download(client, tenant, format="csv"))
    as_xlsx = xlsx_rows(download(client, tenant, format="xlsx"))
    assert len(as_csv) == len(as_xlsx) == 6
    for text_row, book_row in zip(as_csv, as_xlsx, strict=True):
        for column in HEADER[:3]:
            assert text_row[column] == (book_row[column].value or "")
        for column in [*BUCKET_COLUMNS, "Total"]:
            assert D(text_row[column]) == D(str(book_row[column].value))


def test_without_a_date_the_report_is_as_of_the_tenants_today(client, tenant, owner, book):
    client.force_login(owner)
    response = client.get(url("aging_export", tenant))
    assert response.status_code == 200
    rows = csv_rows(response)
    # Every bill of the book is due by mid-2024, so today it is all 90+.
    eur = next(r for r in rows if r["Customer"] == TOTAL_LABEL and r["Currency"] == "EUR")
    assert (eur["Current"], eur["90+ days"], eur["Total"]) == ("0.00", "530.50", "530.50")


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"format": "pdf"}, "format: Select a valid choice"),
        ({"as_of": "30/06/2024"}, "as_of: Enter a valid date"),
    ],
)
def test_bad_options_are_refused_with_the_reason(client, tenant, owner, params, reason):
    client.force_login(owner)
    response = client.get(url("aging_export", tenant), params)
    assert response.status_code == 400
    assert reason in response.content.decode()


def test_an_empty_tenant_gets_the_header_alone(client, tenant, owner):
    client.force_login(owner)
    assert csv_rows(download(client, tenant, format="csv")) == []
    assert xlsx_rows(download(client, tenant, format="xlsx")) == []


def test_another_tenants_invoices_never_appear(client, tenant, owner, book, theirs):
    client.force_login(owner)
    names = {r["Customer"] for r in csv_rows(download(client, tenant, format="csv"))}
    assert "Globex Customer" not in names
    assert names == {UNICODE_NAME, "Zed Ltd", "'" + EVIL, TOTAL_LABEL}


def test_outsiders_get_404_and_every_role_may_download(client, tenant, book, outsider):
    client.force_login(outsider)
    assert download(client, tenant).status_code == 404
    viewer = make_member(tenant, "viewer@acme.test", Role.VIEWER)
    client.force_login(viewer)
    assert download(client, tenant, format="xlsx").status_code == 200
