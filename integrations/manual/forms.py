"""The form of the hand-entry page: a customer (new, or one chosen from a list) and one invoice.

The form only turns text into types (dates, an amount); the rules of customers and invoices
are the upsert functions', and their refusals come back onto these fields.
"""

from django import forms

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Customer

#: How many customers the list offers (by name); a tenant with more types new ones here and
#: reaches the others through its accounting system.
LISTED_CUSTOMERS = 500
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

CUSTOMER_FIELDS = ("customer", "name", "external_id", "currency", "email", "phone", "country")
INVOICE_FIELDS = ("number", "issue_date", "due_date", "amount")


class HandEntryForm(forms.Form):
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.none(),
        required=False,
        empty_label="— a new customer —",
        label="Customer",
        help_text="Choose one you have, or leave this and describe a new one below.",
    )
    name = forms.CharField(max_length=200, required=False, label="Name")
    external_id = forms.CharField(
        max_length=100,
        required=False,
        label="External id",
        help_text="The customer's id in your accounting system; left empty, one is made "
        "from the name.",
    )
    currency = forms.CharField(
        max_length=3,
        required=False,
        label="Currency",
        help_text="ISO 4217 code, e.g. EUR. Empty: the customer's (or your organisation's).",
    )
    email = forms.EmailField(required=False, label="Billing email")
    phone = forms.CharField(max_length=32, required=False, label="Phone")
    country = forms.CharField(max_length=2, required=False, label="Country (ISO code)")
    number = forms.CharField(max_length=64, label="Invoice number")
    issue_date = forms.DateField(widget=DATE, input_formats=["%Y-%m-%d"], label="Issue date")
    due_date = forms.DateField(widget=DATE, input_formats=["%Y-%m-%d"], label="Due date")
    amount = forms.DecimalField(max_digits=15, decimal_places=3, label="Amount (total)")

    def __init__(self, *args, tenant: Tenant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        field = self.fields["customer"]
        # Any of the tenant's customers is accepted; the list shows the first ones by name.
        field.queryset = scoped(Customer, tenant)
        listed = scoped(Customer, tenant).order_by("name", "pk")[:LISTED_CUSTOMERS]
        field.choices = [
            ("", field.empty_label),
            *((c.pk, f"{c.name} ({c.external_id})") for c in listed.only("name", "external_id")),
        ]
        self.fields["country"].initial = tenant.country

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()

    def clean(self) -> dict:
        data = super().clean()
        new = not data.get("customer") and "customer" not in self.errors
        if new and not (data.get("name") or "").strip():
            self.add_error("name", "Give the new customer's name, or choose a customer.")
        return data

    def customer_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in CUSTOMER_FIELDS]

    def invoice_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in INVOICE_FIELDS]
