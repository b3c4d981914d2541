"""Collections data: disputes, promises to pay, reported payments, tasks for members and the
activity timeline."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kapittx.models import TenantOwned
from receivables.models import Customer, Invoice, money_field


class Dispute(TenantOwned):
    """A customer contests an invoice; reminders about it stop while the dispute is open."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="disputes")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "invoice"],
                condition=Q(status="open"),
                name="dispute_one_open_per_invoice",
            )
        ]

    def __str__(self) -> str:
        return f"Dispute on {self.invoice}"


class PromiseToPay(TenantOwned):
    """The customer promised to pay by a date; reminders wait until that date has passed."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        KEPT = "kept", "Kept"
        BROKEN = "broken", "Broken"
        CANCELLED = "cancelled", "Cancelled"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="promises")
    promised_on = models.DateField()
    amount = money_field(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    source = models.CharField(max_length=20, blank=True, help_text="portal, voice, staff …")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "customer", "status"], name="promise_tenant_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} promises {self.promised_on}"


class Task(TenantOwned):
    """A manual action for a member: a call to make, a reply to read."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_at", "due_at", "id"]
        indexes = [models.Index(fields=["tenant", "done_at", "due_at"], name="task_tenant_open")]

    def __str__(self) -> str:
        return self.title


class PaymentReport(TenantOwned):
    """The customer's word that an invoice is paid; open until a member has checked it (by
    lifting the hold it put on reminders). One open report per invoice."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CHECKED = "checked", "Checked"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="payment_reports")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_on = models.DateField()
    reference = models.CharField(max_length=120, blank=True)
    source = models.CharField(max_length=20, blank=True, help_text="portal, staff …")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "invoice"],
                condition=Q(status="open"),
                name="payment_report_one_open_per_invoice",
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice} reported paid on {self.paid_on}"


class TimelineEvent(TenantOwned):
    """One entry on a customer's activity timeline; written only by ``collections_app.events``."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=40)
    message = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "customer", "created_at"], name="timeline_tenant_cust"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.message[:40]}"
