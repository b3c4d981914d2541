"""Column headers as exports write them, and the key they are matched by.

Exports disagree on little things: Xero's import template marks required columns with ``*``,
Excel puts an invisible byte-order mark before the first header, QuickBooks writes
``Invoice number`` in one place and ``InvoiceNo`` in another, Sage 50 ``INVOICE_NUMBER``.
All of them match on the same key: lower case, letters, digits and ``#`` only.
"""

import re

_NOT_KEY = re.compile(r"[^0-9a-z#]+")


def clean(header: object) -> str:
    """Return ``header`` without a byte-order mark, required-column stars and outer spaces."""
    return str(header or "").replace("\ufeff", "").strip().strip("*").strip()


def key(header: object) -> str:
    """Return what ``header`` is matched by: ``*InvoiceNumber`` and ``Invoice number`` agree."""
    return _NOT_KEY.sub("", clean(header).lower())


def column_letter(index: int) -> str:
    """Return the spreadsheet letter of the 0-based column ``index``: A, B, …, Z, AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def unique_headers(raw: list[object]) -> list[str]:
    """Return the cleaned headers, an empty one named after its column letter and a repeated
    one numbered, so every column has a name of its own."""
    headers: list[str] = []
    seen: set[str] = set()
    for index, value in enumerate(raw):
        name = clean(value) or f"Column {column_letter(index)}"
        candidate, n = name, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{name} ({n})"
        seen.add(candidate.lower())
        headers.append(candidate)
    return headers
