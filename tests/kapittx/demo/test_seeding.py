"""The demo data: realistic in shape, consistent with the ledger, and safe to seed twice."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum

from kapittx.demo.seeding import DEMO_EMAIL, DEMO_PASSWORD, MEMBERS, TENANT_SLUG, delete_receivables
from kapittx.models import Membership, Tenant, User
from kapittx.roles import Role
from kapittx.tenancy import scoped
from receivables.models import (
    ZERO,
    Allocation,
    Contact,
    CreditNote,
    Customer,
    Invoice,
    InvoiceStatus,
    Payment,
)
from receivables.reports import BUCKET_KEYS, aging, payment_behaviour
from tests.conftest import log_in

TODAY = date(2026, 11, 23)
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", today=TODAY.isoformat(), stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Tenant:
    """Seed once per module: seeding takes seconds. The rows outlive each test's rollback,
    so they are removed again for the modules that follow."""
    with django_db_blocker.unblock():
        seed()
        tenant = Tenant.objects.get(slug=TENANT_SLUG)
    yield tenant
    with django_db_blocker.unblock():
        delete_receivables(tenant)
        tenant.delete()
        User.objects.filter(email__in=[member.email for member in MEMBERS]).delete()


def counts(tenant: Tenant) -> dict[str, int]:
    models = (Customer, Contact, Invoice, Payment, CreditNote, Allocation)
    result = {model.__name__: scoped(model, tenant).count() for model in models}
    result["memberships"] = Membership.objects.filter(tenant=tenant).count()
    result["users"] = User.objects.count()
    return result


def fingerprint(tenant: Tenant) -> tuple[list, list]:
    invoices = (
        scoped(Invoice, tenant)
        .order_by("number")
        .values_list("number", "customer__external_id", "issue_date", "total", "balance", "status")
    )
    payments = scoped(Payment, tenant).order_by("received_on", "customer__external_id", "amount")
    return list(invoices), list(
        payments.values_list("customer__external_id", "received_on", "amount", "unallocated")
    )


def test_it_creates_the_demo_tenant_with_an_owner_a_collector_and_a_sales_member(demo, db):
    assert (demo.name, demo.base_currency, demo.time_zone, demo.country) == (
        "Nordwind Supplies GmbH",
        "EUR",
        "Europe/Berlin",
        "DE",
    )
    roles = dict(Membership.objects.filter(tenant=demo).values_list("user__email", "role"))
    assert roles[DEMO_EMAIL] == Role.OWNER
    assert {Role.OWNER, Role.COLLECTOR, Role.SALES} <= set(roles.values())


def test_the_demo_user_can_log_in(demo, db, client):
    assert log_in(client, DEMO_EMAIL, DEMO_PASSWORD)


def test_it_creates_about_sixty_customers_in_several_currencies_and_time_zones(demo, db):
    customers = list(scoped(Customer, demo).select_related("tenant"))
    assert 55 <= len(customers) <= 65
    assert {"EUR", "GBP", "USD"} <= {c.currency for c in customers}
    assert len({c.effective_time_zone() for c in customers}) >= 5
    assert len({c.country for c in customers}) >= 6
    assert {c.payment_terms_days for c in customers} <= {14, 30, 45, 60}
    assert any(c.owner_id for c in customers) and any(c.credit_limit for c in customers)
    assert all(c.tags and c.preferred_channels for c in customers)


def test_every_customer_has_one_to_three_contacts_with_e164_numbers(demo, db):
    per_customer = scoped(Customer, demo).annotate(n=Count("contacts")).values_list("n", flat=True)
    assert set(per_customer) <= {1, 2, 3}
    contacts = list(scoped(Contact, demo))
    assert all(c.email and E164.match(c.phone) for c in contacts)
    assert all(E164.match(c.whatsapp) for c in contacts if c.whatsapp)
    assert any(c.whatsapp for c in contacts)


def test_customers_and_contacts_pass_model_validation(demo, db):
    # Demo rows get edited in the dashboard like any other; a form must not reject them.
    for row in [*scoped(Customer, demo), *scoped(Contact, demo)]:
        row.full_clean()


def test_it_bills_about_1500_invoices_over_the_last_18_months(demo, db):
    invoices = scoped(Invoice, demo)
    assert 1400 <= invoices.count() <= 1600
    first = invoices.order_by("issue_date").first().issue_date
    assert TODAY - timedelta(days=560) <= first <= TODAY - timedelta(days=500)
    assert invoices.filter(issue_date__gte=TODAY - timedelta(days=14)).exists()


def test_open_receivables_fall_in_every_aging_bucket(demo, db):
    buckets = aging(demo, TODAY)
    assert {"EUR", "GBP", "USD"} <= set(buckets)
    assert all(buckets["EUR"][key] > 0 for key in BUCKET_KEYS)


def test_every_invoice_obeys_the_ledger_invariants(demo, db):
    invoices = scoped(Invoice, demo).annotate(
        paid=Sum("allocations__amount", filter=Q(allocations__payment__isnull=False)),
        credited=Sum("allocations__amount", filter=Q(allocations__credit_note__isnull=False)),
    )
    for invoice in invoices:
        assert invoice.balance >= 0, invoice.number
        assert invoice.amount_paid == (invoice.paid or ZERO), invoice.number
        assert invoice.amount_credited == (invoice.credited or ZERO), invoice.number
        if invoice.status == InvoiceStatus.VOID:
            assert invoice.balance == 0 and invoice.paid is None and invoice.credited is None
            continue
        assert invoice.balance == (
            invoice.total
            - invoice.amount_paid
            - invoice.amount_credited
            - invoice.amount_written_off
        ), invoice.number
        if invoice.amount_written_off:
            expected = InvoiceStatus.WRITTEN_OFF
        elif invoice.balance == 0:
            expected = InvoiceStatus.PAID
        elif invoice.balance < invoice.total:
            expected = InvoiceStatus.PARTIALLY_PAID
        else:
            expected = InvoiceStatus.OPEN
        assert invoice.status == expected, invoice.number
        assert (invoice.paid_on is not None) == (expected == InvoiceStatus.PAID), invoice.number


def test_payments_and_credit_notes_keep_what_they_did_not_apply(demo, db):
    for model in (Payment, CreditNote):
        rows = scoped(model, demo).annotate(applied=Sum("allocations__amount"))
        for row in rows:
            assert row.unallocated == row.amount - (row.applied or ZERO), row


def test_nothing_is_dated_after_today_or_applied_before_its_invoice(demo, db):
    assert not scoped(Invoice, demo).filter(issue_date__gt=TODAY).exists()
    assert not scoped(Payment, demo).filter(received_on__gt=TODAY).exists()
    assert not scoped(CreditNote, demo).filter(issued_on__gt=TODAY).exists()
    assert not scoped(Allocation, demo).filter(applied_on__gt=TODAY).exists()
    assert (
        not scoped(Invoice, demo)
        .filter(Q(written_off_on__gt=TODAY) | Q(voided_on__gt=TODAY) | Q(paid_on__gt=TODAY))
        .exists()
    )
    assert not scoped(Allocation, demo).filter(applied_on__lt=F("invoice__issue_date")).exists()


def test_it_covers_the_awkward_cases(demo, db):
    statuses = set(scoped(Invoice, demo).values_list("status", flat=True))
    assert {
        InvoiceStatus.OPEN,
        InvoiceStatus.PARTIALLY_PAID,
        InvoiceStatus.PAID,
        InvoiceStatus.WRITTEN_OFF,
        InvoiceStatus.VOID,
    } <= statuses
    assert 1 <= scoped(Invoice, demo).filter(status=InvoiceStatus.WRITTEN_OFF).count() <= 3
    assert 1 <= scoped(Invoice, demo).filter(status=InvoiceStatus.VOID).count() <= 5
    assert scoped(CreditNote, demo).count() >= 5
    assert scoped(Payment, demo).filter(unallocated__gt=0).exists()
    several = scoped(Payment, demo).annotate(n=Count("allocations")).filter(n__gt=1)
    assert several.exists()
    # Disputes: still open more than 90 days after the due date.
    assert (
        scoped(Invoice, demo)
        .filter(
            status__in=[InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID],
            due_date__lt=TODAY - timedelta(days=90),
        )
        .count()
        >= 5
    )


def test_customers_pay_in_recognisably_different_ways(demo, db):
    habits = payment_behaviour(demo).values()
    prompt = [b for b in habits if b.average_days_late <= 3]
    chronic = [b for b in habits if b.average_days_late >= 30]
    assert len(prompt) >= 10 and len(chronic) >= 5


def test_running_twice_changes_nothing(demo, db):
    before, data = counts(demo), fingerprint(demo)
    output = seed()
    assert "already there" in output
    assert counts(demo) == before
    assert fingerprint(demo) == data


def test_running_again_resets_the_demo_password(demo, db, client):
    user = User.objects.get(email=DEMO_EMAIL)
    user.set_password("forgotten")
    user.save()
    seed()
    assert log_in(client, DEMO_EMAIL, DEMO_PASSWORD)
    assert Membership.objects.filter(tenant=demo, user=user).count() == 1


def test_reset_rebuilds_the_same_data_for_the_same_day(demo, db):
    before, data = counts(demo), fingerprint(demo)
    output = seed(reset=True)
    assert "created" in output and "EUR" in output
    assert counts(demo) == before
    assert fingerprint(demo) == data
