"""Customers arrive in batches by external id: created, updated, or the batch refused whole."""

from decimal import Decimal

import pytest

from receivables.models import Contact, Customer
from receivables.upsert import Refused, upsert_customers
from reminders.models import ReminderPosition
from tests.reminders.pages import today
from tests.reminders.scenario import make_customer, make_invoice


def test_a_batch_creates_then_updates_without_duplicating(tenant):
    items = [
        {
            "external_id": "C-1",
            "name": "Acme Ltd",
            "currency": "gbp",
            "country": "gb",
            "contacts": [{"email": "ap@acme.test", "phone": "020 7946 0000"}],
        },
        {"external_id": "C-2", "name": "Beta GmbH", "credit_limit": Decimal("5000.00")},
    ]
    first = upsert_customers(tenant, items)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    acme = Customer.objects.get(pk=first.ids[0])
    assert (acme.currency, acme.country, acme.tenant_id) == ("GBP", "GB", tenant.pk)
    contact = acme.contacts.get()
    assert (contact.email, contact.phone, contact.role) == (
        "ap@acme.test",
        "+442079460000",
        "billing",
    )
    beta = Customer.objects.get(external_id="C-2")
    assert beta.currency == tenant.base_currency and beta.credit_limit == Decimal("5000")

    again = upsert_customers(tenant, items)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert again.ids == first.ids

    renamed = upsert_customers(
        tenant,
        [
            {
                "external_id": "C-1",
                "name": "Acme Limited",
                "contacts": [
                    {"email": "AP@acme.test", "name": "Payables"},
                    {"email": "ceo@acme.test"},
                ],
            }
        ],
    )
    assert (renamed.created, renamed.updated) == (0, 1)
    acme.refresh_from_db()
    assert acme.name == "Acme Limited" and acme.currency == "GBP"  # absent keys keep their value
    assert sorted(acme.contacts.values_list("email", "name")) == [
        ("ap@acme.test", "Payables"),
        ("ceo@acme.test", ""),
    ]
    assert Customer.objects.filter(tenant=tenant).count() == 2


def test_every_bad_item_is_reported_and_nothing_is_written(tenant):
    items = [
        {"external_id": "OK-1", "name": "Fine"},
        {"name": "No id"},
        {"external_id": "C-3", "name": "Bad", "currency": "UKP", "country": "XX"},
        {"external_id": "OK-1", "name": "Twice"},
        {"external_id": "C-5", "name": "Bad contact", "contacts": [{"email": "not-an-email"}]},
        {"external_id": "C-6", "time_zone": "Mars/Olympus", "name": "Far"},
        {"external_id": "C-7"},
    ]
    with pytest.raises(Refused) as refused:
        upsert_customers(tenant, items)
    found = [(e.index, e.field, e.code) for e in refused.value.errors]
    assert found == [
        (1, "external_id", "required"),
        (2, "country", "invalid_country"),
        (2, "currency", "invalid_currency"),
        (3, "external_id", "duplicate"),
        (4, "contacts.0.email", "invalid_email"),
        (5, "time_zone", "invalid_time_zone"),
        (6, "name", "required"),
    ]
    assert not Customer.objects.filter(tenant=tenant).exists()
    assert not Contact.objects.filter(tenant=tenant).exists()


def test_a_dry_run_counts_and_writes_nothing(tenant):
    make_customer(tenant, "C-1")
    result = upsert_customers(
        tenant,
        [{"external_id": "C-1", "name": "Changed"}, {"external_id": "C-2", "name": "New"}],
        dry_run=True,
    )
    assert (result.created, result.updated, result.ids[1]) == (1, 1, None)
    assert list(Customer.objects.filter(tenant=tenant).values_list("external_id", "name")) == [
        ("C-1", "Customer C-1")
    ]


def test_a_customer_of_another_tenant_is_never_touched(tenant, other_tenant):
    theirs = make_customer(other_tenant, "C-1")
    upsert_customers(tenant, [{"external_id": "C-1", "name": "Mine"}])
    theirs.refresh_from_db()
    assert theirs.name != "Mine"
    assert Customer.objects.filter(external_id="C-1").count() == 2


def test_a_changed_customer_sends_its_open_invoices_back_to_the_sweep(tenant):
    customer = make_customer(tenant, "C-1")
    invoice = make_invoice(tenant, customer, "INV-1", today(), "100.00")
    ReminderPosition.objects.filter(pk=invoice.pk).update(next_at=None)
    upsert_customers(tenant, [{"external_id": "C-1", "time_zone": "Asia/Tokyo"}])
    assert ReminderPosition.objects.get(pk=invoice.pk).next_at == ReminderPosition.AT_NEXT_SWEEP


def test_a_national_number_is_read_in_the_items_country_even_when_another_field_is_bad(tenant):
    with pytest.raises(Refused) as refused:
        upsert_customers(
            tenant,
            [
                {
                    "external_id": "C-1",
                    "name": "Acme",
                    "country": "GB",
                    "currency": "UKP",
                    "contacts": [{"phone": "020 7946 0000"}],
                }
            ],
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [("currency", "invalid_currency")]
