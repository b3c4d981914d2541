"""What the status and document-type words of exports mean here.

Exports use their own words (Xero ``Awaiting Payment``, Zoho ``Overdue``, FreshBooks ``sent``,
the Xero API ``AUTHORISED``). Only two matter to a receivable: a draft is not one yet, a void
one never was. Every other word is an issued invoice, paid or not as its amounts say.
"""

import numpy as np
import pandas as pd

from integrations.importers.distinct import on_distinct

DRAFT, VOID, PAID, OPEN = "draft", "void", "paid", "open"

WORDS = {
    **dict.fromkeys(
        ("draft", "awaiting approval", "submitted", "pending approval", "not approved"), DRAFT
    ),
    **dict.fromkeys(("void", "voided", "deleted", "cancelled", "canceled"), VOID),
    **dict.fromkeys(("paid", "closed", "auto-paid", "auto paid", "fully paid"), PAID),
}


def statuses(words: pd.Series) -> np.ndarray:
    """Return draft, void, paid or open for each status word ("" stays "")."""

    def meaning(distinct: pd.Series) -> pd.Series:
        plain = distinct.str.lower().str.replace(r"[\s_]+", " ", regex=True).str.strip()
        return plain.map(WORDS).fillna(OPEN).where(plain.ne(""), "")

    return on_distinct(words, meaning)


def not_invoices(types: pd.Series) -> np.ndarray:
    """Return which document types name something other than an invoice (a credit note,
    a payment, a journal entry); an empty type is an invoice."""

    def other(distinct: pd.Series) -> pd.Series:
        plain = distinct.str.lower()
        invoice = plain.str.contains("invoice", regex=False)
        return plain.ne("") & ~(invoice & ~plain.str.contains("credit", regex=False))

    return on_distinct(types, other).astype(bool)


def suppliers(types: pd.Series) -> np.ndarray:
    """Return which contact types name a supplier rather than a customer."""
    return on_distinct(types, lambda d: d.str.lower().str.contains("vendor|supplier")).astype(bool)
