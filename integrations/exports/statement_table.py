"""A statement of account as one table (the CSV download): per currency the opening
balance, each entry with the running balance, what each payment or credit note was applied
to, the closing balance and today's aging."""

from datetime import date
from decimal import Decimal

from integrations.exports.cells import Money
from integrations.exports.statement import CurrencyStatement, Statement
from integrations.exports.tables import Row, Table
from receivables import reports

HEADER = [
    "Date",
    "Type",
    "Reference",
    "Details",
    "Currency",
    "Debit",
    "Credit",
    "Applied",
    "Balance",
]
AMOUNT_COLUMNS = ["debit", "credit", "applied", "balance"]


def statement_table(statement: Statement) -> Table:
    rows: list[Row] = []
    for book in statement.currencies:
        rows.extend(_currency_rows(statement, book))
    return Table(
        name=f"Statement {statement.customer.external_id}",
        header=HEADER,
        rows=rows,
        widths=[12, 16, 18, 40, 9, 14, 14, 14, 14],
    )


def _line(
    book: CurrencyStatement,
    on: date,
    kind: str,
    reference: str = "",
    details: str = "",
    *,
    strong: bool = False,
    **amounts: Decimal | None,
) -> Row:
    """One row; ``amounts`` fills the columns debit, credit, applied and balance."""
    money = [amounts.get(column) for column in AMOUNT_COLUMNS]
    return Row(
        [
            on,
            kind,
            reference,
            details,
            book.currency,
            *(None if amount is None else Money(amount, book.currency) for amount in money),
        ],
        strong=strong,
    )


def _currency_rows(statement: Statement, book: CurrencyStatement) -> list[Row]:
    rows = [_line(book, statement.start, "Opening balance", balance=book.opening, strong=True)]
    for entry in book.entries:
        rows.append(
            _line(
                book,
                entry.on,
                entry.label,
                entry.reference,
                entry.details,
                debit=entry.debit,
                credit=entry.credit,
                balance=entry.balance,
            )
        )
        source = f"{entry.label} {entry.reference}".strip()
        for number, amount in entry.applied:
            rows.append(
                _line(book, entry.on, "Applied", number, f"{source} → {number}", applied=amount)
            )
        if entry.on_account:
            rows.append(
                _line(
                    book,
                    entry.on,
                    "On account",
                    "",
                    f"{source}: not applied",
                    applied=entry.on_account,
                )
            )
    rows.append(_line(book, statement.end, "Closing balance", balance=book.closing, strong=True))
    today = "Open invoices today"
    for key, label, *_ in reports.BUCKETS:
        rows.append(_line(book, statement.today, "Aging", label, today, balance=book.aging[key]))
    rows.append(_line(book, statement.today, "Aging", "Total", today, balance=book.aging_total))
    if book.unallocated:
        rows.append(
            _line(
                book,
                statement.today,
                "On account",
                "",
                "Payments and credits not yet applied",
                balance=-book.unallocated,
            )
        )
    return rows
