"""Outgoing webhooks: a tenant's endpoints (subscriptions), the deliveries to them — the
webhook outbox, rows rather than broker messages — and how far invoice.overdue has been
announced."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kapittx.models import TenantOwned


class WebhookSubscription(TenantOwned):
    """An endpoint of the tenant's that is sent the events it asks for, signed with its
    own secret."""

    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, help_text="The event types sent here.")
    secret_encrypted = models.TextField(
        help_text="The signing secret (whsec_…), encrypted like provider credentials."
    )
    secret_hint = models.CharField(
        max_length=16, help_text="The secret's first characters, to tell secrets apart."
    )
    enabled = models.BooleanField(default=True)
    failure_count = models.PositiveIntegerField(
        default=0, help_text="Failed attempts since the last delivery that succeeded."
    )
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "enabled"], name="webhook_sub_tenant_enabled"),
        ]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return event_type in self.event_types


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # waiting for its next attempt
    DELIVERING = "delivering", "Delivering"  # a worker is calling the endpoint
    SUCCEEDED = "succeeded", "Succeeded"  # the endpoint answered 2xx
    FAILED = "failed", "Failed"  # given up: every attempt failed, or the endpoint said 410
    CANCELLED = "cancelled", "Cancelled"  # its endpoint was disabled before it went


class WebhookDelivery(TenantOwned):
    """One event for one endpoint: the body as signed and sent, and its last attempt."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(
        max_length=40, help_text="msg_…: the webhook-id header, the same on every attempt."
    )
    event_type = models.CharField(max_length=60)
    body = models.TextField(help_text="The JSON envelope exactly as it is signed and sent.")
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker took it to call the endpoint."
    )
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, help_text="The start of the last answer.")
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "subscription", "event_id"], name="webhook_delivery_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "subscription", "created_at"], name="webhook_delivery_log"
            ),
            # A tenant's worker claims what is due; partial, so it holds only waiting rows.
            models.Index(
                fields=["tenant", "next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_pending",
            ),
            # Not led by the tenant: the minute tick asks which tenants have deliveries due
            # now, across tenants; as a range on the time it reads only the rows due, not
            # the backlog waiting for later attempts.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due",
            ),
            models.Index(
                fields=["tenant", "claimed_at"],
                condition=Q(status="delivering"),
                name="webhook_delivery_claimed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class OverdueWatermark(TenantOwned):
    """invoice.overdue has been announced for the tenant's invoices due up to this day."""

    announced_through = models.DateField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tenant_id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="overdue_watermark_unique"),
        ]

    def __str__(self) -> str:
        return f"tenant {self.tenant_id} through {self.announced_through}"
