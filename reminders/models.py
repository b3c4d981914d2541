"""Reminder data: workflows and their steps, segments, templates, send settings and the outbox.

Long because it declares every table of the app, one short class each; the behaviour lives in
``setup/``, ``messages/``, ``outbox/`` and ``channels/``.
"""

from datetime import UTC, datetime, time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kapittx.models import Tenant, TenantOwned
from receivables.models import Contact, Customer, Invoice, money_field
from reminders.channels.registry import CHANNEL_CHOICES

PORTAL_LINK_DAYS, MOST_PORTAL_LINK_DAYS = 60, 365  # a payment-page link's days: default, most


class Tone(models.TextChoices):
    COURTESY = "courtesy", "Courtesy"  # before or on the due date
    REMINDER = "reminder", "Reminder"  # first nudge after the due date
    FIRM = "firm", "Firm"  # clearly overdue, asks for action
    FINAL = "final", "Final notice"  # last message before escalation


class ReminderSettings(models.Model):
    """How and when a tenant's reminders go out; one row per tenant."""

    tenant = models.OneToOneField(
        Tenant, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    send_weekdays = models.JSONField(
        default=list, help_text="ISO weekdays allowed, 1 = Monday … 7 = Sunday."
    )
    send_from = models.TimeField(default=time(9, 0))
    send_until = models.TimeField(default=time(17, 0))
    skip_public_holidays = models.BooleanField(default=True)
    min_days_between = models.PositiveSmallIntegerField(
        default=3,
        validators=[MaxValueValidator(60)],
        help_text="Days a customer is left alone after a day they got a reminder (0: no "
        "limit). Reminders of one day go together; tasks for the team do not count.",
    )
    sender_name = models.CharField(max_length=100, blank=True)
    sender_email = models.EmailField(blank=True)
    reply_to = models.EmailField(blank=True)
    brand_color = models.CharField(max_length=7, default="#0f5bd8")
    signature = models.TextField(blank=True)
    sending_enabled = models.BooleanField(default=True)
    portal_link_days = models.PositiveSmallIntegerField(
        default=PORTAL_LINK_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MOST_PORTAL_LINK_DAYS)],
        help_text="How long the payment-page link in a message works. A customer with an "
        "expired link can have a fresh one sent to their address on file.",
    )

    class Meta:
        ordering = ["tenant_id"]

    def __str__(self) -> str:
        return f"Reminder settings of {self.tenant}"

    def weekdays(self) -> list[int]:
        return self.send_weekdays or [1, 2, 3, 4, 5]


class Workflow(TenantOwned):
    """A cadence: ordered steps relative to the due date, optionally repeating the last."""

    name = models.CharField(max_length=100)
    is_default = models.BooleanField(default=False)
    per_invoice = models.BooleanField(
        default=False, help_text="One message per invoice instead of one per customer and step."
    )
    repeat_every_days = models.PositiveIntegerField(null=True, blank=True)
    repeat_max_times = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="workflow_unique_name"),
            models.UniqueConstraint(
                fields=["tenant"], condition=Q(is_default=True), name="workflow_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PinnedWorkflow(TenantOwned):
    """A customer who follows one workflow, whatever segment they are in."""

    customer = models.OneToOneField(
        Customer, primary_key=True, on_delete=models.CASCADE, related_name="pinned_workflow"
    )
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="pins")

    class Meta:
        ordering = ["customer_id"]
        indexes = [models.Index(fields=["tenant", "workflow"], name="pinned_workflow_tenant")]

    def __str__(self) -> str:
        return f"{self.customer_id} follows {self.workflow_id}"


class Step(TenantOwned):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    offset_days = models.IntegerField(help_text="Days from the due date; negative = before.")
    channel = models.CharField(max_length=20, choices=CHANNEL_CHOICES)
    template_key = models.CharField(max_length=60)
    tone = models.CharField(max_length=20, choices=Tone.choices, default=Tone.REMINDER)
    min_amount = money_field(default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For task steps: who gets the task (default: the owner).",
    )

    class Meta:
        ordering = ["workflow_id", "offset_days", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "workflow", "offset_days", "channel"], name="step_unique_offset"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workflow}: day {self.offset_days:+d} {self.channel}"


class Segment(TenantOwned):
    """Customers matching ``rules`` follow ``workflow``; the lowest priority number wins."""

    name = models.CharField(max_length=100)
    priority = models.PositiveIntegerField(default=100)
    rules = models.JSONField(default=list, help_text="List of {field, op, value}; all must hold.")
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="segments")

    class Meta:
        ordering = ["priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="segment_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Template(TenantOwned):
    """One message in one language, for every channel: email parts, short text, voice script."""

    # Found through the tenant's unique key (tenant, key, language), never by key alone.
    key = models.SlugField(max_length=60, db_index=False)
    language = models.CharField(max_length=10, default="en")
    name = models.CharField(max_length=100)
    subject = models.CharField(max_length=300, blank=True)
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    short_text = models.TextField(blank=True, help_text="SMS and WhatsApp.")
    voice_script = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "key", "language"], name="template_unique_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class DispatchStatus(models.TextChoices):
    PLANNED = "planned", "Planned"  # created by the sweep, waiting for its send moment
    QUEUED = "queued", "Queued"  # handed to a worker
    SENDING = "sending", "Sending"  # claimed by a worker, provider being called
    SENT = "sent", "Sent"  # the provider accepted it
    DELIVERED = "delivered", "Delivered"
    OPENED = "opened", "Opened"
    CLICKED = "clicked", "Clicked"
    REPLIED = "replied", "Replied"
    FAILED = "failed", "Failed"  # gave up after errors
    BOUNCED = "bounced", "Bounced"
    BLOCKED = "blocked", "Blocked"  # a contact rule stopped it; the reason says which
    CANCELLED = "cancelled", "Cancelled"  # nothing left to chase when its moment came
    SKIPPED = "skipped", "Skipped"  # an older step overtaken while the sweep was not running
    # The worker stopped while the provider was being called: it may have left, so it is not
    # sent again by itself; a member checks and may send it again.
    INTERRUPTED = "interrupted", "Interrupted"


#: Part of the key of a reminder a member sent by hand: no step planned it, and the sweep
#: never supersedes it.
MANUAL_KEY = ":manual:"


class Dispatch(TenantOwned):
    """One reminder in the outbox. ``key`` says what it is, so it can exist only once."""

    # The sweep writes dispatches by the hundred thousand after an import, so every index and
    # key check here is paid for many times: ``tenant`` is served by the keys that lead with
    # it, and the workflow and step are a record of what planned the reminder (Django sets
    # them to NULL when those are deleted) rather than keys the database must check per row.
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=120)
    voice = models.CharField(
        max_length=40,
        blank=True,
        db_default="",
        help_text="The customer's reminders of one day share it, and each lists the "
        "invoices of all (see reminders.outbox.one_voice).",
    )
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="dispatches")
    workflow = models.ForeignKey(
        Workflow, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    step = models.ForeignKey(
        Step, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    repeat = models.PositiveIntegerField(
        default=0, help_text="0 for the step itself, n for its n-th repeat."
    )
    channel = models.CharField(max_length=20, choices=CHANNEL_CHOICES)
    tone = models.CharField(max_length=20, choices=Tone.choices)
    template_key = models.CharField(max_length=60)
    invoices = models.ManyToManyField(Invoice, through="DispatchInvoice", related_name="+")
    status = models.CharField(
        max_length=20, choices=DispatchStatus.choices, default=DispatchStatus.PLANNED
    )
    reason = models.CharField(max_length=200, blank=True, help_text="Why blocked or skipped.")
    due_at = models.DateTimeField(help_text="When the step fell due.")
    send_after = models.DateTimeField(help_text="The next moment the contact rules allow.")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, db_index=False
    )
    recipient = models.CharField(max_length=254, blank=True)
    language = models.CharField(max_length=10, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    provider_message_id = models.CharField(max_length=120, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker claimed it to send it."
    )
    provider_called_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The moment just before the provider was called: set, the message may have "
        "left even if the worker stopped before it heard back.",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-send_after", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="dispatch_unique_key"),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "status", "send_after"],
                condition=Q(status__in=["planned", "queued"]),
                name="dispatch_pending",
            ),
            models.Index(
                fields=["tenant", "claimed_at"],
                condition=Q(status="sending"),
                name="dispatch_sending",
            ),
            # Not led by the tenant: the minute tick asks which tenants have reminders to
            # release or to hand out again, across tenants (``outbox.due_tenants``); as a range
            # on the moment each reads only the rows due, not every tenant's.
            models.Index(
                fields=["send_after", "tenant"],
                condition=Q(status="planned"),
                name="dispatch_planned_due",
            ),
            models.Index(
                fields=["queued_at", "tenant"],
                condition=Q(status="queued"),
                name="dispatch_queued_due",
            ),
            models.Index(fields=["tenant", "customer", "created_at"], name="dispatch_tenant_cust"),
            models.Index(
                fields=["provider_message_id"],
                condition=~Q(provider_message_id=""),
                name="dispatch_provider_id",
            ),
            models.Index(
                fields=["contact"], condition=Q(contact__isnull=False), name="dispatch_contact"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class DispatchInvoice(TenantOwned):
    """An invoice a reminder is about. An invoice is in one reminder per step and repeat."""

    # Written by the hundred thousand like dispatches, by the sweep alone, from invoices it has
    # just read: the tenant is the dispatch's own and leads the unique key, and the invoice,
    # step and dispatch are checked by that code path (Django cascades deletes). The sweep
    # writes lines only to reminders it holds locked until it commits, so the database's
    # key check, one per line queued until the commit, would repeat the lock at about a
    # third of the insert's cost.
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    dispatch = models.ForeignKey(
        Dispatch, on_delete=models.CASCADE, related_name="lines", db_constraint=False
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    step = models.ForeignKey(
        Step, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    repeat = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["dispatch_id", "invoice_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "invoice", "step", "repeat"], name="dispatch_invoice_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispatch_id} → {self.invoice_id}"


class ReminderPosition(TenantOwned):
    """Where an open invoice stands on its workflow, kept by the sweep (``reminders.outbox.sweep``).

    ``reminded_offset`` is the offset (days from the due date) of the last reminder handled;
    ``next_at`` the moment to look at the invoice again: the start of the day its next step
    falls due in the customer's time zone (of the day its hold may end, while it is held),
    None when no step is left, or ``AT_NEXT_SWEEP``
    when something changed (a new or reopened invoice, an edited customer, tenant, workflow
    or segment) and the next sweep must place it again.
    A tick reads only positions whose day has come, through the one index of this narrow
    table; the sweep rewrites positions by the hundred thousand after an import, which on the
    invoice row itself would update its many indexes too.
    """

    AT_NEXT_SWEEP = datetime(1, 1, 1, tzinfo=UTC)

    invoice = models.OneToOneField(
        Invoice, primary_key=True, on_delete=models.CASCADE, related_name="reminder_position"
    )
    # The invoice's own tenant; the invoice's key already guards it.
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    reminded_offset = models.IntegerField(null=True, blank=True)
    next_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "next_at"], name="reminder_position_due"),
            # The minute tick asks which tenants have positions due, across tenants
            # (``outbox.due_tenants``): led by the moment, it reads only the rows due now.
            models.Index(
                fields=["next_at", "tenant"],
                condition=Q(next_at__isnull=False),
                name="reminder_position_moment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: after {self.reminded_offset}, next {self.next_at}"


class DeliveryEvent(TenantOwned):
    """A provider's report about a dispatch, kept once per provider event id."""

    dispatch = models.ForeignKey(
        Dispatch, null=True, on_delete=models.CASCADE, related_name="events"
    )
    provider = models.CharField(max_length=30)
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "provider", "event_id"], name="delivery_event_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type}"


class ProviderAccount(TenantOwned):
    """A tenant's own provider credentials, kept encrypted (``reminders.channels.accounts``)."""

    class Provider(models.TextChoices):
        TWILIO = "twilio", "Twilio"
        EMAIL = "email", "Email (anymail)"

    provider = models.CharField(max_length=20, choices=Provider.choices)
    secret_config = models.TextField(help_text="Encrypted JSON: account SID, token, numbers …")
    # Twilio's SID in clear: an inbound webhook names its account; only that row is decrypted.
    account_sid = models.CharField(max_length=64, blank=True, db_default="")
    rate_per_second = models.PositiveIntegerField(default=10)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["provider"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "provider"], name="provider_account_unique"),
        ]
        # Not led by the tenant: a webhook names the account before the tenant is known.
        indexes = [
            models.Index(
                fields=["account_sid"], condition=~Q(account_sid=""), name="provider_account_sid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} for tenant {self.tenant_id}"
