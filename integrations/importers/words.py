"""What the status and document-type words of exports mean here.

Exports use their own words (Xero ``Awaiting Payment``, Zoho ``Overdue``, FreshBooks ``sent``,
the Xero API ``AUTHORISED``). Only two matter to a receivable: a draft is not one yet, a void
one never was. Every other word is an issued invoice, paid or not as its amounts say.
"""

import pandas as pd

DRAFT, VOID, PAID, OPEN = "draft", "void", "paid", "open"

WORDS = {
    **dict.fromkeys(
        ("draft", "awaiting approval", "submitted", "pending approval", "not approved"), DRAFT
    ),
    **dict.fromkeys(("void", "voided", "deleted", "cancelled", "canceled"), VOID),
    **dict.fromkeys(("paid", "closed", "auto-paid", "auto paid", "fully paid"), PAID),
}


def statuses(words: pd.Series) -> pd.Series:
    """Return draft, void, paid or open for each status word ("" stays "")."""
    plain = words.str.lower().str.replace(r"[\s_]+", " ", regex=True).str.strip()
    return plain.map(WORDS).fillna(OPEN).where(plain.ne(""), "")


def not_invoices(types: pd.Series) -> pd.Series:
    """Return which document types name something other than an invoice (a credit note,
    a payment, a journal entry); an empty type is an invoice."""
    plain = types.str.lower()
    is_invoice = plain.str.contains("invoice", regex=False) & ~plain.str.contains(
        "credit", regex=False
    )
    return plain.ne("") & ~is_invoice


def suppliers(types: pd.Series) -> pd.Series:
    """Return which contact types name a supplier rather than a customer."""
    return types.str.lower().str.contains(r"vendor|supplier", regex=True)
