"""The bulk writer keeps every value as it was given, and leaves existing keys alone."""

from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, transaction

from kapittx.bulk import Row, create, insert, insert_ignoring_conflicts, update_values, upsert
from receivables.models import Customer
from reminders.models import Dispatch, DispatchInvoice, ReminderPosition
from tests.reminders.scenario import make_customer, make_invoice

AWKWARD = ['quote " inside', "back\\slash", "it's", "", "a,b {c}", "NULL", " padded ", "ünï €"]

LATER = datetime(2026, 3, 14, 23, tzinfo=UTC)

COLUMNS = [
    "tenant",
    "key",
    "customer",
    "repeat",
    "channel",
    "tone",
    "template_key",
    "status",
    "reason",
    "due_at",
    "send_after",
    "recipient",
    "language",
    "subject",
    "body_html",
    "body_text",
    "provider_message_id",
    "attempts",
    "error",
    "created_at",
    "updated_at",
]


def rows(tenant, customer, moment, subjects):
    return [
        (
            tenant.pk,
            f"k{n}",
            customer.pk,
            0,
            "email",
            "firm",
            "overdue-firm",
            "planned",
            "",
            moment,
            moment,
            "",
            "",
            subject,
            "",
            "",
            "",
            0,
            "",
            moment,
            moment,
        )
        for n, subject in enumerate(subjects)
    ]


@pytest.mark.django_db
def test_text_with_quotes_backslashes_and_braces_is_stored_exactly(tenant):
    customer = make_customer(tenant, "C-1")
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    insert_ignoring_conflicts(Dispatch, COLUMNS, rows(tenant, customer, moment, AWKWARD))
    stored = dict(Dispatch.objects.values_list("key", "subject"))
    assert [stored[f"k{n}"] for n in range(len(AWKWARD))] == AWKWARD
    assert set(Dispatch.objects.values_list("due_at", flat=True)) == {moment}


@pytest.mark.django_db
def test_existing_keys_are_left_as_they_were(tenant):
    customer = make_customer(tenant, "C-1")
    moment = datetime(2026, 3, 2, 9, tzinfo=UTC)
    insert_ignoring_conflicts(Dispatch, COLUMNS, rows(tenant, customer, moment, ["first"]))
    insert_ignoring_conflicts(Dispatch, COLUMNS, rows(tenant, customer, moment, ["second", "new"]))
    assert dict(Dispatch.objects.values_list("key", "subject")) == {"k0": "first", "k1": "new"}


@pytest.mark.django_db
def test_upsert_inserts_new_positions_and_updates_existing_ones(tenant):
    customer = make_customer(tenant, "C-1")
    first, second = (make_invoice(tenant, customer, f"INV-{n}", date(2026, 3, 1)) for n in (1, 2))
    ReminderPosition.objects.all().delete()
    ReminderPosition.objects.create(invoice=first, tenant=tenant, reminded_offset=0)
    upsert(
        ReminderPosition,
        ["invoice", "tenant", "reminded_offset", "next_at"],
        [(first.pk, tenant.pk, 7, LATER), (second.pk, tenant.pk, None, None)],
    )
    stored = ReminderPosition.objects.values_list(
        "invoice_id", "tenant_id", "reminded_offset", "next_at"
    )
    assert sorted(stored) == [
        (first.pk, tenant.pk, 7, LATER),
        (second.pk, tenant.pk, None, None),
    ]


@pytest.mark.django_db
def test_a_plain_insert_writes_new_keys_and_refuses_an_existing_one(tenant):
    customer = make_customer(tenant, "C-1")
    first, second = (make_invoice(tenant, customer, f"INV-{n}", date(2026, 3, 1)) for n in (1, 2))
    ReminderPosition.objects.all().delete()
    insert(ReminderPosition, ["invoice", "tenant", "next_at"], [(first.pk, tenant.pk, LATER)])
    assert list(ReminderPosition.objects.values_list("invoice_id", "next_at")) == [
        (first.pk, LATER)
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(
            ReminderPosition,
            ["invoice", "tenant", "next_at"],
            [(second.pk, tenant.pk, None), (first.pk, tenant.pk, None)],
        )
    assert ReminderPosition.objects.count() == 1


@pytest.mark.django_db
def test_upsert_needs_the_primary_key_first():
    with pytest.raises(ValueError, match="primary key"):
        upsert(ReminderPosition, ["tenant", "invoice"], [])


@pytest.mark.django_db
def test_update_values_changes_only_the_rows_named(tenant):
    customer = make_customer(tenant, "C-1")
    moment = datetime(2026, 3, 2, 9, tzinfo=UTC)
    insert_ignoring_conflicts(Dispatch, COLUMNS, rows(tenant, customer, moment, ["a", "b"]))
    target = Dispatch.objects.get(key="k1")
    update_values(Dispatch, ["subject", "attempts"], [(target.pk, 'new "subject"', 3)])
    assert dict(Dispatch.objects.values_list("key", "subject")) == {
        "k0": "a",
        "k1": 'new "subject"',
    }
    assert Dispatch.objects.get(key="k1").attempts == 3


@pytest.mark.django_db
def test_update_values_by_another_column_moves_every_row_holding_that_value(tenant):
    customer = make_customer(tenant, "C-1")
    moment = datetime(2026, 3, 2, 9, tzinfo=UTC)
    insert_ignoring_conflicts(Dispatch, COLUMNS, rows(tenant, customer, moment, ["a", "b", "c"]))
    first, second, third = Dispatch.objects.order_by("key")
    invoices = [make_invoice(tenant, customer, f"INV-{n}", date(2026, 3, 1)) for n in range(3)]
    insert_ignoring_conflicts(
        DispatchInvoice,
        ["tenant", "dispatch", "invoice", "repeat"],
        [(tenant.pk, first.pk, invoices[0].pk, 0), (tenant.pk, first.pk, invoices[1].pk, 0)]
        + [(tenant.pk, third.pk, invoices[2].pk, 0)],
    )
    update_values(DispatchInvoice, ["dispatch"], [(first.pk, second.pk)], key="dispatch")
    assert sorted(DispatchInvoice.objects.values_list("invoice_id", "dispatch_id")) == [
        (invoices[0].pk, second.pk),
        (invoices[1].pk, second.pk),
        (invoices[2].pk, third.pk),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_values_shared_by_every_row_are_stored_exactly_as_given(tenant, count):
    rows = [
        Row(
            Customer,
            tenant_id=tenant.pk,
            external_id=f"C-{n}",
            name=f"Customer {n}",
            address='12 "Quay" Street\\Unit {4}',
            tags=["key account", "eu"],
            preferred_channels=[],
            opted_out_channels={},
            credit_limit=None,
            currency="EUR",
        )
        for n in range(count)
    ]
    rows[-1].tags = ["key account", "eu"] if count == 1 else [1.0]

    create(Customer, rows)

    stored = Customer.objects.filter(tenant=tenant).order_by("external_id")
    assert [c.pk for c in stored] == [r.pk for r in rows]
    for customer in stored:
        assert customer.address == '12 "Quay" Street\\Unit {4}'
        assert (customer.preferred_channels, customer.opted_out_channels) == ([], {})
        assert (customer.credit_limit, customer.currency) == (None, "EUR")
    expected = [["key account", "eu"]] * (count - 1) + [rows[-1].tags]
    assert [c.tags for c in stored] == expected
