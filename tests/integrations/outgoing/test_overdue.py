"""invoice.overdue is announced once per invoice, on the tenant's first day after its due date,
while the invoice is still owed; a missed day is caught up."""

import json
from datetime import date
from decimal import Decimal

from integrations.outgoing.models import OverdueWatermark, WebhookDelivery
from integrations.outgoing.overdue import announce, tenants_to_announce
from kapittx.onboarding import create_tenant
from receivables import ledger
from tests.reminders.scenario import local, make_customer


def invoice(tenant, customer, number, due, *, external_id="", draft=False):
    return ledger.create_invoice(
        tenant,
        customer,
        number=number,
        issue_date=date(2026, 3, 1),
        due_date=due,
        subtotal=Decimal("500.00"),
        tax=Decimal("95.00"),
        external_id=external_id,
        draft=draft,
    )


def announced(tenant) -> list[str]:
    rows = WebhookDelivery.objects.filter(tenant=tenant, event_type="invoice.overdue")
    return sorted(json.loads(row.body)["data"]["number"] for row in rows)


def test_an_invoice_is_announced_once_the_day_after_its_due_date(tenant, subscribe):
    # Given: Acme (Berlin) with invoices due on several days, one paid, one a draft
    subscribe(tenant, ["invoice.overdue"])
    customer, payer = make_customer(tenant, "C-1"), make_customer(tenant, "C-2")
    invoice(tenant, customer, "DUE-18", date(2026, 3, 18))
    due_19 = invoice(tenant, customer, "DUE-19", date(2026, 3, 19), external_id="X-19")
    invoice(tenant, customer, "DUE-20", date(2026, 3, 20))
    invoice(tenant, customer, "DRAFT-19", date(2026, 3, 19), draft=True)
    invoice(tenant, payer, "PAID-19", date(2026, 3, 19))
    ledger.record_payment(tenant, payer, amount="595.00", received_on=date(2026, 3, 19))

    # When: the first run comes half an hour into the 20th, Berlin time (still the 19th in UTC)
    assert announce(tenant, local("2026-03-20 00:30")) == 1

    # Then: the open invoice due yesterday is announced; the one overdue before is not
    assert announced(tenant) == ["DUE-19"]
    [row] = WebhookDelivery.objects.filter(tenant=tenant)
    assert json.loads(row.body)["data"] == {
        "id": due_19.pk,
        "external_id": "X-19",
        "number": "DUE-19",
        "customer": customer.pk,
        "customer_external_id": "C-1",
        "status": "open",
        "currency": "EUR",
        "total": "595.00",
        "balance": "595.00",
        "issue_date": "2026-03-01",
        "due_date": "2026-03-19",
        "days_overdue": 1,
    }
    # And again the same day: nothing more
    assert announce(tenant, local("2026-03-20 18:00")) == 0
    assert announced(tenant) == ["DUE-19"]


def test_missed_days_are_caught_up_without_repeating_any(tenant, subscribe):
    subscribe(tenant, ["invoice.overdue"])
    customer = make_customer(tenant, "C-1")
    for day in (19, 20, 21, 22, 23):
        invoice(tenant, customer, f"DUE-{day}", date(2026, 3, day))
    announce(tenant, local("2026-03-20 06:00"))

    # No run for three days; then two at once.
    assert announce(tenant, local("2026-03-23 06:00")) == 3
    assert announce(tenant, local("2026-03-23 06:00")) == 0

    assert announced(tenant) == ["DUE-19", "DUE-20", "DUE-21", "DUE-22"]
    assert OverdueWatermark.objects.get(tenant=tenant).announced_through == date(2026, 3, 22)


def test_the_day_is_the_tenants_own(tenant, db, subscribe):
    utc_tenant = create_tenant("initech", "Initech", currency="EUR", time_zone="UTC")
    subscribe(tenant, ["invoice.overdue"])
    subscribe(utc_tenant, ["invoice.overdue"])
    for owner in (tenant, utc_tenant):
        invoice(owner, make_customer(owner, "C-1"), "DUE-19", date(2026, 3, 19))
    moment = local("2026-03-20 00:30")  # 23:30 UTC on the 19th

    assert (announce(tenant, moment), announce(utc_tenant, moment)) == (1, 0)
    assert announce(utc_tenant, local("2026-03-20 01:30")) == 1


def test_without_endpoints_the_days_still_pass(tenant):
    invoice(tenant, make_customer(tenant, "C-1"), "DUE-19", date(2026, 3, 19))
    assert announce(tenant, local("2026-03-20 06:00")) == 1
    assert not WebhookDelivery.objects.exists()
    assert OverdueWatermark.objects.get(tenant=tenant).announced_through == date(2026, 3, 19)


def test_only_tenants_with_invoices_to_announce_get_a_run_and_the_others_days_pass(tenant, db):
    # Given: Acme owes an invoice due on the 19th; Globex's is due next month; Initech has none
    globex = create_tenant("globex", "Globex", currency="EUR", time_zone="Europe/Berlin")
    initech = create_tenant("initech", "Initech", currency="EUR", time_zone="UTC")
    invoice(tenant, make_customer(tenant, "C-1"), "DUE-19", date(2026, 3, 19))
    invoice(globex, make_customer(globex, "C-1"), "DUE-APR", date(2026, 4, 20))

    # When: the hourly job looks early on the 20th, Berlin time (still the 19th in UTC)
    found = tenants_to_announce(local("2026-03-20 00:30"))

    # Then: Acme alone gets a run; the others' days pass as if they had run, each its own
    assert found == [tenant.pk]
    marks = dict(OverdueWatermark.objects.values_list("tenant_id", "announced_through"))
    assert marks == {globex.pk: date(2026, 3, 19), initech.pk: date(2026, 3, 18)}
    assert announce(tenant, local("2026-03-20 00:30")) == 1
    # An hour later Initech's day has turned too, with nothing to announce either.
    assert tenants_to_announce(local("2026-03-20 01:30")) == []
    assert OverdueWatermark.objects.get(tenant=initech).announced_through == date(2026, 3, 19)


def test_a_quiet_tenant_is_found_the_day_after_an_invoice_falls_due(tenant, subscribe):
    # Given: days passed with nothing to announce, then an invoice was entered long overdue
    # and another falls due on the 21st
    subscribe(tenant, ["invoice.overdue"])
    customer = make_customer(tenant, "C-1")
    assert tenants_to_announce(local("2026-03-20 06:00")) == []
    invoice(tenant, customer, "DUE-10", date(2026, 3, 10))
    invoice(tenant, customer, "DUE-21", date(2026, 3, 21))
    assert tenants_to_announce(local("2026-03-21 06:00")) == []

    # When: the 22nd comes
    found = tenants_to_announce(local("2026-03-22 06:00"))

    # Then: the tenant has a run, which announces the invoice due yesterday, not the one
    # overdue before it was entered
    assert found == [tenant.pk]
    assert announce(tenant, local("2026-03-22 06:00")) == 1
    assert announced(tenant) == ["DUE-21"]
