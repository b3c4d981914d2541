"""The account most message tests render for."""

from datetime import date
from decimal import Decimal

import pytest

from receivables import ledger
from tests.reminders.messages.sample import bill, make_customer


@pytest.fixture
def account(tenant):
    """A customer owing on two invoices, one of them partly paid: 1,000.00 of which 400 paid."""
    customer, contact = make_customer(tenant)
    first = bill(tenant, customer, "INV-2026-001", date(2026, 3, 2), "1000.00")
    second = bill(tenant, customer, "INV-2026-002", date(2026, 4, 2), "250.00")
    ledger.record_payment(
        tenant,
        customer,
        amount="400.00",
        received_on=date(2026, 3, 10),
        splits=[ledger.Split(first, Decimal("400.00"))],
    )
    first.refresh_from_db()
    second.refresh_from_db()
    return customer, contact, [first, second]
