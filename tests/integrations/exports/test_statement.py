"""A customer's statement of account: opening balance, entries with a running balance,
allocations, closing balance and today's aging, per currency; and its CSV download."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from integrations.exports.statement import DEFAULT_DAYS, statement
from receivables import reports
from receivables.models import OPEN_STATUSES, CreditNote, Invoice, Payment
from tests.integrations.exports.books import END, INJECTION, START, statement_book
from tests.reminders.pages import url

D = Decimal


@pytest.fixture
def who(tenant, owner):
    return statement_book(tenant)


def test_the_statement_runs_from_the_opening_to_the_closing_balance(who):
    eur, usd = statement(who, START, END).currencies
    assert (eur.currency, eur.opening, eur.closing) == ("EUR", D("600.00"), D("100.00"))
    assert [
        (e.on.isoformat(), e.label, e.reference, e.debit, e.credit, e.balance) for e in eur.entries
    ] == [
        ("2024-04-10", "Invoice", "INV-2", D("500.00"), None, D("1100.00")),
        ("2024-04-20", "Credit note", "CN-1", None, D("100.00"), D("1000.00")),
        ("2024-05-05", "Payment", INJECTION, None, D("1100.00"), D("-100.00")),
        ("2024-06-01", "Invoice", "INV-3", D("200.00"), None, D("100.00")),
        ("2024-06-02", "Invoice", "INV-5", D("30.00"), None, D("130.00")),
        ("2024-06-20", "Write-off", "INV-5", None, D("30.00"), D("100.00")),
    ]
    assert (usd.currency, usd.opening, usd.closing) == ("USD", D("0"), D("300.00"))
    assert [e.reference for e in usd.entries] == ["INV-U1"]


def test_payments_and_credit_notes_show_what_they_were_applied_to(who):
    eur = statement(who, START, END).currencies[0]
    note, payment = eur.entries[1], eur.entries[2]
    assert (note.applied, note.on_account, note.details) == (
        [("INV-2", D("100.00"))],
        0,
        "Damaged goods",
    )
    assert payment.applied == [("INV-1", D("600.00")), ("INV-2", D("400.00"))]
    assert payment.on_account == D("100.00")


def test_drafts_and_void_invoices_are_never_on_a_statement(who):
    result = statement(who, START - timedelta(days=400), END)
    references = {e.reference for book in result.currencies for e in book.entries}
    assert {"INV-1", "INV-2", "CN-1"} <= references
    assert not references & {"DRAFT-1", "VOID-1"}
    # From the beginning the opening balance is nothing.
    assert [book.opening for book in result.currencies] == [0, 0]


def test_the_closing_balance_of_everything_is_what_is_open_less_what_is_on_account(who, tenant):
    today = who.local_today()
    for book in statement(who, START - timedelta(days=400), today).currencies:
        open_balances = sum(
            Invoice.objects.filter(
                customer=who, currency=book.currency, status__in=OPEN_STATUSES
            ).values_list("balance", flat=True),
            D(0),
        )
        on_account = sum(
            (
                *Payment.objects.filter(customer=who, currency=book.currency).values_list(
                    "unallocated", flat=True
                ),
                *CreditNote.objects.filter(customer=who, currency=book.currency).values_list(
                    "unallocated", flat=True
                ),
            ),
            D(0),
        )
        assert book.closing == open_balances - on_account
        assert book.unallocated == on_account
        assert book.aging_total == open_balances


def test_each_period_opens_where_the_one_before_closed(who):
    first = statement(who, START, START + timedelta(days=29))
    second = statement(who, START + timedelta(days=30), END)
    for before, after in zip(first.currencies, second.currencies, strict=True):
        assert before.closing == after.opening
    assert second.currencies[0].closing == D("100.00")


def test_the_aging_summary_is_the_reports_for_this_customer_today(who, tenant):
    result = statement(who, START, END)
    report = reports.aging(tenant, who.local_today(), who)
    assert {book.currency: book.aging for book in result.currencies} == report
    # INV-3 200.00 + INV-6 80.00, both long past due now.
    assert result.currencies[0].aging["d90_plus"] == D("280.00")


def test_a_customer_without_history_gets_a_zero_statement_in_its_currency(tenant, owner):
    from tests.integrations.exports.books import customer

    quiet = customer(tenant, "C-QUIET", "Quiet AG", currency="CHF")
    [book] = statement(quiet, START, END).currencies
    assert (book.currency, book.opening, book.closing, book.entries) == ("CHF", 0, 0, [])


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_lists_every_line_with_numbers_bare_and_text_neutralised(client, who, owner):
    client.force_login(owner)
    response = client.get(
        url("statement_export", who.tenant, customer_id=who.pk),
        {"format": "csv", "start": START.isoformat(), "end": END.isoformat()},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="statement-c-stmt-2024-04-01-2024-06-30.csv"'
    )
    rows = read_csv(response)
    eur = [r for r in rows if r["Currency"] == "EUR"]
    kinds = [(r["Type"], r["Reference"], r["Applied"], r["Balance"]) for r in eur]
    assert kinds[:9] == [
        ("Opening balance", "", "", "600.00"),
        ("Invoice", "INV-2", "", "1100.00"),
        ("Credit note", "CN-1", "", "1000.00"),
        ("Applied", "INV-2", "100.00", ""),
        ("Payment", "'" + INJECTION, "", "-100.00"),
        ("Applied", "INV-1", "600.00", ""),
        ("Applied", "INV-2", "400.00", ""),
        ("On account", "", "100.00", ""),
        ("Invoice", "INV-3", "", "100.00"),
    ]
    closing = next(r for r in eur if r["Type"] == "Closing balance")
    assert (closing["Date"], closing["Balance"]) == ("2024-06-30", "100.00")
    aging = {r["Reference"]: r["Balance"] for r in eur if r["Type"] == "Aging"}
    assert aging == {
        "Current": "0.00",
        "1–30": "0.00",
        "31–60": "0.00",
        "61–90": "0.00",
        "90+": "280.00",
        "Total": "280.00",
    }
    assert eur[-1]["Type"] == "On account" and eur[-1]["Balance"] == "-100.00"
    raw = response.content.decode("utf-8-sig")
    assert ',"EUR","",1100.00,"",-100.00\r\n' in raw  # a bare negative number
    assert [r["Type"] for r in rows if r["Currency"] == "USD"][:3] == [
        "Opening balance",
        "Invoice",
        "Closing balance",
    ]


def test_without_dates_the_statement_covers_the_last_90_days(client, who, owner):
    client.force_login(owner)
    today = who.local_today()
    response = client.get(url("statement_export", who.tenant, customer_id=who.pk))
    assert response.status_code == 200
    start = today - timedelta(days=DEFAULT_DAYS - 1)
    assert response["Content-Disposition"].endswith(f'-{start}-{today}.csv"')
    rows = read_csv(response)
    # Nothing happened lately: the opening balance is the closing one, 180.00 net.
    assert [(r["Type"], r["Balance"]) for r in rows if r["Currency"] == "EUR"][:2] == [
        ("Opening balance", "180.00"),
        ("Closing balance", "180.00"),
    ]
    only_end = client.get(
        url("statement_export", who.tenant, customer_id=who.pk), {"end": END.isoformat()}
    )
    assert only_end["Content-Disposition"].endswith(f'-{END - timedelta(days=89)}-{END}.csv"')


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"start": "2024-05-01", "end": "2024-04-01"}, "The period starts after it ends."),
        ({"start": "1990-01-01", "end": "2024-04-01"}, "at most 20 years"),
        ({"end": "yesterday"}, "end: Enter a valid date"),
        ({"format": "xlsx"}, "format: Select a valid choice"),
    ],
)
def test_bad_options_are_refused_with_the_reason(client, who, owner, params, reason):
    client.force_login(owner)
    response = client.get(url("statement_export", who.tenant, customer_id=who.pk), params)
    assert response.status_code == 400
    assert reason in response.content.decode()


def test_another_tenants_customer_is_404_under_my_slug(client, who, owner, theirs, outsider):
    client.force_login(owner)
    mine_url = url("statement_export", who.tenant, customer_id=theirs.customer.pk)
    assert client.get(mine_url).status_code == 404
    assert client.get(mine_url, {"format": "pdf"}).status_code == 404
    client.force_login(outsider)
    assert client.get(url("statement_export", who.tenant, customer_id=who.pk)).status_code == 404
    theirs_url = url("statement_export", theirs.tenant, customer_id=who.pk)
    assert client.get(theirs_url).status_code == 404
