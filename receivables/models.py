"""Receivables data: customers and their contacts, invoices, payments, credit notes, allocations.

Balances and statuses are written only by :mod:`receivables.ledger`.
"""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kapittx.localtime import local_today
from kapittx.models import (
    TenantOwned,
    Tracked,
    country_validator,
    currency_validator,
    validate_time_zone,
)
from kapittx.money import STORED_DECIMALS, rounded
from receivables.phones import to_e164

ZERO = Decimal("0.00")


def money_field(**kwargs) -> models.DecimalField:
    """An amount: 12 digits before the point and three after, exact in every ISO 4217
    currency (the Kuwaiti dinar has three minor digits); see ``kapittx.money``."""
    return models.DecimalField(max_digits=15, decimal_places=STORED_DECIMALS, **kwargs)


class Customer(TenantOwned, Tracked):
    external_id = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    country = models.CharField(max_length=2, blank=True, validators=[country_validator])
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Empty means the tenant's time zone.",
    )
    language = models.CharField(max_length=10, blank=True)
    currency = models.CharField(max_length=3, validators=[currency_validator])
    credit_limit = money_field(null=True, blank=True)
    payment_terms_days = models.PositiveIntegerField(default=30)
    tags = models.JSONField(default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member (usually sales) who owns the relationship.",
    )
    preferred_channels = models.JSONField(default=list, blank=True)
    opted_out_channels = models.JSONField(default=list, blank=True)
    do_not_contact = models.BooleanField(default=False)
    reminders_paused_until = models.DateField(null=True, blank=True)
    reminders_on_hold = models.BooleanField(
        default=False, help_text="Held until a member acts, e.g. after the customer replied."
    )
    reminders_hold_reason = models.CharField(max_length=200, blank=True)
    # Payment habits, refreshed by receivables.behaviour whenever allocations change, so
    # segments can filter on them in SQL.
    average_days_late = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    share_paid_late = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "external_id"], name="customer_unique_external_id"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "name"], name="customer_tenant_name"),
            models.Index(fields=["tenant", "updated_at", "id"], name="customer_tenant_updated"),
        ]

    def __str__(self) -> str:
        return self.name

    def effective_time_zone(self) -> str:
        return self.time_zone or self.tenant.time_zone

    def local_today(self, now: datetime | None = None) -> date:
        """Return the customer's own date at ``now`` (default: now)."""
        return local_today(now or timezone.now(), self.effective_time_zone())


class ContactRole(models.TextChoices):
    BILLING = "billing", "Billing"
    PRIMARY = "primary", "Primary"
    PURCHASING = "purchasing", "Purchasing"
    OTHER = "other", "Other"


class Contact(TenantOwned, Tracked):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=ContactRole.choices, default=ContactRole.BILLING)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True, help_text="E.164, e.g. +4930123456.")
    whatsapp = models.CharField(max_length=32, blank=True, help_text="E.164 WhatsApp number.")
    opted_out_channels = models.JSONField(default=list, blank=True)
    invalid_channels = models.JSONField(
        default=list, blank=True, help_text="Channels whose address bounced or was refused."
    )
    portal_link_generation = models.PositiveIntegerField(
        default=0,
        help_text="Signed into every payment-page link sent to the contact; raising it "
        "revokes them all.",
    )

    class Meta:
        ordering = ["customer_id", "role", "id"]
        indexes = [models.Index(fields=["tenant", "customer"], name="contact_tenant_customer")]

    def __str__(self) -> str:
        return self.name or self.email or self.phone

    def clean(self) -> None:
        """Write the phone and WhatsApp numbers in E.164, national ones read as numbers of the
        customer's country."""
        try:
            region = self.customer.country
        except Customer.DoesNotExist:
            region = ""
        errors = {}
        for field in ("phone", "whatsapp"):
            try:
                setattr(self, field, to_e164(getattr(self, field), region))
            except ValidationError as exc:
                errors[field] = exc.error_list
        if errors:
            raise ValidationError(errors)


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"  # not yet issued; not a receivable
    OPEN = "open", "Open"  # issued, nothing received yet
    PARTIALLY_PAID = "partially_paid", "Partially paid"  # something received, balance left
    PAID = "paid", "Paid"  # settled by payments and credits
    VOID = "void", "Void"  # cancelled; never was a receivable
    WRITTEN_OFF = "written_off", "Written off"  # the rest will not be collected


OPEN_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID)
#: Statuses of invoices that were real receivables at some time.
ISSUED_STATUSES = (
    InvoiceStatus.OPEN,
    InvoiceStatus.PARTIALLY_PAID,
    InvoiceStatus.PAID,
    InvoiceStatus.WRITTEN_OFF,
)


def still_owed(through: str = "") -> Q:
    """The condition of an open invoice: issued, not settled, something left to pay.

    ``through`` reaches the invoice through a relation, e.g. ``"invoice__"``.
    """
    return Q(**{f"{through}status__in": OPEN_STATUSES, f"{through}balance__gt": 0})


class InvoiceQuerySet(models.QuerySet):
    def open(self) -> "InvoiceQuerySet":
        """Invoices still owed (see ``still_owed``)."""
        return self.filter(still_owed())


class Invoice(TenantOwned, Tracked):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=64)
    external_id = models.CharField(max_length=100, blank=True)
    issue_date = models.DateField()
    due_date = models.DateField()
    currency = models.CharField(max_length=3, validators=[currency_validator])
    subtotal = money_field()
    tax = money_field(default=ZERO)
    total = money_field()
    amount_paid = money_field(default=ZERO)
    amount_credited = money_field(default=ZERO)
    amount_written_off = money_field(default=ZERO)
    balance = money_field()
    status = models.CharField(
        max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN
    )
    paid_on = models.DateField(null=True, blank=True)
    written_off_on = models.DateField(null=True, blank=True)
    voided_on = models.DateField(null=True, blank=True)
    po_number = models.CharField(max_length=64, blank=True)
    document_url = models.URLField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="invoice_unique_number"),
            models.UniqueConstraint(
                fields=["tenant", "external_id"],
                condition=~Q(external_id=""),
                name="invoice_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="invoice_balance_not_negative"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="invoice_total_not_negative"),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("issue_date")),
                name="invoice_due_after_issue",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "due_date"], name="invoice_tenant_status_due"),
            models.Index(fields=["tenant", "customer", "status"], name="invoice_tenant_customer"),
            models.Index(fields=["tenant", "issue_date"], name="invoice_tenant_issue"),
            models.Index(fields=["tenant", "updated_at", "id"], name="invoice_tenant_updated"),
        ]

    def __str__(self) -> str:
        return self.number

    def days_overdue(self, today) -> int:
        return max((today - self.due_date).days, 0)


class PaymentSource(models.TextChoices):
    MANUAL = "manual", "Recorded by hand"
    API = "api", "From the API"
    IMPORT = "import", "From an imported file"
    #: The paid part of an imported invoice, so its balance equals the export's.
    IMPORTED_BALANCE = "imported_balance", "Paid before import"


class Payment(TenantOwned, Tracked):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payments")
    amount = money_field()
    currency = models.CharField(max_length=3, validators=[currency_validator])
    received_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True)
    method = models.CharField(max_length=40, blank=True)
    external_id = models.CharField(max_length=100, blank=True, default="", db_default="")
    source = models.CharField(
        max_length=20,
        choices=PaymentSource.choices,
        default=PaymentSource.MANUAL,
        db_default=PaymentSource.MANUAL,
    )
    unallocated = money_field(default=ZERO)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "external_id"],
                condition=~Q(external_id=""),
                name="payment_unique_external_id",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(unallocated__gte=0) & Q(unallocated__lte=models.F("amount")),
                name="payment_unallocated_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "customer", "received_on"], name="payment_tenant_cust"),
            models.Index(fields=["tenant", "updated_at", "id"], name="payment_tenant_updated"),
        ]

    def __str__(self) -> str:
        return f"{rounded(self.amount, self.currency)} {self.currency} on {self.received_on}"


class CreditNote(TenantOwned, Tracked):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField(max_length=64)
    amount = money_field()
    currency = models.CharField(max_length=3, validators=[currency_validator])
    issued_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    unallocated = money_field(default=ZERO)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="credit_note_unique_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_note_amount_positive"),
            models.CheckConstraint(
                condition=Q(unallocated__gte=0) & Q(unallocated__lte=models.F("amount")),
                name="credit_note_unallocated_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Allocation(TenantOwned):
    """Part of a payment or a credit note applied to one invoice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    credit_note = models.ForeignKey(
        CreditNote, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    amount = money_field()
    applied_on = models.DateField(help_text="The payment's or credit note's date.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["applied_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.CheckConstraint(
                condition=(Q(payment__isnull=False) & Q(credit_note__isnull=True))
                | (Q(payment__isnull=True) & Q(credit_note__isnull=False)),
                name="allocation_one_source",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "invoice"], name="allocation_tenant_invoice"),
            models.Index(fields=["tenant", "applied_on"], name="allocation_tenant_applied"),
        ]

    def __str__(self) -> str:
        return f"{self.amount.normalize():f} to {self.invoice_id}"


class HabitsRefresh(models.Model):
    """When a tenant's customer payment habits may next change (``receivables.behaviour``).

    ``due_at`` is now once an invoice of the tenant changed (paid, reopened, re-dated,
    moved, deleted), else the start of the day its oldest counted payment leaves the habits'
    window; None when neither can happen. The hourly refresh reads only the tenants whose
    moment has come, through the one index of this narrow table: a tenant whose books did
    not move costs it nothing.
    """

    tenant = models.OneToOneField(
        "kapittx.Tenant", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tenant"]
        indexes = [
            models.Index(
                fields=["due_at", "tenant"],
                condition=Q(due_at__isnull=False),
                name="habits_refresh_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id}: habits due {self.due_at}"
