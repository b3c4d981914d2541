"""What the API answers with: each object as JSON, amounts as strings in their currency's
minor units (``"1234.50"``, ``"1200"`` for yen), timestamps in UTC with ``Z``."""

from operator import attrgetter

from rest_framework import serializers

from collections_app.models import Dispute, PromiseToPay, TimelineEvent
from integrations.outgoing.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from kapittx.money import rounded
from receivables.models import Allocation, Contact, CreditNote, Customer, Invoice, Payment
from reminders.models import Dispatch, Step, Workflow


class Amount(serializers.DecimalField):
    """An amount written to the minor units of the currency at ``currency`` (a dotted
    attribute path from the object)."""

    def __init__(self, currency: str = "currency", **kwargs) -> None:
        self.currency_of = attrgetter(currency)
        super().__init__(max_digits=15, decimal_places=3, read_only=True, **kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        return None if value is None else (value, self.currency_of(instance))

    def to_representation(self, pair) -> str:
        value, currency = pair
        return str(rounded(value, currency))


class ContactOut(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "email", "phone", "whatsapp", "role", "updated_at"]


class CustomerOut(serializers.ModelSerializer):
    credit_limit = Amount(allow_null=True)
    contacts = ContactOut(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "external_id",
            "name",
            "currency",
            "address",
            "country",
            "time_zone",
            "language",
            "tags",
            "credit_limit",
            "payment_terms_days",
            "do_not_contact",
            "reminders_paused_until",
            "contacts",
            "created_at",
            "updated_at",
        ]
        ref_name = "Customer"


class InvoiceOut(serializers.ModelSerializer):
    customer_external_id = serializers.CharField(source="customer.external_id", read_only=True)
    subtotal = Amount()
    tax = Amount()
    total = Amount()
    amount_paid = Amount()
    amount_credited = Amount()
    amount_written_off = Amount()
    balance = Amount()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "external_id",
            "number",
            "customer",
            "customer_external_id",
            "issue_date",
            "due_date",
            "currency",
            "subtotal",
            "tax",
            "total",
            "amount_paid",
            "amount_credited",
            "amount_written_off",
            "balance",
            "status",
            "paid_on",
            "written_off_on",
            "voided_on",
            "po_number",
            "document_url",
            "created_at",
            "updated_at",
        ]
        ref_name = "Invoice"


class AllocationOut(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)
    invoice_external_id = serializers.CharField(source="invoice.external_id", read_only=True)
    amount = Amount(currency="invoice.currency")

    class Meta:
        model = Allocation
        fields = ["invoice", "invoice_number", "invoice_external_id", "amount", "applied_on"]
        ref_name = "Allocation"


class PaymentOut(serializers.ModelSerializer):
    customer_external_id = serializers.CharField(source="customer.external_id", read_only=True)
    amount = Amount()
    unallocated = Amount()
    allocations = AllocationOut(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "external_id",
            "customer",
            "customer_external_id",
            "amount",
            "currency",
            "received_on",
            "reference",
            "method",
            "source",
            "unallocated",
            "allocations",
            "created_at",
            "updated_at",
        ]
        ref_name = "Payment"


class CreditNoteOut(serializers.ModelSerializer):
    customer_external_id = serializers.CharField(source="customer.external_id", read_only=True)
    amount = Amount()
    unallocated = Amount()
    allocations = AllocationOut(many=True, read_only=True)

    class Meta:
        model = CreditNote
        fields = [
            "id",
            "number",
            "customer",
            "customer_external_id",
            "amount",
            "currency",
            "issued_on",
            "reason",
            "unallocated",
            "allocations",
            "created_at",
            "updated_at",
        ]
        ref_name = "CreditNote"


class DispatchOut(serializers.ModelSerializer):
    invoices = serializers.SerializerMethodField()

    class Meta:
        model = Dispatch
        fields = [
            "id",
            "customer",
            "workflow",
            "step",
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
            "attempts",
            "sent_at",
            "invoices",
            "created_at",
            "updated_at",
        ]
        ref_name = "Dispatch"

    def get_invoices(self, dispatch: Dispatch) -> list[int]:
        """The ids of the invoices the reminder is about."""
        return [line.invoice_id for line in dispatch.lines.all()]


class TimelineEventOut(serializers.ModelSerializer):
    class Meta:
        model = TimelineEvent
        fields = ["id", "customer", "kind", "message", "data", "created_at"]
        ref_name = "TimelineEvent"


class StepOut(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = ["id", "offset_days", "channel", "template_key", "tone", "min_amount"]
        ref_name = "WorkflowStep"


class WorkflowOut(serializers.ModelSerializer):
    steps = StepOut(many=True, read_only=True)

    class Meta:
        model = Workflow
        fields = [
            "id",
            "name",
            "is_default",
            "per_invoice",
            "repeat_every_days",
            "repeat_max_times",
            "steps",
            "created_at",
        ]
        ref_name = "Workflow"


class DisputeOut(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="invoice.customer_id", read_only=True)

    class Meta:
        model = Dispute
        fields = ["id", "invoice", "customer", "status", "reason", "opened_at", "resolved_at"]
        ref_name = "Dispute"


class PromiseOut(serializers.ModelSerializer):
    amount = serializers.SerializerMethodField()

    class Meta:
        model = PromiseToPay
        fields = [
            "id",
            "customer",
            "promised_on",
            "amount",
            "currency",
            "status",
            "source",
            "created_at",
        ]
        ref_name = "Promise"

    def get_amount(self, promise: PromiseToPay) -> str | None:
        """The amount promised, when the customer named one."""
        if promise.amount is None:
            return None
        return str(rounded(promise.amount, promise.currency or "XXX"))


class WebhookEndpointOut(serializers.ModelSerializer):
    """An endpoint as every later read shows it: never its secret, only the hint."""

    event_types = serializers.ListField(child=serializers.CharField(), read_only=True)
    secret_hint = serializers.CharField(
        read_only=True, help_text="The secret's first characters, to tell secrets apart."
    )
    failure_count = serializers.IntegerField(
        read_only=True, help_text="Failed attempts since the last delivery that succeeded."
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "enabled",
            "secret_hint",
            "failure_count",
            "last_success_at",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        ref_name = "WebhookEndpoint"


class WebhookEndpointCreatedOut(WebhookEndpointOut):
    """A new endpoint with its signing secret: the only answer that carries it."""

    secret = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The signing secret (whsec_…), in this answer only: keep it now. null when "
        "the answer is a replay of an Idempotency-Key.",
    )

    class Meta(WebhookEndpointOut.Meta):
        fields = [*WebhookEndpointOut.Meta.fields, "secret"]
        ref_name = "WebhookEndpointCreated"


class WebhookDeliveryOut(serializers.ModelSerializer):
    """One event for one endpoint and its last attempt (the signed body is not shown)."""

    endpoint = serializers.PrimaryKeyRelatedField(source="subscription", read_only=True)
    event_id = serializers.CharField(
        read_only=True, help_text="The webhook-id header: the same on every attempt."
    )
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, read_only=True)
    response_status = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The HTTP status of the last answer."
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "response_status",
            "duration_ms",
            "last_error",
            "next_attempt_at",
            "last_attempt_at",
            "succeeded_at",
            "created_at",
        ]
        ref_name = "WebhookDelivery"
