"""What clients send: the items of ``receivables.upsert`` (and of a credit note or an invoice
action), declared once as DRF serializers for the schema and checked by ``ItemParser``.

Keys follow the upsert items exactly, so a checked item goes to the upsert unchanged.
Absent keys leave stored values as they are; the upsert applies defaults on create.
"""

from rest_framework import serializers

from integrations.api.fields import (
    CountryField,
    CurrencyField,
    IsoDateField,
    MoneyField,
    TimeZoneField,
)
from integrations.api.parsing import ItemParser
from integrations.outgoing.catalogue import EVENT_TYPES
from integrations.outgoing.subscriptions import MAX_DESCRIPTION_LENGTH, MAX_URL_LENGTH
from receivables.models import ContactRole

#: Most items one bulk request may carry.
MAX_BULK_ITEMS = 10_000
#: Ids are 64-bit; anything larger names nothing (and would overflow the database).
MAX_ID = 2**63 - 1


def _text(max_length: int, **kwargs) -> serializers.CharField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    return serializers.CharField(max_length=max_length, **kwargs)


def _id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, **kwargs)


class ContactItem(serializers.Serializer):
    """A contact, matched within its customer by email (any case), else by phone."""

    name = _text(200)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = _text(32, help_text="E.164, or national in the customer's country.")
    whatsapp = _text(32)
    role = serializers.ChoiceField(choices=ContactRole.choices, required=False)


class CustomerItem(serializers.Serializer):
    external_id = _text(100, required=True, allow_blank=False, help_text="Your system's id.")
    name = _text(200, allow_blank=False, help_text="Required when the customer is new.")
    currency = CurrencyField(required=False, help_text="Default: the tenant's currency.")
    address = _text(2000)
    country = CountryField(required=False, allow_blank=True)
    time_zone = TimeZoneField(required=False, allow_blank=True, help_text="Empty: the tenant's.")
    language = _text(10)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=50
    )
    credit_limit = MoneyField(required=False, allow_null=True)
    payment_terms_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    contacts = ContactItem(
        many=True,
        required=False,
        max_length=100,
        help_text="Contacts named are updated or added; contacts not named stay.",
    )


class CustomerPutItem(CustomerItem):
    """A customer put by external id: the URL gives the id."""

    external_id = _text(100, allow_blank=False, help_text="The id in the URL, if given.")


class InvoiceItem(serializers.Serializer):
    number = _text(64, required=True, allow_blank=False, help_text="Unique in the tenant.")
    external_id = _text(100, help_text="Your system's id; when given, the match key.")
    customer_external_id = _text(100, allow_blank=False)
    customer = _id(help_text="The customer's id here, instead of customer_external_id.")
    issue_date = IsoDateField(required=False)
    due_date = IsoDateField(required=False)
    currency = CurrencyField(required=False, help_text="Default: the customer's currency.")
    subtotal = MoneyField(required=False)
    tax = MoneyField(required=False)
    total = MoneyField(required=False, help_text="Instead of subtotal: subtotal = total - tax.")
    amount_paid = MoneyField(
        required=False,
        help_text="What your system says is already paid or credited; the difference to "
        "what Kapittx has applied is recorded as a payment.",
    )
    paid_on = IsoDateField(required=False, help_text="When amount_paid was received.")
    po_number = _text(64)
    document_url = serializers.URLField(max_length=200, required=False, allow_blank=True)
    status = serializers.ChoiceField(
        choices=["draft", "open", "void"],
        required=False,
        help_text="paid and partially_paid follow from the payments.",
    )


class AllocationItem(serializers.Serializer):
    """Part of a payment or credit note for one invoice, named one of three ways."""

    invoice_external_id = _text(100, allow_blank=False)
    invoice_number = _text(64, allow_blank=False)
    invoice = _id()
    amount = MoneyField()


class PaymentItem(serializers.Serializer):
    external_id = _text(100, help_text="Your system's id; without it, always a new payment.")
    customer_external_id = _text(100, allow_blank=False)
    customer = _id()
    amount = MoneyField(required=False, help_text="Required when the payment is new.")
    currency = CurrencyField(required=False, help_text="Default: the customer's currency.")
    received_on = IsoDateField(required=False)
    reference = _text(100)
    method = _text(40)
    allocations = AllocationItem(
        many=True,
        required=False,
        max_length=1000,
        help_text="Without it, the payment settles the customer's open invoices in its "
        "currency, oldest due date first.",
    )


class CreditNoteItem(serializers.Serializer):
    number = _text(64, required=True, allow_blank=False)
    customer_external_id = _text(100, allow_blank=False)
    customer = _id()
    amount = MoneyField()
    currency = CurrencyField(required=False, help_text="Default: the customer's currency.")
    issued_on = IsoDateField()
    reason = _text(200)
    allocations = AllocationItem(
        many=True,
        required=False,
        max_length=1000,
        help_text="Without it, the credit settles open invoices oldest due date first.",
    )


class InvoiceActionItem(serializers.Serializer):
    on = IsoDateField(required=False, help_text="Default: today in the tenant's time zone.")


def _event_types(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=list(EVENT_TYPES)),
        min_length=1,
        max_length=len(EVENT_TYPES),
        **kwargs,
    )


class WebhookEndpointItem(serializers.Serializer):
    url = serializers.URLField(
        max_length=MAX_URL_LENGTH,
        help_text="Where the events are POSTed: https, at a public address.",
    )
    event_types = _event_types(
        help_text="The events sent to it (docs/webhooks.md lists what each means)."
    )
    description = _text(MAX_DESCRIPTION_LENGTH)


class WebhookEndpointChangeItem(serializers.Serializer):
    """What a PATCH may change; the address is not among them (a different receiver is a
    new endpoint, with its own secret)."""

    event_types = _event_types(
        required=False,
        help_text="The events sent to it from now on, in place of the old list; its secret "
        "stays. Deliveries already waiting are still sent.",
    )
    description = _text(MAX_DESCRIPTION_LENGTH, help_text='For people; "" clears it.')
    enabled = serializers.BooleanField(
        required=False,
        help_text="false switches it off and cancels what waits for it; true switches it "
        "back on, its failures forgotten.",
    )


def bulk_of(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """Return the request body of a bulk upsert of ``item``s (for the schema)."""
    name = item.__name__.replace("Item", "Bulk")
    return type(
        name,
        (serializers.Serializer,),
        {"items": item(many=True, min_length=1, max_length=MAX_BULK_ITEMS)},
    )


class Parsers:
    """The parser of each item kind, for POST (``new``), PUT by external id (``put``) and
    PATCH (``patch``)."""

    def __init__(self, item: type[serializers.Serializer], key: str | None) -> None:
        self.new = ItemParser(item)
        self.put = ItemParser(item, optional=[key] if key else [])
        self.patch = ItemParser(item, partial=True)


CUSTOMERS = Parsers(CustomerItem, "external_id")
INVOICES = Parsers(InvoiceItem, None)
PAYMENTS = Parsers(PaymentItem, None)
CREDIT_NOTES = Parsers(CreditNoteItem, None)
INVOICE_ACTIONS = Parsers(InvoiceActionItem, None)
WEBHOOK_ENDPOINTS = ItemParser(WebhookEndpointItem)
WEBHOOK_ENDPOINT_CHANGES = ItemParser(WebhookEndpointChangeItem)
