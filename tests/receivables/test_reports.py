"""Receivables maths against small books whose figures are worked out by hand in the comments.

Every test also loads ``noise``: another tenant's invoices, open, overdue and paid, on the same
dates. Were they ever counted, the hand-computed figures would be off.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from receivables.ledger import (
    Split,
    create_invoice,
    record_credit_note,
    record_payment,
    void_invoice,
    write_off,
)
from receivables.models import ZERO, Customer, Invoice
from receivables.reports import (
    BUCKET_KEYS,
    Behaviour,
    Totals,
    aging,
    aging_by_customer,
    cei,
    dso,
    payment_behaviour,
    receivable_on,
    top_overdue_customers,
    totals,
)

D = Decimal
AS_OF = date(2024, 6, 30)


def bill(customer: Customer, number: str, total, issued: date, due: date, **kw) -> Invoice:
    return create_invoice(
        customer.tenant,
        customer,
        number=number,
        issue_date=issued,
        due_date=due,
        subtotal=total,
        **kw,
    )


def pay(invoice: Invoice, amount, on: date) -> None:
    record_payment(
        invoice.tenant,
        invoice.customer,
        amount=amount,
        received_on=on,
        currency=invoice.currency,
        splits=[Split(invoice, D(amount))],
    )


def buckets(**amounts) -> dict[str, Decimal]:
    return {key: D(amounts.get(key, 0)) for key in BUCKET_KEYS}


@pytest.fixture
def alpha(tenant) -> Customer:
    return Customer.objects.create(tenant=tenant, external_id="A", name="Alpha", currency="EUR")


@pytest.fixture
def beta(tenant) -> Customer:
    return Customer.objects.create(tenant=tenant, external_id="B", name="Beta", currency="EUR")


@pytest.fixture
def noise(other_tenant) -> Customer:
    """Another tenant's receivables on the dates the tests use; none of it may ever count."""
    globex = Customer.objects.create(
        tenant=other_tenant, external_id="A", name="Aardvark", currency="EUR"
    )
    bill(globex, "INV-1", "9999", date(2024, 1, 1), date(2024, 1, 31))
    paid = bill(globex, "INV-2", "5555", date(2024, 10, 10), date(2024, 10, 20))
    pay(paid, "5555", date(2024, 10, 12))
    bill(globex, "INV-3", "7777", date(2024, 11, 1), date(2024, 11, 2), currency="USD")
    return globex


# --- aging ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_overdue", "bucket"),
    [
        (-1, "current"),  # not due until tomorrow
        (0, "current"),  # due today is not yet late
        (1, "d1_30"),
        (30, "d1_30"),
        (31, "d31_60"),
        (60, "d31_60"),
        (61, "d61_90"),
        (90, "d61_90"),
        (91, "d90_plus"),
        (400, "d90_plus"),
    ],
)
def test_it_ages_an_invoice_by_the_days_since_its_due_date(
    tenant, alpha, noise, days_overdue, bucket
):
    due = AS_OF - timedelta(days=days_overdue)
    bill(alpha, "INV-1", "100", issued=due - timedelta(days=30), due=due)

    assert aging(tenant, AS_OF) == {"EUR": buckets(**{bucket: 100})}
    [row] = totals(tenant, AS_OF)
    assert row.overdue == (D(100) if days_overdue > 0 else ZERO)


@pytest.fixture
def june_book(tenant, alpha, beta, noise) -> None:
    """Open, part-paid and settled invoices on 30 June 2024 (days overdue in brackets)."""
    part_paid = bill(alpha, "A-1", "1000", date(2024, 5, 31), date(2024, 6, 30))  # (0) current
    pay(part_paid, "400", date(2024, 6, 15))  # counts at its balance of 600
    bill(alpha, "A-2", "500", date(2024, 4, 15), date(2024, 5, 15))  # (16 + 30 = 46) 31–60
    paid = bill(alpha, "A-3", "300", date(2024, 5, 1), date(2024, 5, 31))
    pay(paid, "300", date(2024, 6, 1))
    void_invoice(bill(alpha, "A-4", "200", date(2024, 5, 1), date(2024, 5, 31)), AS_OF)
    bill(alpha, "A-5", "700", date(2024, 3, 1), date(2024, 4, 1), draft=True)
    write_off(bill(alpha, "A-6", "250", date(2024, 1, 1), date(2024, 1, 31)), AS_OF)
    bill(alpha, "A-7", "800", date(2024, 5, 10), date(2024, 6, 10), currency="USD")  # (20) 1–30
    bill(beta, "B-1", "2000", date(2024, 2, 1), date(2024, 3, 1))  # (30+30+31+30 = 121) 90+
    bill(beta, "B-2", "150", date(2024, 6, 15), date(2024, 7, 15))  # not yet due: current


def test_it_ages_open_balances_per_currency(tenant, june_book):
    # EUR current 600 (A-1) + 150 (B-2); 31–60 500; 90+ 2,000 (B-1).
    # Paid A-3, void A-4, draft A-5 and written-off A-6 are not receivables.
    assert aging(tenant, AS_OF) == {
        "EUR": buckets(current=750, d31_60=500, d90_plus=2000),
        "USD": buckets(d1_30=800),
    }


def test_it_ages_one_customers_invoices(tenant, alpha, beta, june_book):
    assert aging(tenant, AS_OF, customer=alpha) == {
        "EUR": buckets(current=600, d31_60=500),
        "USD": buckets(d1_30=800),
    }
    assert aging(tenant, AS_OF, customer=beta) == {"EUR": buckets(current=150, d90_plus=2000)}


def test_it_ages_by_customer_and_currency_largest_total_first(tenant, alpha, beta, june_book):
    # Beta EUR 150 + 2,000 = 2,150; Alpha EUR 600 + 500 = 1,100; Alpha USD 800.
    assert aging_by_customer(tenant, AS_OF) == [
        {
            "customer_id": beta.pk,
            "customer_name": "Beta",
            "currency": "EUR",
            **buckets(current=150, d90_plus=2000),
            "total": D(2150),
        },
        {
            "customer_id": alpha.pk,
            "customer_name": "Alpha",
            "currency": "EUR",
            **buckets(current=600, d31_60=500),
            "total": D(1100),
        },
        {
            "customer_id": alpha.pk,
            "customer_name": "Alpha",
            "currency": "USD",
            **buckets(d1_30=800),
            "total": D(800),
        },
    ]


def test_it_totals_what_is_owed_and_overdue_per_currency(tenant, june_book):
    # EUR owed 600 + 500 + 2,000 + 150 = 3,250 over 4 invoices; overdue (due before 30 June)
    # A-2 500 + B-1 2,000 = 2,500 over 2, so 2,500 / 3,250 = 76.92 % → 76.9.
    eur, usd = totals(tenant, AS_OF)
    assert eur == Totals("EUR", D(3250), D(2500), open_invoices=4, overdue_invoices=2)
    assert eur.overdue_share == D("76.9")
    assert usd == Totals("USD", D(800), D(800), open_invoices=1, overdue_invoices=1)
    assert usd.overdue_share == D("100.0")


def test_it_lists_the_customers_most_overdue_per_currency(tenant, alpha, beta, june_book):
    # Beta EUR 2,000 (B-1); Alpha USD 800; Alpha EUR 500 (A-2, A-1 is due today).
    rows = top_overdue_customers(tenant, AS_OF)

    assert [(r["customer__name"], r["currency"], r["overdue"]) for r in rows] == [
        ("Beta", "EUR", D(2000)),
        ("Alpha", "USD", D(800)),
        ("Alpha", "EUR", D(500)),
    ]
    assert rows[0] == {
        "customer_id": beta.pk,
        "customer__name": "Beta",
        "currency": "EUR",
        "overdue": D(2000),
        "invoices": 1,
        "oldest_due": date(2024, 3, 1),
    }
    assert len(top_overdue_customers(tenant, AS_OF, limit=2)) == 2


def test_an_empty_tenant_has_no_figures(tenant, noise):
    assert aging(tenant, AS_OF) == {}
    assert aging_by_customer(tenant, AS_OF) == []
    assert totals(tenant, AS_OF) == []
    assert top_overdue_customers(tenant, AS_OF) == []
    assert receivable_on(tenant, AS_OF) == {}
    assert dso(tenant, AS_OF) == {}
    assert cei(tenant, date(2024, 1, 1), AS_OF) == {}
    assert payment_behaviour(tenant) == {}


def test_another_tenant_sees_only_its_own_receivables(other_tenant, june_book, noise):
    # Globex: 9,999 EUR due 31 Jan (151 days late on 30 June); its 5,555 is paid. Aging looks
    # at today's balances, so its 7,777 USD due 2 Nov is current; on 30 June it was not yet
    # issued, so the rebuilt receivable of that day leaves it out.
    assert aging(other_tenant, AS_OF) == {
        "EUR": buckets(d90_plus=9999),
        "USD": buckets(current=7777),
    }
    assert receivable_on(other_tenant, AS_OF) == {"EUR": D(9999)}


# --- receivable on a past day -----------------------------------------------------------------


@pytest.fixture
def q1_book(tenant, alpha, noise) -> None:
    inv1 = bill(alpha, "INV-1", "1000", date(2024, 1, 10), date(2024, 2, 9))
    pay(inv1, "400", date(2024, 2, 5))
    pay(inv1, "600", date(2024, 3, 10))
    inv2 = bill(alpha, "INV-2", "500", date(2024, 2, 1), date(2024, 3, 2))
    write_off(inv2, date(2024, 3, 20))
    inv3 = bill(alpha, "INV-3", "300", date(2024, 2, 15), date(2024, 3, 16))
    record_credit_note(
        alpha.tenant,
        alpha,
        number="CN-1",
        amount="100",
        issued_on=date(2024, 2, 20),
        splits=[Split(inv3, D(100))],
    )
    void_invoice(bill(alpha, "INV-4", "700", date(2024, 1, 15), date(2024, 2, 14)), AS_OF)
    bill(alpha, "INV-5", "200", date(2024, 1, 15), date(2024, 2, 14), draft=True)
    bill(alpha, "INV-6", "50", date(2024, 1, 5), date(2024, 2, 4), currency="USD")


@pytest.mark.parametrize(
    ("day", "eur"),
    [
        (date(2024, 1, 9), None),  # only the USD invoice is issued yet
        (date(2024, 1, 31), D(1000)),  # INV-1
        (date(2024, 2, 4), D(1500)),  # + INV-2 500
        (date(2024, 2, 5), D(1100)),  # - 400 paid that day (end of day counts)
        (date(2024, 2, 20), D(1300)),  # + INV-3 300 - 100 credit note
        (date(2024, 3, 10), D(700)),  # - 600 paid: INV-2 500 + INV-3 200
        (date(2024, 3, 19), D(700)),  # the write-off has not happened yet
        (date(2024, 3, 20), D(200)),  # - INV-2 written off: INV-3 200 is what is open today
    ],
)
def test_it_rebuilds_the_receivable_of_a_past_day_from_the_ledger_dates(tenant, q1_book, day, eur):
    # The void INV-4 and the draft INV-5 never count; USD INV-6 50 stays apart.
    expected = {"USD": D(50)} | ({"EUR": eur} if eur is not None else {})

    assert receivable_on(tenant, day) == expected


def test_it_counts_only_invoices_not_yet_due_when_asked(tenant, q1_book):
    # On 20 Feb: INV-1 (due 9 Feb) and USD INV-6 (due 4 Feb) are past due;
    # INV-2 500 (due 2 Mar) + INV-3 300 - 100 (due 16 Mar) = 700 are not.
    assert receivable_on(tenant, date(2024, 2, 20), not_yet_due=True) == {"EUR": D(700)}
    # On 2 Mar INV-2, due that very day, is still not yet due: 500 + 200 = 700, not 200.
    assert receivable_on(tenant, date(2024, 3, 2), not_yet_due=True) == {"EUR": D(700)}


# --- DSO and CEI ------------------------------------------------------------------------------


@pytest.fixture
def autumn_book(tenant, alpha, noise) -> None:
    """Sales Sep–Nov 2024 and their collection; figures per month are in the tests."""
    sep = bill(alpha, "S", "3000", date(2024, 9, 15), date(2024, 10, 15))
    pay(sep, "2000", date(2024, 10, 15))
    pay(sep, "1000", date(2024, 11, 5))
    oct1 = bill(alpha, "O1", "1200", date(2024, 10, 5), date(2024, 11, 4))
    pay(oct1, "1200", date(2024, 11, 15))
    oct2 = bill(alpha, "O2", "800", date(2024, 10, 20), date(2024, 11, 19))
    pay(oct2, "300", date(2024, 11, 20))
    bill(alpha, "N", "1000", date(2024, 11, 10), date(2024, 12, 10))
    void_invoice(bill(alpha, "V", "5000", date(2024, 10, 8), date(2024, 11, 7)), AS_OF)
    bill(alpha, "DRAFT", "4000", date(2024, 11, 1), date(2024, 12, 1), draft=True)
    bill(alpha, "U1", "600", date(2024, 9, 10), date(2024, 10, 10), currency="USD")
    bill(alpha, "U2", "100", date(2024, 11, 12), date(2024, 12, 12), currency="USD")


def test_dso_counts_back_from_the_month_to_date_into_earlier_months(tenant, autumn_book):
    # On 23 Nov. EUR: AR 6,000 billed - 4,500 applied (2,000 + 1,000 + 1,200 + 300) = 1,500
    # = Nov sales 1,000 (23 days to date) + 500 of Oct's 2,000 (31 days): 23 + 7.75 = 30.8.
    # (The void V and the draft are no sales.)
    # USD: AR 700 = Nov 100 (23 days) + Oct 0 (a month without sales counts whole: 31)
    # + all of Sep's 600 (30 days): 23 + 31 + 30 = 84.0.
    assert dso(tenant, date(2024, 11, 23)) == {"EUR": D("30.8"), "USD": D("84.0")}


def test_dso_on_a_month_end_counts_the_whole_month_then_a_share_of_the_one_before(
    tenant, autumn_book
):
    # On 31 Oct. EUR: AR S 1,000 + O1 1,200 + O2 800 = 3,000 = Oct 2,000 (31 days)
    # + 1,000 of Sep's 3,000 (30 days): 31 + 10 = 41.0.
    # USD: AR 600 = Oct 0 (31) + Sep 600 (30) = 61.0.
    assert dso(tenant, date(2024, 10, 31)) == {"EUR": D("41.0"), "USD": D("61.0")}


def test_dso_is_zero_when_nothing_is_owed(tenant, alpha, noise):
    invoice = bill(alpha, "INV-1", "100", date(2024, 6, 1), date(2024, 6, 30))
    pay(invoice, "100", date(2024, 6, 20))

    assert dso(tenant, AS_OF) == {"EUR": D("0.0")}


def test_cei_compares_what_was_collected_with_what_could_be(tenant, autumn_book):
    # October. EUR: opening (30 Sep) S 3,000; sales O1 + O2 = 2,000; closing (31 Oct) 3,000
    # (S 1,000 + O1 1,200 + O2 800); closing current (due 31 Oct or later) O1 + O2 = 2,000.
    # (3,000 + 2,000 - 3,000) / (3,000 + 2,000 - 2,000) = 2,000 / 3,000 = 66.7 %.
    # USD: opening 600, no sales, closing 600, nothing current: (600 - 600) / 600 = 0.0 %.
    assert cei(tenant, date(2024, 10, 1), date(2024, 10, 31)) == {
        "EUR": D("66.7"),
        "USD": D("0.0"),
    }
    # November. EUR: opening 3,000; sales N 1,000; closing (30 Nov) O2 500 + N 1,000 = 1,500;
    # closing current N 1,000 (O2 was due 19 Nov).
    # (3,000 + 1,000 - 1,500) / (3,000 + 1,000 - 1,000) = 2,500 / 3,000 = 83.3 %.
    # USD: opening 600; sales 100; closing 700; current U2 100: 0 / 600 = 0.0 %.
    assert cei(tenant, date(2024, 11, 1), date(2024, 11, 30)) == {
        "EUR": D("83.3"),
        "USD": D("0.0"),
    }


def test_cei_is_none_when_nothing_was_collectable(tenant, alpha, noise):
    # No opening balance; sales 100 not due until after the period: 100 / (100 - 100).
    bill(alpha, "INV-1", "100", date(2024, 10, 20), date(2024, 12, 1))

    assert cei(tenant, date(2024, 10, 1), date(2024, 10, 31)) == {"EUR": None}


# --- payment behaviour ------------------------------------------------------------------------


@pytest.fixture
def paid_book(tenant, alpha, beta, noise) -> None:
    early = bill(alpha, "A-1", "100", date(2024, 1, 1), date(2024, 1, 31))
    pay(early, "100", date(2024, 1, 21))  # 20 days to pay, on time
    late = bill(alpha, "A-2", "100", date(2024, 2, 1), date(2024, 3, 2))
    pay(late, "100", date(2024, 3, 12))  # 29 (leap Feb) + 11 = 40 days; 10 late
    in_parts = bill(alpha, "A-3", "100", date(2024, 3, 1), date(2024, 3, 31))
    pay(in_parts, "60", date(2024, 4, 10))
    pay(in_parts, "40", date(2024, 4, 20))  # paid when settled: 31 + 19 = 50 days; 20 late
    part_paid = bill(alpha, "A-4", "100", date(2024, 1, 1), date(2024, 1, 31))
    pay(part_paid, "50", date(2024, 6, 1))  # not settled: does not count
    write_off(bill(alpha, "A-5", "100", date(2024, 1, 1), date(2024, 1, 31)), AS_OF)
    on_due_date = bill(beta, "B-1", "100", date(2024, 1, 10), date(2024, 1, 20))
    pay(on_due_date, "100", date(2024, 1, 20))  # 10 days; paid on the due date is on time


def test_it_describes_how_each_customer_pays(tenant, alpha, beta, paid_book):
    # Alpha: days to pay (20 + 40 + 50) / 3 = 36.7; days late (0 + 10 + 20) / 3 = 10.0;
    # 2 of 3 late = 66.7 %. Beta: 10 days, never late.
    assert payment_behaviour(tenant) == {
        alpha.pk: Behaviour(alpha.pk, 3, D("36.7"), D("10.0"), D("66.7")),
        beta.pk: Behaviour(beta.pk, 1, D("10.0"), D("0.0"), D("0.0")),
    }


def test_it_describes_payment_behaviour_since_a_day_and_for_one_customer(
    tenant, alpha, beta, paid_book
):
    # Since 13 March only A-3 (paid 20 April) counts: 50 days, 20 late, all late.
    assert payment_behaviour(tenant, since=date(2024, 3, 13)) == {
        alpha.pk: Behaviour(alpha.pk, 1, D("50.0"), D("20.0"), D("100.0")),
    }
    assert payment_behaviour(tenant, customer=beta) == {
        beta.pk: Behaviour(beta.pk, 1, D("10.0"), D("0.0"), D("0.0")),
    }
