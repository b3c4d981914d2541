"""The statement of account as a PDF: what it says, that it grows onto more pages, and that no
customer's name can stop it from being made."""

import re
import zlib
from datetime import date, timedelta

import pytest

from integrations.exports import statement_pdf as pdf_module
from integrations.exports.statement import statement
from integrations.exports.statement_pdf import latin1, statement_pdf, unicode_font
from tests.integrations.exports.books import (
    END,
    INJECTION,
    START,
    UNICODE_NAME,
    bill,
    customer,
    statement_book,
)
from tests.reminders.pages import url


def page_text(pdf: bytes) -> bytes:
    """Return the page content of ``pdf``, its compressed streams inflated."""
    parts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            parts.append(stream)
    return b"\n".join(parts)


def shown(pdf: bytes) -> str:
    """Return the text the pages show: the strings of a text block joined, blocks (lines)
    joined by a space, so a cell's wrapped text reads as one."""
    blocks = re.findall(rb"BT (.*?) ET", page_text(pdf), re.S)
    strings = [re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", block) for block in blocks]
    text = " ".join(b"".join(found).decode("latin-1") for found in strings if found)
    return re.sub(r"\\(.)", r"\1", text)


def pages(pdf: bytes) -> int:
    return int(re.search(rb"/Type /Pages\s*>>|/Count (\d+)", pdf)[1])


@pytest.fixture
def helvetica_only(settings, monkeypatch):
    """A server without any Unicode TrueType font."""
    settings.KAPITTX_PDF_FONT = ""
    monkeypatch.setattr(pdf_module, "FONT_CANDIDATES", ())


def test_the_pdf_says_what_the_statement_says(tenant, owner):
    who = statement_book(tenant)
    tenant.payment_instructions = "IBAN DE89 3704 0044 0532 0130 00"
    tenant.save()
    pdf = statement_pdf(statement(who, START, END), font=None, compress=False)
    assert pdf.startswith(b"%PDF-")
    text = shown(pdf)
    for expected in [
        "Statement of account",
        "Acme Trading",
        "Statement GmbH",
        "Customer reference: C-STMT",
        "Period: 01 Apr 2024 to 30 Jun 2024",
        "Opening balance 600.00 · closing balance 100.00 EUR",
        "Opening balance 0.00 · closing balance 300.00 USD",
        "01 Apr 2024 Opening balance 600.00",
        "10 Apr 2024 Invoice INV-2 Due 2024-05-10 500.00 1,100.00",
        "applied to INV-1: 600.00; applied to INV-2: 400.00; on account: 100.00 1,100.00 -100.00",
        "Damaged goods; applied to INV-2: 100.00",
        "20 Jun 2024 Write-off INV-5 Invoice INV-5 written off 30.00 100.00",
        "30 Jun 2024 Closing balance 100.00",
        "Current 1–30 31–60 61–90 90+ Total 0.00 0.00 0.00 0.00 280.00 280.00".replace("–", "-"),
        "How to pay IBAN DE89 3704 0044 0532 0130 00",
        "Payments and credits not yet applied to an invoice: 100.00 EUR",
    ]:
        assert expected in text, expected
    # The reference is shown as it is: nothing in a PDF runs it.
    assert INJECTION in text
    assert "DRAFT-1" not in text and "VOID-1" not in text
    assert pages(pdf) == 1


def test_a_long_statement_runs_onto_more_pages(tenant, owner):
    who = customer(tenant, "C-LONG", "Long Ltd")
    for n in range(150):
        day = START + timedelta(days=n % 80)
        bill(who, f"L-{n:03}", "10.00", day, day + timedelta(days=30))
    pdf = statement_pdf(statement(who, START, END), font=None, compress=False)
    assert pages(pdf) >= 3
    text = shown(pdf)
    assert all(f"Invoice L-{n:03}" in text for n in range(150))
    assert text.count("Debit Credit Balance") == pages(pdf)  # the heading on every page
    assert f"page {pages(pdf)}/{pages(pdf)}" in text


def test_without_a_unicode_font_letters_are_written_plainly(client, tenant, owner, helvetica_only):
    who = customer(tenant, "C-PL", UNICODE_NAME)
    bill(who, "Ł-1", "10.00", START, END)
    client.force_login(owner)
    period = {"start": START.isoformat(), "end": END.isoformat()}
    response = client.get(
        url("statement_export", tenant, customer_id=who.pk), {"format": "pdf", **period}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="statement-c-pl-')
    text = shown(response.content)
    assert "Lódz Müller ????" in text
    assert "Invoice L-1" in text


def test_with_a_unicode_font_the_name_is_written_in_it(client, tenant, owner, settings):
    font = unicode_font()
    if font is None:
        pytest.skip("no Unicode TrueType font on this machine")
    who = customer(tenant, "C-PL", UNICODE_NAME)
    bill(who, "Ł-1", "10.00", START, END)
    client.force_login(owner)
    response = client.get(url("statement_export", tenant, customer_id=who.pk), {"format": "pdf"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert b"/FontFile2" in response.content  # the font travels inside the file
    assert pages(response.content) == 1


def test_the_font_is_the_configured_one_else_one_the_system_has(settings, tmp_path, monkeypatch):
    mine, system = tmp_path / "Mine.ttf", tmp_path / "DejaVuSans.ttf"
    mine.write_bytes(b"")
    system.write_bytes(b"")
    monkeypatch.setattr(pdf_module, "FONT_CANDIDATES", (str(tmp_path / "gone.ttf"), str(system)))
    settings.KAPITTX_PDF_FONT = str(mine)
    assert unicode_font() == mine
    settings.KAPITTX_PDF_FONT = str(tmp_path / "missing.ttf")
    assert unicode_font() == system
    monkeypatch.setattr(pdf_module, "FONT_CANDIDATES", ())
    assert unicode_font() is None


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Łódź Müller", "Lódz Müller"),
        ("株式会社", "????"),
        ("Œuvre – Ørsted ß", "OEuvre - Ørsted ß"),
        ("Ħ ǅ ﬁ", "? Dz fi"),
    ],
)
def test_latin1_keeps_what_latin1_has_and_writes_the_rest_plainly(text, plain):
    assert latin1(text) == plain
    latin1(text).encode("latin-1")


def test_an_empty_customer_still_gets_a_statement(client, tenant, owner, helvetica_only):
    who = customer(tenant, "C-EMPTY", "Empty")
    client.force_login(owner)
    response = client.get(
        url("statement_export", tenant, customer_id=who.pk),
        {"format": "pdf", "start": date(2024, 1, 1).isoformat(), "end": END.isoformat()},
    )
    assert response.status_code == 200
    assert "Opening balance 0.00 · closing balance 0.00 EUR" in shown(response.content)
