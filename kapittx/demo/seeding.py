"""The demo tenant: created once with its members and their history; running again adds
nothing, ``reset`` builds the receivables again."""

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.db import transaction

from kapittx.actions import add_member
from kapittx.demo.history import History
from kapittx.models import Tenant, User
from kapittx.onboarding import create_tenant
from kapittx.roles import Role
from kapittx.tenancy import scoped
from receivables.behaviour import refresh_payment_habits
from receivables.models import Allocation, Contact, CreditNote, Customer, Invoice, Payment
from receivables.reports import Totals, totals

TENANT_SLUG = "demo"
TENANT_NAME = "Nordwind Supplies GmbH"
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "kapittx-demo"
#: What the demo tenant's reminders and payment page tell customers about paying.
DEMO_PAYMENT_INSTRUCTIONS = (
    "Bank transfer to Nordwind Supplies GmbH\n"
    "IBAN DE89 3704 0044 0532 0130 00 · BIC COBADEFFXXX\n"
    "Please quote the invoice number as the reference."
)


class Member(NamedTuple):
    email: str
    full_name: str
    role: str


# Everyone gets the demo password so each role's view can be tried.
MEMBERS = (
    Member(DEMO_EMAIL, "Anna Weber", Role.OWNER),
    Member("jonas.becker@example.com", "Jonas Becker", Role.COLLECTOR),
    Member("mira.schulz@example.com", "Mira Schulz", Role.SALES),
)


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    tenant: Tenant
    customers: int
    contacts: int
    invoices: int
    payments: int
    credit_notes: int
    receivables: list[Totals]


def seed_demo(today: date, *, reset: bool = False) -> DemoSummary:
    """Create the demo tenant, its members and its history up to ``today``, unless present.

    Members are always (re)created with the demo password; with ``reset`` the tenant's
    receivables are deleted and built again.
    """
    with transaction.atomic():
        tenant = _demo_tenant()
        _ensure_members(tenant)
        if reset:
            delete_receivables(tenant)
        created = not scoped(Invoice, tenant).exists()
        if created:
            sales = next(m.email for m in MEMBERS if m.role == Role.SALES)
            History(tenant, today, sales).build()
            refresh_payment_habits(tenant, today=today)
    return _summary(tenant, today, created)


def _demo_tenant() -> Tenant:
    tenant = Tenant.objects.filter(slug=TENANT_SLUG).first()
    if tenant is None:
        tenant = create_tenant(
            TENANT_SLUG, TENANT_NAME, currency="EUR", time_zone="Europe/Berlin", country="DE"
        )
        Tenant.objects.filter(pk=tenant.pk).update(payment_instructions=DEMO_PAYMENT_INSTRUCTIONS)
        tenant.payment_instructions = DEMO_PAYMENT_INSTRUCTIONS
    return tenant


def _ensure_members(tenant: Tenant) -> None:
    for member in MEMBERS:
        add_member(tenant, member.email, member.role, password=DEMO_PASSWORD)
        User.objects.filter(email=member.email).update(full_name=member.full_name)


def delete_receivables(tenant: Tenant) -> None:
    """Delete a tenant's customers and everything hanging off them, in PROTECT order."""
    for model in (Allocation, Payment, CreditNote, Invoice, Contact, Customer):
        scoped(model, tenant).delete()


def _summary(tenant: Tenant, today: date, created: bool) -> DemoSummary:
    return DemoSummary(
        created=created,
        tenant=tenant,
        customers=scoped(Customer, tenant).count(),
        contacts=scoped(Contact, tenant).count(),
        invoices=scoped(Invoice, tenant).count(),
        payments=scoped(Payment, tenant).count(),
        credit_notes=scoped(CreditNote, tenant).count(),
        receivables=totals(tenant, today),
    )
