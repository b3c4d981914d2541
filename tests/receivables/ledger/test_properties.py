"""Whatever sequence of ledger operations runs, balances and statuses follow the allocations.

Hypothesis draws sequences of operations (bill, issue, pay, credit, apply, void, write off);
some of them the ledger refuses, which must leave every row as it was. After every step the
invariants are checked for every invoice, payment and credit note in the database.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kapittx.models import Tenant
from receivables.ledger import (
    LedgerError,
    Split,
    apply,
    create_invoice,
    issue_invoice,
    record_credit_note,
    record_payment,
    void_invoice,
    write_off,
)
from receivables.models import (
    OPEN_STATUSES,
    ZERO,
    Allocation,
    CreditNote,
    Customer,
    Invoice,
    InvoiceStatus,
    Payment,
)
from receivables.reports import receivable_on

BASE = date(2024, 1, 1)
CENT = Decimal("0.01")

# --- the operations hypothesis draws ------------------------------------------------------------

cents = st.integers(min_value=1, max_value=50_000)
day = st.integers(min_value=0, max_value=120)
pick = st.integers(min_value=0, max_value=1_000)  # taken modulo the rows that exist by then
currency = st.sampled_from(["EUR", "EUR", "EUR", "USD"])
# "foreign" is a customer of another tenant: billing them is fine, paying through us is not.
who = st.sampled_from(["ours"] * 6 + ["sibling", "foreign"])
# A split is a share of the invoice's balance at the time (quarters; 5/4 over-allocates)
# or a fixed amount (zero and negative ones are refused).
split = st.tuples(
    pick,
    st.one_of(
        st.tuples(st.just("quarters"), st.integers(min_value=1, max_value=5)),
        st.tuples(st.just("cents"), st.integers(min_value=-100, max_value=50_000)),
    ),
)
splits = st.one_of(st.none(), st.lists(split, min_size=1, max_size=3))

new_invoice = st.tuples(
    st.just("invoice"),
    who,
    cents,
    day,
    st.integers(min_value=-3, max_value=60),  # payment terms; negative ones are refused
    currency,
    st.sampled_from([False] * 5 + [True]),  # draft
)
new_payment = st.tuples(st.just("payment"), who, cents, day, currency, splits)
# Billing and paying are drawn more often than the rest, so invoices get paid, not only voided.
operation = st.one_of(
    new_invoice,
    new_invoice,
    new_payment,
    new_payment,
    st.tuples(st.just("credit_note"), who, cents, day, currency, splits),
    st.tuples(st.just("apply"), pick, splits),
    st.tuples(st.just("issue"), pick),
    st.tuples(st.just("void"), pick, day),
    st.tuples(st.just("write_off"), pick, day),
)


@dataclass
class World:
    tenant: Tenant
    other_tenant: Tenant
    customers: dict[str, Customer]
    invoices: list[Invoice] = field(default_factory=list)
    sources: list[Payment | CreditNote] = field(default_factory=list)
    numbers: int = 0

    def next_number(self, prefix: str) -> str:
        self.numbers += 1
        return f"{prefix}-{self.numbers}"

    def tenant_of(self, who: str) -> Tenant:
        return self.other_tenant if who == "foreign" else self.tenant


def _pick(rows: list, index: int):
    return rows[index % len(rows)] if rows else None


def _splits(world: World, drawn) -> list[Split] | None:
    if drawn is None or not world.invoices:
        return None
    result = []
    for index, (kind, value) in drawn:
        invoice = _pick(world.invoices, index)
        if kind == "quarters":
            balance = Invoice.objects.get(pk=invoice.pk).balance
            amount = (balance * value / 4).quantize(CENT)
        else:
            amount = Decimal(value) / 100
        result.append(Split(invoice, amount))
    return result


@dataclass
class Step:
    """One drawn operation, resolved against the rows that exist, with its expected outcome."""

    name: str
    run: Callable[[], object]
    verdict: str | None  # "done", "refused", or None when either can be right
    oldest_first: bool = False
    source: Payment | CreditNote | None = None  # the one ``apply`` uses


def _resolve(world: World, op: tuple) -> Step | None:
    """Return the step ``op`` stands for, or None when there is nothing for it to act on."""
    kind, *args = op
    if kind == "invoice":
        who, amount, issued, terms, in_currency, draft = args
        issue_date = BASE + timedelta(days=issued)
        return Step(
            kind,
            lambda: create_invoice(
                world.tenant_of(who),
                world.customers[who],
                number=world.next_number("INV"),
                issue_date=issue_date,
                due_date=issue_date + timedelta(days=terms),
                subtotal=Decimal(amount) / 100,
                currency=in_currency,
                draft=draft,
            ),
            verdict="refused" if terms < 0 else "done",
        )
    if kind in ("payment", "credit_note"):
        who, amount, on, in_currency, drawn = args
        when, chosen = BASE + timedelta(days=on), _splits(world, drawn)
        common = {"amount": Decimal(amount) / 100, "currency": in_currency, "splits": chosen}
        if kind == "payment":

            def run():
                return record_payment(
                    world.tenant, world.customers[who], received_on=when, **common
                )
        else:

            def run():
                return record_credit_note(
                    world.tenant,
                    world.customers[who],
                    number=world.next_number("CN"),
                    issued_on=when,
                    **common,
                )

        # Oldest first cannot go wrong for our own customers; splits may rightly be refused.
        verdict = "refused" if who == "foreign" else "done" if chosen is None else None
        return Step(kind, run, verdict, oldest_first=chosen is None)
    if kind == "apply" and world.sources:
        index, drawn = args
        source, chosen = _pick(world.sources, index), _splits(world, drawn)
        verdict = "done" if chosen is None else None
        return Step(kind, lambda: apply(source, chosen), verdict, chosen is None, source)
    if kind in ("issue", "void", "write_off") and world.invoices:
        # Issuing picks invoices created as drafts, or it would nearly always be refused.
        drafts = [i for i in world.invoices if kind == "issue" and i.status == "draft"]
        invoice = Invoice.objects.get(pk=_pick(drafts or world.invoices, args[0]).pk)
        if kind == "issue":
            return Step(
                kind,
                lambda: issue_invoice(invoice),
                "done" if invoice.status == InvoiceStatus.DRAFT else "refused",
            )
        on = BASE + timedelta(days=args[1])
        if kind == "void":
            voidable = (
                invoice.status != InvoiceStatus.VOID
                and not invoice.allocations.exists()
                and not invoice.amount_written_off
            )
            return Step(kind, lambda: void_invoice(invoice, on), "done" if voidable else "refused")
        return Step(
            kind,
            lambda: write_off(invoice, on),
            "done" if invoice.status in OPEN_STATUSES else "refused",
        )
    return None


# --- what must hold ---------------------------------------------------------------------------


def _snapshot() -> tuple:
    return (
        list(Invoice.objects.order_by("pk").values()),
        list(Payment.objects.order_by("pk").values()),
        list(CreditNote.objects.order_by("pk").values()),
        list(Allocation.objects.order_by("pk").values()),
    )


def _expected_status(invoice: Invoice) -> str:
    if invoice.amount_written_off > 0:
        return InvoiceStatus.WRITTEN_OFF
    if invoice.balance == 0:
        return InvoiceStatus.PAID
    if invoice.balance < invoice.total:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.OPEN


def assert_invariants() -> None:
    applied = {
        row["invoice_id"]: row
        for row in Allocation.objects.values("invoice_id").annotate(
            paid=Sum("amount", filter=Q(payment__isnull=False), default=ZERO),
            credited=Sum("amount", filter=Q(credit_note__isnull=False), default=ZERO),
            count=Count("id"),
            last=Max("applied_on"),
        )
    }
    nothing = {"paid": ZERO, "credited": ZERO, "count": 0, "last": None}
    for invoice in Invoice.objects.all():
        row = applied.get(invoice.pk, nothing)
        label = f"{invoice.number} ({invoice.status})"
        assert invoice.amount_paid == row["paid"], label
        assert invoice.amount_credited == row["credited"], label
        if invoice.status == InvoiceStatus.VOID:
            assert invoice.balance == 0, label
            assert row["count"] == 0, label
            assert invoice.amount_written_off == 0, label
            continue
        assert invoice.balance == (
            invoice.total
            - invoice.amount_paid
            - invoice.amount_credited
            - invoice.amount_written_off
        ), label
        assert 0 <= invoice.balance <= invoice.total, label
        if invoice.status == InvoiceStatus.DRAFT:
            assert invoice.balance == invoice.total and row["count"] == 0, label
            continue
        assert invoice.status == _expected_status(invoice), label
        if invoice.status == InvoiceStatus.OPEN:
            assert row["count"] == 0 and invoice.amount_written_off == 0, label
        assert invoice.paid_on == (row["last"] if invoice.status == InvoiceStatus.PAID else None), (
            label
        )

    for allocation in Allocation.objects.select_related("invoice", "payment", "credit_note"):
        source = allocation.payment or allocation.credit_note
        invoice = allocation.invoice
        assert (allocation.tenant_id, invoice.tenant_id) == (source.tenant_id,) * 2, allocation
        assert (invoice.customer_id, invoice.currency) == (source.customer_id, source.currency), (
            allocation
        )
        dated = source.received_on if allocation.payment else source.issued_on
        assert allocation.applied_on == dated, allocation

    for model, link in ((Payment, "payment"), (CreditNote, "credit_note")):
        used = {
            row[link]: row["amount"]
            for row in Allocation.objects.filter(**{f"{link}__isnull": False})
            .values(link)
            .annotate(amount=Sum("amount"))
        }
        for source in model.objects.all():
            assert source.unallocated == source.amount - used.get(source.pk, ZERO), source
            assert 0 <= source.unallocated <= source.amount, source


def _due_order(invoice: Invoice) -> tuple:
    return (invoice.due_date, invoice.issue_date, invoice.pk)


def assert_applied_oldest_first(source: Payment | CreditNote, after_allocation: int) -> None:
    """Oldest first settles whole invoices in due order and keeps money only if none is open."""
    source.refresh_from_db()
    touched = sorted(
        (a.invoice for a in Allocation.objects.filter(pk__gt=after_allocation)),
        key=_due_order,
    )
    still_open = Invoice.objects.filter(
        tenant_id=source.tenant_id,
        customer_id=source.customer_id,
        currency=source.currency,
        status__in=OPEN_STATUSES,
    ).exclude(pk__in=[invoice.pk for invoice in touched])
    if source.unallocated > 0:
        assert not still_open.exists(), "money left while an invoice is open"
    assert all(invoice.balance == 0 for invoice in touched[:-1]), "skipped ahead of a balance"
    if touched:
        last = _due_order(touched[-1])
        assert all(_due_order(invoice) > last for invoice in still_open), "paid a newer first"


def assert_reports_agree_with_balances(tenant: Tenant) -> None:
    """What is owed after the last date in play equals the open balances, per currency."""
    owed = {
        row["currency"]: row["amount"]
        for row in Invoice.objects.filter(tenant=tenant, status__in=OPEN_STATUSES)
        .values("currency")
        .annotate(amount=Sum("balance"))
    }
    rebuilt = receivable_on(tenant, BASE + timedelta(days=365))
    assert {c: a for c, a in rebuilt.items() if a} == {c: a for c, a in owed.items() if a}


# --- the property -----------------------------------------------------------------------------


@pytest.fixture
def world_customers(tenant, other_tenant) -> dict[str, Customer]:
    return {
        "ours": Customer.objects.create(
            tenant=tenant, external_id="C-1", name="Brick & Mortar", currency="EUR"
        ),
        "sibling": Customer.objects.create(
            tenant=tenant, external_id="C-2", name="Cobble Ltd", currency="EUR"
        ),
        "foreign": Customer.objects.create(
            tenant=other_tenant, external_id="C-1", name="Globex Buyer", currency="EUR"
        ),
    }


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    # A few invoices first, so payments drawn next have something to settle.
    opening=st.lists(new_invoice, min_size=1, max_size=6),
    operations=st.lists(operation, min_size=1, max_size=20),
)
def test_balances_and_statuses_always_follow_the_allocations(
    tenant, other_tenant, world_customers, opening, operations
):
    # Each example runs in its own transaction that is rolled back, so examples never meet.
    with transaction.atomic():
        world = World(tenant, other_tenant, world_customers)
        for op in opening + operations:
            step = _resolve(world, op)
            if step is None:
                continue
            before = _snapshot()
            last_allocation = Allocation.objects.aggregate(last=Max("pk"))["last"] or 0
            try:
                made = step.run()
            except LedgerError as refusal:
                event(f"{step.name} refused: {refusal.code}")
                assert step.verdict != "done", f"{step.name} refused: {refusal.message}"
                assert _snapshot() == before, f"refused {step.name} changed rows"
            else:
                event(f"{step.name} done")
                assert step.verdict != "refused", f"{step.name} went through: {op}"
                if isinstance(made, Invoice):
                    world.invoices.append(made)
                elif isinstance(made, Payment | CreditNote):
                    world.sources.append(made)
                if step.oldest_first:
                    assert_applied_oldest_first(step.source or made, last_allocation)
            assert_invariants()
        for status in Invoice.objects.values_list("status", flat=True).distinct():
            event(f"an invoice ended {status}")
        assert_reports_agree_with_balances(tenant)
        assert_reports_agree_with_balances(other_tenant)
        transaction.set_rollback(True)
