"""Eighteen months of the demo tenant's billing: who is billed when, how each customer pays,
replayed day by day through :mod:`receivables.ledger`.

The history is planned first and then replayed in date order, so every balance is the
ledger's own work and an oldest-first payment only ever sees invoices issued before it.
Nothing is dated after ``today``: an invoice whose payment would come later is simply still
open, which is what gives the demo its receivables and aging spread. A fixed seed makes the
data the same for the same ``today``.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from kapittx.demo.customers import CustomerBook, DemoCustomer, Habit
from kapittx.demo.names import COUNTRIES, CREDIT_REASONS
from kapittx.models import Tenant, User
from receivables import ledger
from receivables.models import ZERO, Invoice

SEED = 4711
INVOICE_COUNT = 1500
HISTORY_DAYS = 548  # 18 months
CENT = Decimal("0.01")


PARTIAL_SHARE = {  # share of invoices paid in two instalments
    Habit.PROMPT: 0.02,
    Habit.DIRECT_DEBIT: 0.0,
    Habit.IRREGULAR: 0.06,
    Habit.LATE: 0.12,
    Habit.MONTHLY: 0.03,
    Habit.ON_ACCOUNT: 0.05,
}


class Rank:
    """Order of events on the same day: an invoice exists before anything touches it."""

    ISSUE, VOID, CREDIT, PAY, WRITE_OFF = range(5)


@dataclass(eq=False)
class DemoInvoice:
    owner: DemoCustomer
    issue_date: date
    due_date: date
    subtotal: Decimal
    tax: Decimal
    po_number: str
    number: str = ""
    invoice: Invoice | None = None  # set when the replay issues it

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax


@dataclass(order=True)
class Event:
    day: date
    rank: int
    seq: int
    run: Callable[[], None] = field(compare=False)


def _business_day(day: date) -> date:
    """Return ``day``, or the Monday after it; banks book no transfers at weekends."""
    if day.weekday() >= 5:
        return day + timedelta(7 - day.weekday())
    return day


def _next_25th(day: date) -> date:
    if day.day <= 25:
        return day.replace(day=25)
    return (day.replace(day=1) + timedelta(days=32)).replace(day=25)


class History:
    """Plan the demo tenant's customers and 18 months of billing, then replay them."""

    def __init__(self, tenant: Tenant, today: date, sales_email: str) -> None:
        self.tenant = tenant
        self.today = today
        self.start = today - timedelta(days=HISTORY_DAYS)
        self.rng = random.Random(SEED)
        self.events: list[Event] = []
        self.payments: dict[tuple[int, date], list[tuple[DemoInvoice, Decimal]]] = {}
        self.credit_numbers: dict[int, int] = {}
        self.sales = User.objects.get(email=sales_email)

    def build(self) -> None:
        customers = CustomerBook(self.tenant, self.rng, self.start, self.today, self.sales).make()
        invoices = self._invoices(customers)
        self._plan(invoices)
        for event in sorted(self.events):
            event.run()

    def _invoices(self, customers: list[DemoCustomer]) -> list[DemoInvoice]:
        rng = self.rng
        days = [
            self.start + timedelta(days=n)
            for n in range(HISTORY_DAYS + 1)
            if (self.start + timedelta(days=n)).weekday() < 5
        ]
        day_weights = [self._day_weight(day) for day in days]
        counts = self._invoice_counts(customers, days)
        planned = []
        for owner, count in zip(customers, counts, strict=True):
            first = next(i for i, day in enumerate(days) if day >= owner.since)
            requires_po = rng.random() < 0.3
            for issued in rng.choices(days[first:], day_weights[first:], k=count):
                subtotal = Decimal(
                    max(25.0, owner.typical_amount * rng.lognormvariate(0, 0.45))
                ).quantize(CENT)
                vat = COUNTRIES[owner.company.country].vat
                planned.append(
                    DemoInvoice(
                        owner=owner,
                        issue_date=issued,
                        due_date=issued + timedelta(days=owner.customer.payment_terms_days),
                        subtotal=subtotal,
                        tax=(subtotal * vat).quantize(CENT, ROUND_HALF_UP),
                        po_number=f"4500{rng.randint(100000, 999999)}" if requires_po else "",
                    )
                )
        planned.sort(key=lambda inv: (inv.issue_date, inv.owner.customer.pk))
        per_year: dict[int, int] = {}
        for inv in planned:
            per_year[inv.issue_date.year] = per_year.get(inv.issue_date.year, 0) + 1
            inv.number = f"INV-{inv.issue_date.year}-{per_year[inv.issue_date.year]:05d}"
        return planned

    def _day_weight(self, day: date) -> float:
        growth = 1 + 0.3 * (day - self.start).days / HISTORY_DAYS
        quiet = day.month == 8 or (day.month == 12 and day.day >= 20)
        return growth * (0.6 if quiet else 1.0)

    def _invoice_counts(self, customers: list[DemoCustomer], days: list[date]) -> list[int]:
        """Split the invoice count by customer size and time as a customer; at least three."""
        shares = [
            c.weight * sum(1 for day in days if day >= c.since) / len(days) for c in customers
        ]
        counts = [max(3, round(INVOICE_COUNT * s / sum(shares))) for s in shares]
        biggest = max(range(len(counts)), key=counts.__getitem__)
        counts[biggest] += INVOICE_COUNT - sum(counts)
        return counts

    def _plan(self, invoices: list[DemoInvoice]) -> None:
        rng, today = self.rng, self.today
        for inv in invoices:
            self._add(inv.issue_date, Rank.ISSUE, partial(self._issue, inv))
        # Voids, write-offs and disputes target one invoice, so only customers whose
        # payments name their invoices get them; oldest-first payers would shift them.
        named = [inv for inv in invoices if inv.owner.habit != Habit.ON_ACCOUNT]
        voids = rng.sample([inv for inv in named if inv.issue_date <= today - timedelta(10)], 3)
        write_offs = rng.sample(
            [
                inv
                for inv in named
                if inv.owner.habit == Habit.LATE
                and today - timedelta(420) <= inv.due_date <= today - timedelta(200)
                and inv not in voids
            ],
            2,
        )
        overdue = [
            inv
            for inv in named
            if inv.due_date <= today - timedelta(95) and inv not in voids + write_offs
        ]
        disputes = rng.sample([inv for inv in overdue if inv.owner.customer.currency == "EUR"], 9)
        disputes += rng.sample([inv for inv in overdue if inv.owner.customer.currency != "EUR"], 3)
        for inv in invoices:
            if inv in voids:
                voided = min(inv.issue_date + timedelta(rng.randint(1, 7)), today)
                self._add(voided, Rank.VOID, partial(self._void, inv, voided))
            elif inv in write_offs:
                self._plan_write_off(inv)
            elif inv in disputes:
                self._plan_dispute(inv)
            else:
                self._plan_settlement(inv)
        self._plan_payments()

    def _plan_write_off(self, inv: DemoInvoice) -> None:
        rng = self.rng
        if rng.random() < 0.5:
            part = (inv.total * Decimal(rng.randint(20, 50)) / 100).quantize(CENT)
            self._pay(inv, part, inv.due_date + timedelta(rng.randint(40, 70)))
        day = min(inv.due_date + timedelta(rng.randint(150, 200)), self.today - timedelta(3))
        self._add(day, Rank.WRITE_OFF, partial(self._write_off, inv, day))

    def _plan_dispute(self, inv: DemoInvoice) -> None:
        """Leave it open for good, sometimes after paying the part nobody disputes."""
        if self.rng.random() < 0.3:
            part = (inv.total * Decimal(self.rng.randint(50, 80)) / 100).quantize(CENT)
            self._pay(inv, part, inv.due_date + timedelta(self.rng.randint(10, 30)))

    def _plan_settlement(self, inv: DemoInvoice) -> None:
        rng = self.rng
        if rng.random() < 0.004:
            returned = inv.issue_date + timedelta(rng.randint(3, 20))
            self._credit(inv, inv.total, returned, "Goods returned")
            return
        owed = inv.total
        if rng.random() < 0.018:
            credit = (owed * Decimal(rng.randint(10, 30)) / 100).quantize(CENT)
            self._credit(inv, credit, inv.issue_date + timedelta(rng.randint(3, 15)))
            owed -= credit
        paid_on = self._pay_day(inv)
        if rng.random() < PARTIAL_SHARE[inv.owner.habit]:
            instalment = (owed * Decimal(rng.randint(30, 70)) / 100).quantize(Decimal("1"))
            self._pay(inv, instalment, paid_on)
            self._pay(inv, owed - instalment, paid_on + timedelta(rng.randint(14, 60)))
        else:
            self._pay(inv, owed, paid_on)

    def _pay_day(self, inv: DemoInvoice) -> date:
        rng, due, habit = self.rng, inv.due_date, inv.owner.habit
        if habit == Habit.DIRECT_DEBIT:
            day = due
        elif habit == Habit.PROMPT:
            day = due + timedelta(round(rng.triangular(-10, 4, -1)))
        elif habit == Habit.IRREGULAR:
            late = rng.random() < 0.35
            day = due + timedelta(rng.randint(6, 50) if late else rng.randint(-5, 5))
        elif habit == Habit.LATE:
            day = due + timedelta(round(rng.triangular(30, 90, 60)))
        elif habit == Habit.MONTHLY:
            day = _next_25th(due - timedelta(5))
            if rng.random() < 0.2:  # a payment run that slipped a month
                day = _next_25th(day + timedelta(1))
        else:
            day = due + timedelta(rng.randint(-3, 25))
        return max(day, inv.issue_date + timedelta(1))

    def _pay(self, inv: DemoInvoice, amount: Decimal, day: date) -> None:
        """Add ``amount`` for ``inv`` to the customer's transfer on ``day``, unless it is future."""
        day = _business_day(day)
        if day <= self.today and amount > 0:
            self.payments.setdefault((inv.owner.customer.pk, day), []).append((inv, amount))

    def _credit(self, inv: DemoInvoice, amount: Decimal, day: date, reason: str = "") -> None:
        if day <= self.today:
            reason = reason or self.rng.choice(CREDIT_REASONS)
            self._add(day, Rank.CREDIT, partial(self._record_credit, inv, amount, day, reason))

    def _plan_payments(self) -> None:
        """Turn noted payments into events: one bank transfer per customer and day.

        A handful of recent ones arrive without a usable reference and a couple are paid
        twice; both stay unapplied on the payment, as cash a collector still has to match.
        """
        rng, today = self.rng, self.today
        groups = sorted(self.payments.items(), key=lambda item: (item[0][1], item[0][0]))
        named = [g for g in groups if g[1][0][0].owner.habit != Habit.ON_ACCOUNT]
        recent = [g for g in named if g[0][1] >= today - timedelta(35) and len(g[1]) == 1]
        unreferenced = {key for key, _ in rng.sample(recent, min(3, len(recent)))}
        for group in rng.sample([g for g in named if g[0][1] <= today - timedelta(60)], 2):
            (_, day), lines = group
            again = _business_day(day + timedelta(rng.randint(2, 5)))
            amount = sum((amount for _, amount in lines), ZERO)
            duplicate = partial(self._record_payment, lines, again, amount, unapplied=True)
            self._add(again, Rank.PAY, duplicate)
        for (customer_id, day), lines in groups:
            amount = sum((amount for _, amount in lines), ZERO)
            unapplied = (customer_id, day) in unreferenced
            self._add(day, Rank.PAY, partial(self._record_payment, lines, day, amount, unapplied))

    def _add(self, day: date, rank: int, run: Callable[[], None]) -> None:
        self.events.append(Event(day, rank, len(self.events), run))

    def _issue(self, inv: DemoInvoice) -> None:
        inv.invoice = ledger.create_invoice(
            self.tenant,
            inv.owner.customer,
            number=inv.number,
            issue_date=inv.issue_date,
            due_date=inv.due_date,
            subtotal=inv.subtotal,
            tax=inv.tax,
            po_number=inv.po_number,
        )

    def _void(self, inv: DemoInvoice, day: date) -> None:
        ledger.void_invoice(inv.invoice, day)

    def _write_off(self, inv: DemoInvoice, day: date) -> None:
        ledger.write_off(inv.invoice, day)

    def _record_credit(self, inv: DemoInvoice, amount: Decimal, day: date, reason: str) -> None:
        seq = self.credit_numbers[day.year] = self.credit_numbers.get(day.year, 0) + 1
        on_account = inv.owner.habit == Habit.ON_ACCOUNT
        ledger.record_credit_note(
            self.tenant,
            inv.owner.customer,
            number=f"CN-{day.year}-{seq:04d}",
            amount=amount,
            issued_on=day,
            reason=f"{reason} ({inv.number})",
            splits=None if on_account else [ledger.Split(inv.invoice, amount)],
        )

    def _record_payment(
        self,
        lines: list[tuple[DemoInvoice, Decimal]],
        day: date,
        amount: Decimal,
        unapplied: bool = False,
    ) -> None:
        owner = lines[0][0].owner
        if unapplied:
            splits: list[ledger.Split] | None = []
        elif owner.habit == Habit.ON_ACCOUNT:
            splits = None
        else:
            splits = [ledger.Split(inv.invoice, part) for inv, part in lines]
        ledger.record_payment(
            self.tenant,
            owner.customer,
            amount=amount,
            received_on=day,
            reference=self._reference(owner, [inv.number for inv, _ in lines], unapplied),
            method=self._method(owner),
            splits=splits,
        )

    @staticmethod
    def _reference(owner: DemoCustomer, numbers: list[str], unapplied: bool) -> str:
        if unapplied:
            return f"Payment {owner.customer.external_id}"
        if owner.habit == Habit.ON_ACCOUNT:
            return f"Payment on account {owner.customer.external_id}"
        text = ", ".join(numbers)
        return text if len(text) <= 100 else text[:97] + "..."

    @staticmethod
    def _method(owner: DemoCustomer) -> str:
        if owner.habit == Habit.DIRECT_DEBIT:
            return "sepa_direct_debit"
        return {"US": "ach", "GB": "bacs"}.get(owner.company.country, "bank_transfer")
