"""A statement of account as a PDF, drawn with fpdf2 (pure Python: no system library needed).

PDF's built-in fonts know only Latin-1, so the statement is written in a Unicode TrueType
font when the server has one: the file named by ``KAPITTX_PDF_FONT``, else DejaVu Sans where
Linux distributions install it. Without one, text is written in Helvetica with each letter
Latin-1 lacks replaced by its plain form ("Łódź" → "Lodz") or by "?", so a customer's name
never stops the statement from being made.
"""

import unicodedata
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from integrations.exports.statement import CurrencyStatement, Entry, Statement
from kapittx.money import format_amount
from receivables import reports

#: Where distributions put DejaVu Sans (Debian/Ubuntu, Fedora, Arch, FreeBSD).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/local/share/fonts/dejavu/DejaVuSans.ttf",
)
#: Letters with no decomposition to a Latin-1 letter, written as people would by hand.
PLAIN_FORMS = str.maketrans(
    {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Œ": "OE", "œ": "oe", "ı": "i", "–": "-", "—": "-"}
)
#: Column widths (mm) of the entries table on an A4 page with 10 mm margins: 190 in all.
ENTRY_WIDTHS = (22, 26, 25, 57, 20, 20, 20)
ENTRY_ALIGN = ("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT")


def unicode_font() -> Path | None:
    """Return the TrueType font to write statements in, or None for Helvetica."""
    configured = settings.KAPITTX_PDF_FONT
    for candidate in ([configured] if configured else []) + list(FONT_CANDIDATES):
        path = Path(candidate)
        if path.is_file():
            return path
    return None


def latin1(text: str) -> str:
    """Return ``text`` with what Latin-1 cannot hold replaced by a plain form or "?"."""
    out = []
    for char in str(text).translate(PLAIN_FORMS):
        if ord(char) < 256:
            out.append(char)
            continue
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(plain if plain and all(ord(c) < 256 for c in plain) else "?")
    return "".join(out)


class StatementPDF(FPDF):
    def __init__(self, font: Path | None, title: str) -> None:
        super().__init__(format="A4")
        self.has_unicode_font = font is not None
        if font is not None:
            bold = font.with_name(f"{font.stem}-Bold{font.suffix}")
            self.add_font("body", "", str(font))
            self.add_font("body", "B", str(bold if bold.is_file() else font))
            self.body_font = "body"
        else:
            self.body_font = "helvetica"
        self.footer_text = self.clean(title)
        self.set_margins(10, 12, 10)
        self.set_auto_page_break(True, margin=15)
        self.set_title(self.footer_text)

    def clean(self, value) -> str:
        value = "" if value is None else str(value)
        return value if self.has_unicode_font else latin1(value)

    def use(self, size: float = 9, bold: bool = False) -> None:
        self.set_font(self.body_font, "B" if bold else "", size)

    def line_of(self, value, size: float = 9, bold: bool = False, height: float = 5) -> None:
        self.use(size, bold)
        self.multi_cell(0, height, self.clean(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def footer(self) -> None:
        self.set_y(-12)
        self.use(7)
        self.cell(0, 5, f"{self.footer_text} · page {self.page_no()}/{{nb}}", align="C")


def statement_pdf(statement: Statement, *, font: Path | None = None, compress=True) -> bytes:
    """Return the statement as PDF bytes; ``compress=False`` leaves the page text readable
    in the file (tests search it)."""
    customer = statement.customer
    tenant = customer.tenant
    title = (
        f"Statement of account · {customer.name} · {_day(statement.start)}–{_day(statement.end)}"
    )
    pdf = StatementPDF(font, title)
    pdf.set_compression(compress)
    pdf.add_page()
    pdf.line_of("Statement of account", size=16, bold=True, height=9)
    pdf.line_of(tenant.name, size=10, bold=True)
    pdf.ln(3)
    pdf.line_of(customer.name, size=11, bold=True)
    pdf.line_of(f"Customer reference: {customer.external_id}")
    if customer.address:
        pdf.line_of(customer.address)
    pdf.ln(2)
    pdf.line_of(f"Period: {_day(statement.start)} to {_day(statement.end)}")
    pdf.line_of(f"Made on: {_day(statement.today)}")
    for book in statement.currencies:
        _currency_section(pdf, statement, book)
    if tenant.payment_instructions:
        pdf.ln(4)
        pdf.line_of("How to pay", size=10, bold=True)
        pdf.line_of(tenant.payment_instructions)
    return bytes(pdf.output())


def _currency_section(pdf: StatementPDF, statement: Statement, book: CurrencyStatement) -> None:
    currency = book.currency
    pdf.ln(5)
    pdf.line_of(f"{currency}", size=12, bold=True, height=7)
    pdf.line_of(
        f"Opening balance {_money(book.opening, currency)} · "
        f"closing balance {_money(book.closing, currency)} {currency}",
        bold=True,
    )
    pdf.ln(1)
    pdf.use(8)
    with pdf.table(
        col_widths=ENTRY_WIDTHS,
        text_align=ENTRY_ALIGN,
        line_height=4.5,
        borders_layout="HORIZONTAL_LINES",
        padding=(0.8, 1),
    ) as table:
        _row(pdf, table, "Date", "Type", "Reference", "Details", "Debit", "Credit", "Balance")
        _row(
            pdf,
            table,
            _day(statement.start),
            "Opening balance",
            "",
            "",
            "",
            "",
            _money(book.opening, currency),
        )
        for entry in book.entries:
            _row(
                pdf,
                table,
                _day(entry.on),
                entry.label,
                entry.reference,
                _details(entry, currency),
                _money(entry.debit, currency),
                _money(entry.credit, currency),
                _money(entry.balance, currency),
            )
        _row(
            pdf,
            table,
            _day(statement.end),
            "Closing balance",
            "",
            "",
            "",
            "",
            _money(book.closing, currency),
        )
    pdf.ln(3)
    pdf.line_of(f"Aging of open invoices on {_day(statement.today)} ({currency})", bold=True)
    pdf.use(8)
    labels = [label for _key, label, *_ in reports.BUCKETS]
    with pdf.table(
        col_widths=[190 / (len(labels) + 1)] * (len(labels) + 1),
        text_align="RIGHT",
        line_height=4.5,
        borders_layout="HORIZONTAL_LINES",
        padding=(0.8, 1),
    ) as table:
        _row(pdf, table, *labels, "Total")
        _row(
            pdf,
            table,
            *(_money(book.aging[key], currency) for key in reports.BUCKET_KEYS),
            _money(book.aging_total, currency),
        )
    if book.unallocated:
        pdf.line_of(
            f"Payments and credits not yet applied to an invoice: "
            f"{_money(book.unallocated, currency)} {currency}",
            size=8,
        )


def _row(pdf: StatementPDF, table, *cells: str) -> None:
    row = table.row()
    for value in cells:
        row.cell(pdf.clean(value))


def _details(entry: Entry, currency: str) -> str:
    parts = [entry.details] if entry.details else []
    parts += [
        f"applied to {number}: {_money(amount, currency)}" for number, amount in entry.applied
    ]
    if entry.on_account:
        parts.append(f"on account: {_money(entry.on_account, currency)}")
    return "; ".join(parts)


def _money(amount: Decimal | None, currency: str) -> str:
    return "" if amount is None else format_amount(amount, currency)


def _day(value) -> str:
    return value.strftime("%d %b %Y")
