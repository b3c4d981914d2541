"""Small books for the export tests, with every figure worked out by hand in the comments."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kapittx.models import Tenant
from receivables import ledger
from receivables.models import Customer, Invoice

D = Decimal
AS_OF = date(2024, 6, 30)
EVIL = '=HYPERLINK("http://evil")'
UNICODE_NAME = "Łódź Müller 株式会社"


def customer(tenant: Tenant, external_id: str, name: str, currency: str = "EUR") -> Customer:
    return Customer.objects.create(
        tenant=tenant, external_id=external_id, name=name, currency=currency
    )


def bill(
    who: Customer, number: str, amount: str, issued: date, due: date, currency: str = ""
) -> Invoice:
    return ledger.create_invoice(
        who.tenant,
        who,
        number=number,
        issue_date=issued,
        due_date=due,
        subtotal=D(amount),
        currency=currency or None,
    )


def pay(who: Customer, amount: str, on: date, *, reference: str = "", splits=None, currency=""):
    return ledger.record_payment(
        who.tenant,
        who,
        amount=D(amount),
        received_on=on,
        reference=reference,
        splits=splits,
        currency=currency or None,
    )


@dataclass
class AgingBook:
    evil: Customer
    unicode: Customer
    zed: Customer


def aging_book(tenant: Tenant) -> AgingBook:
    """Open balances on AS_OF (2024-06-30), by customer and bucket:

    evil (EUR):    current 50.50 (due 07-05), 1–30 100.00 (due 06-20)      total 150.50
    unicode (EUR): 31–60 200.00 (due 05-16)                                 total 200.00
    unicode (USD): 90+ 1,000.00 (due 03-22)                                 total 1,000.00
    zed (EUR):     61–90 180.00 (300.00 due 04-21, 120.00 paid)             total 180.00
    Not counted: zed's paid, draft and void invoices.
    EUR buckets: current 50.50, 1–30 100.00, 31–60 200.00, 61–90 180.00, 90+ 0; total 530.50.
    """
    issued = date(2024, 1, 1)
    evil = customer(tenant, "-EVIL", EVIL)
    bill(evil, "E-1", "100.00", issued, date(2024, 6, 20))
    bill(evil, "E-2", "50.50", issued, date(2024, 7, 5))
    uni = customer(tenant, "C-ŁÓDŹ", UNICODE_NAME)
    bill(uni, "U-1", "200.00", issued, date(2024, 5, 16))
    bill(uni, "U-2", "1000.00", issued, date(2024, 3, 22), currency="USD")
    zed = customer(tenant, "C-ZED", "Zed Ltd")
    z1 = bill(zed, "Z-1", "300.00", issued, date(2024, 4, 21))
    pay(zed, "120.00", date(2024, 5, 1), splits=[ledger.Split(z1, D("120.00"))])
    z2 = bill(zed, "Z-2", "75.00", issued, date(2024, 4, 1))
    pay(zed, "75.00", date(2024, 4, 2), splits=[ledger.Split(z2, D("75.00"))])
    ledger.create_invoice(
        tenant,
        zed,
        number="Z-DRAFT",
        issue_date=issued,
        due_date=date(2024, 2, 1),
        subtotal=D("999.00"),
        draft=True,
    )
    ledger.void_invoice(bill(zed, "Z-VOID", "888.00", issued, date(2024, 2, 1)), issued)
    return AgingBook(evil, uni, zed)


START, END = date(2024, 4, 1), date(2024, 6, 30)
INJECTION = "=cmd|' /C calc'!A0"


def statement_book(tenant: Tenant) -> Customer:
    """A customer's EUR and USD history around the period 2024-04-01 – 2024-06-30.

    Before: INV-1 1,000.00 (02-01), paid 400.00 (03-15); a draft and a void invoice, never
    receivables. Opening EUR 600.00.
    In the period (EUR), running balance:
      04-10 INV-2 +500.00 → 1,100.00
      04-20 CN-1 −100.00 → 1,000.00 (applied to INV-2)
      05-05 payment INJECTION −1,100.00 → −100.00 (INV-1 600.00, INV-2 400.00, 100.00 on account)
      06-01 INV-3 +200.00 → 100.00
      06-02 INV-5 +30.00 → 130.00
      06-20 INV-5 written off −30.00 → 100.00          closing EUR 100.00
    USD: 05-01 INV-U1 +300.00, opening 0.00, closing 300.00.
    After: INV-6 80.00 (07-05), not on the statement.
    """
    who = customer(tenant, "C-STMT", "Statement GmbH")
    inv1 = bill(who, "INV-1", "1000.00", date(2024, 2, 1), date(2024, 3, 2))
    pay(who, "400.00", date(2024, 3, 15), reference="early", splits=[ledger.Split(inv1, D("400"))])
    ledger.create_invoice(
        tenant,
        who,
        number="DRAFT-1",
        issue_date=date(2024, 3, 1),
        due_date=date(2024, 3, 31),
        subtotal=D("999.00"),
        draft=True,
    )
    ledger.void_invoice(
        bill(who, "VOID-1", "777.00", date(2024, 3, 10), date(2024, 4, 9)), date(2024, 3, 11)
    )
    inv2 = bill(who, "INV-2", "500.00", date(2024, 4, 10), date(2024, 5, 10))
    ledger.record_credit_note(
        tenant,
        who,
        number="CN-1",
        amount=D("100.00"),
        issued_on=date(2024, 4, 20),
        reason="Damaged goods",
        splits=[ledger.Split(inv2, D("100.00"))],
    )
    bill(who, "INV-U1", "300.00", date(2024, 5, 1), date(2024, 5, 31), currency="USD")
    pay(who, "1100.00", date(2024, 5, 5), reference=INJECTION)
    bill(who, "INV-3", "200.00", date(2024, 6, 1), date(2024, 7, 1))
    inv5 = bill(who, "INV-5", "30.00", date(2024, 6, 2), date(2024, 6, 12))
    ledger.write_off(inv5, date(2024, 6, 20))
    bill(who, "INV-6", "80.00", date(2024, 7, 5), date(2024, 8, 4))
    return who
