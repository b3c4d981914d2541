"""Django admin for staff. Balances are read-only here: only the ledger service writes them."""

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from receivables.models import Allocation, Contact, CreditNote, Customer, Invoice, Payment

LEDGER_FIELDS = [
    "amount_paid",
    "amount_credited",
    "amount_written_off",
    "balance",
    "status",
    "paid_on",
    "written_off_on",
    "voided_on",
]
#: What the ledger fixes when it creates an invoice: its owner and its amounts.
INVOICE_FIELDS = ["tenant", "customer", "currency", "subtotal", "tax", "total"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    can_delete = False
    readonly_fields = ["invoice", "payment", "credit_note", "amount", "applied_on"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "external_id", "tenant", "country", "currency", "do_not_contact"]
    list_filter = ["tenant", "country", "currency", "do_not_contact"]
    search_fields = ["name", "external_id"]
    inlines = [ContactInline]


class InvoiceAdminForm(forms.ModelForm):
    def clean(self) -> dict:
        data = super().clean()
        issued, due = data.get("issue_date"), data.get("due_date")
        # The database refuses it too, but only with the constraint's name.
        if issued and due and due < issued:
            self.add_error("due_date", "The due date cannot be before the issue date.")
        return data


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    """Invoices are created and their money changed only through ``receivables.ledger``; dates
    and references may be corrected here (the reminders follow a changed invoice)."""

    form = InvoiceAdminForm
    # A document address typed without a scheme is taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "number",
        "tenant",
        "customer",
        "due_date",
        "currency",
        "total",
        "balance",
        "status",
    ]
    list_filter = ["tenant", "status", "currency"]
    search_fields = ["number", "external_id", "customer__name"]
    readonly_fields = INVOICE_FIELDS + LEDGER_FIELDS
    inlines = [AllocationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = [
        "received_on",
        "tenant",
        "customer",
        "amount",
        "currency",
        "unallocated",
        "reference",
    ]
    list_filter = ["tenant", "currency"]
    search_fields = ["reference", "customer__name"]
    readonly_fields = ["amount", "currency", "unallocated"]
    raw_id_fields = ["customer"]
    inlines = [AllocationInline]


@admin.register(CreditNote)
class CreditNoteAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "tenant",
        "customer",
        "issued_on",
        "amount",
        "currency",
        "unallocated",
    ]
    list_filter = ["tenant", "currency"]
    readonly_fields = ["amount", "currency", "unallocated"]
    raw_id_fields = ["customer"]
    inlines = [AllocationInline]
