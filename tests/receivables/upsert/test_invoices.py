"""Invoices arrive in batches by external id or number, through the ledger's rules."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from kapittx import events
from receivables import ledger, signals
from receivables.models import Invoice, Payment, PaymentSource
from receivables.upsert import Refused, invoices, progress, upsert_invoices
from reminders.models import ReminderPosition
from tests.reminders.scenario import make_customer

D = Decimal


def _item(number: str, **fields) -> dict:
    return {
        "number": number,
        "customer_external_id": "C-1",
        "issue_date": date(2026, 3, 1),
        "due_date": date(2026, 3, 31),
        "total": D("119.00"),
        **fields,
    }


@pytest.fixture
def customer(tenant):
    return make_customer(tenant, "C-1")


@pytest.fixture
def heard():
    found = []

    def listen(sender, tenant_id, events, **kwargs):
        found.extend((tenant_id, event_type, data) for event_type, data in events)

    events.published.connect(listen)
    yield found
    events.published.disconnect(listen)


def test_invoices_are_created_then_updated_by_external_id_or_number(tenant, customer, heard):
    first = upsert_invoices(
        tenant,
        [_item("INV-1", external_id="X-1", tax=D("19.00")), _item("INV-2", currency="usd")],
    )
    assert (first.created, first.updated) == (2, 0)
    one = Invoice.objects.get(pk=first.ids[0])
    assert (one.subtotal, one.tax, one.total, one.balance, one.status) == (
        D("100"),
        D("19"),
        D("119"),
        D("119"),
        "open",
    )
    assert Invoice.objects.get(number="INV-2").currency == "USD"
    assert [e[1] for e in heard] == ["invoice.created", "invoice.created"]
    assert heard[0][2]["total"] == "119.00" and heard[0][2]["customer_external_id"] == "C-1"
    # the next sweep places new open invoices
    placed = ReminderPosition.objects.filter(pk__in=first.ids)
    assert [p.next_at for p in placed] == [ReminderPosition.AT_NEXT_SWEEP] * 2
    placed.update(next_at=datetime(2030, 1, 1, tzinfo=UTC), reminded_offset=3)

    heard.clear()
    again = upsert_invoices(
        tenant,
        [
            {"number": "INV-1B", "external_id": "X-1", "due_date": date(2026, 4, 30)},
            {"number": "INV-2", "total": D("150.00")},
        ],
    )
    assert (again.created, again.updated, again.ids) == (0, 2, first.ids)
    one.refresh_from_db()
    assert (one.number, one.due_date, one.total) == ("INV-1B", date(2026, 4, 30), D("119"))
    assert Invoice.objects.get(pk=first.ids[1]).balance == D("150")
    assert [e[1] for e in heard] == ["invoice.updated", "invoice.updated"]
    # changed invoices go back to the next sweep, keeping the reminder last handled
    assert [(p.next_at, p.reminded_offset) for p in placed] == [
        (ReminderPosition.AT_NEXT_SWEEP, 3)
    ] * 2
    assert upsert_invoices(tenant, [{"number": "INV-2", "total": D("150.00")}]).unchanged == 1


def test_every_bad_invoice_is_reported_and_nothing_is_written(tenant, customer):
    with pytest.raises(Refused) as refused:
        upsert_invoices(
            tenant,
            [
                _item("OK-1"),
                _item("BAD-1", due_date=date(2026, 2, 1)),
                _item("BAD-2", total=D("-5.00")),
                _item("OK-1"),
                _item("BAD-3", customer_external_id="NOPE"),
                _item("BAD-4", currency="UKP"),
                _item("BAD-5", total=D("10.001")),
                {"number": "BAD-6", "customer_external_id": "C-1"},
            ],
        )
    found = [(e.index, e.field, e.code) for e in refused.value.errors]
    assert found == [
        (1, "due_date", "invalid_dates"),
        (2, "total", "negative_amount"),
        (3, "number", "duplicate"),
        (4, "customer_external_id", "unknown_customer"),
        (5, "currency", "invalid_currency"),
        (6, "total", "invalid_amount"),
        (7, "due_date", "required"),
        (7, "issue_date", "required"),
    ]
    assert not Invoice.objects.filter(tenant=tenant).exists()


def test_a_number_taken_by_another_external_id_is_refused(tenant, customer):
    upsert_invoices(tenant, [_item("INV-1", external_id="X-1")])
    with pytest.raises(Refused) as refused:
        upsert_invoices(tenant, [_item("INV-1", external_id="X-2")])
    assert [(e.field, e.code) for e in refused.value.errors] == [("number", "duplicate")]


def test_what_the_source_says_is_paid_becomes_an_imported_payment(tenant, customer):
    written = upsert_invoices(
        tenant,
        [
            _item("INV-1", amount_paid=D("19.00"), paid_on=date(2026, 3, 20)),
            _item("INV-2", amount_paid=D("119")),
        ],
    )
    one, two = (Invoice.objects.get(pk=pk) for pk in written.ids)
    assert (one.balance, one.status) == (D("100"), "partially_paid")
    assert (two.balance, two.status) == (D("0"), "paid")
    payments = Payment.objects.filter(tenant=tenant).all
    assert {p.source for p in payments()} == {PaymentSource.IMPORTED_BALANCE}
    assert sorted(p.amount for p in payments()) == [D("19"), D("119")]
    assert payments().get(amount=D("19")).received_on == date(2026, 3, 20)

    # the updated export: more paid on the first; the same again adds nothing
    upsert_invoices(
        tenant, [_item("INV-1", amount_paid=D("59.00")), _item("INV-2", amount_paid=D("119"))]
    )
    one.refresh_from_db()
    assert one.balance == D("60") and payments().count() == 3
    result = upsert_invoices(tenant, [_item("INV-1", amount_paid=D("59.00"))])
    assert result.unchanged == 1 and payments().count() == 3
    # less paid than recorded: kept, with a note
    noted = upsert_invoices(tenant, [_item("INV-1", amount_paid=D("10.00"))])
    assert [(n.field, n.code) for n in noted.notes] == [("amount_paid", "more_recorded")]
    one.refresh_from_db()
    assert one.balance == D("60")


def test_status_changes_follow_the_ledger(tenant, customer):
    upsert_invoices(tenant, [_item("D-1", status="draft"), _item("P-1"), _item("V-1")])
    assert Invoice.objects.get(number="D-1").status == "draft"
    ledger.record_payment(tenant, customer, amount=D("10.00"), received_on=date(2026, 3, 5))
    upsert_invoices(
        tenant, [{"number": "D-1", "status": "open"}, {"number": "V-1", "status": "void"}]
    )
    assert Invoice.objects.get(number="D-1").status == "open"
    void = Invoice.objects.get(number="V-1")
    assert (void.status, void.balance) == ("void", D("0"))
    with pytest.raises(Refused) as refused:
        upsert_invoices(
            tenant,
            [
                {"number": "P-1", "status": "void"},  # 10.00 applied to it
                {"number": "V-1", "status": "open"},
                {"number": "D-1", "status": "draft"},
                {"number": "P-1", "total": D("5.00")},
            ],
        )
    assert [(e.index, e.code) for e in refused.value.errors] == [
        (0, "has_allocations"),
        (1, "void"),
        (2, "not_draft"),
        (3, "duplicate"),
    ]
    with pytest.raises(Refused) as refused:
        upsert_invoices(tenant, [{"number": "P-1", "total": D("5.00")}])
    assert [(e.field, e.code) for e in refused.value.errors] == [("total", "over_allocation")]


def test_another_tenants_invoice_with_the_same_number_is_not_matched(
    tenant, other_tenant, customer
):
    theirs = make_customer(other_tenant, "C-1")
    ledger.create_invoice(
        other_tenant,
        theirs,
        number="INV-1",
        issue_date=date(2026, 3, 1),
        due_date=date(2026, 3, 2),
        subtotal=D("5"),
    )
    written = upsert_invoices(tenant, [_item("INV-1")])
    assert written.created == 1
    assert Invoice.objects.get(tenant=other_tenant).total == D("5")


def test_a_large_batch_tells_its_progress_while_it_is_checked_and_written(
    tenant, customer, monkeypatch
):
    monkeypatch.setattr(progress, "EVERY", 2)
    told = []
    items = [_item(f"INV-{n}") for n in range(5)]

    upsert_invoices(tenant, items, on_progress=lambda *report: told.append(report))

    assert told == [
        ("checking", 0, 5),
        ("checking", 2, 5),
        ("checking", 4, 5),
        ("writing", 5, 5),
        ("writing", 5, 5),
    ]
    told.clear()
    upsert_invoices(tenant, items[:3], dry_run=True, on_progress=lambda *r: told.append(r))
    assert told == [("checking", 0, 3), ("checking", 2, 3)]


def test_a_batch_written_a_page_at_a_time_is_still_all_or_nothing(tenant, customer, monkeypatch):
    monkeypatch.setattr(invoices, "PAGE", 2)
    told = []

    def listen(sender, tenant_id, invoice_ids, new_ids=(), **kwargs):
        told.append(sorted(new_ids))

    signals.invoices_changed.connect(listen)
    try:
        good = [
            _item(f"INV-{n}", **({"amount_paid": D("19.00")} if n % 2 else {})) for n in range(5)
        ]
        with pytest.raises(Refused) as refused:
            upsert_invoices(tenant, [*good, _item("INV-0")])
        assert [(e.index, e.code) for e in refused.value.errors] == [(5, "duplicate")]
        assert told  # the first pages were written before the bad item was reached
        for model in (Invoice, Payment, ReminderPosition):
            assert not model.objects.filter(tenant=tenant).exists()

        told.clear()
        written = upsert_invoices(tenant, good)
    finally:
        signals.invoices_changed.disconnect(listen)
    assert told == [written.ids[0:2], written.ids[2:4], written.ids[4:5]]
    stored = Invoice.objects.in_bulk(written.ids)
    assert [stored[pk].number for pk in written.ids] == [f"INV-{n}" for n in range(5)]
    assert [stored[pk].balance for pk in written.ids] == [D("119"), D("100")] * 2 + [D("119")]
    assert sorted(
        Payment.objects.filter(tenant=tenant).values_list("allocations__invoice_id", flat=True)
    ) == [written.ids[1], written.ids[3]]
    assert ReminderPosition.objects.filter(pk__in=written.ids).count() == 5
