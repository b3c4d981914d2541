"""List filters (django-filter): status, customer, date ranges and ``updated_since``."""

from datetime import UTC, datetime

import django_filters as filters
from django import forms
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from collections_app.models import Dispute, PromiseToPay, TimelineEvent
from integrations.api.errors import QueryInvalid
from integrations.api.items import MAX_ID
from receivables.models import CreditNote, Customer, Invoice, InvoiceStatus, Payment
from reminders.models import CHANNEL_CHOICES, Dispatch, DispatchStatus

#: Timestamps further out than this are refused rather than overflow on conversion to UTC.
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
_LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class QueryFilters(DjangoFilterBackend):
    """django-filter's backend, its refusals naming the query parameter."""

    def filter_queryset(self, request, queryset, view):
        try:
            return super().filter_queryset(request, queryset, view)
        except ValidationError as exc:
            raise QueryInvalid(exc.detail) from None


class _Timestamp(IsoDateTimeField):
    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is not None and not _EARLIEST <= parsed <= _LATEST:
            raise forms.ValidationError("Out of range.", code="invalid")
        # In UTC: Python takes offsets up to a day, PostgreSQL only up to 15:59.
        return None if parsed is None else parsed.astimezone(UTC)


class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class SinceFilter(filters.IsoDateTimeFilter):
    field_class = _Timestamp

    def __init__(self, field_name: str = "updated_at", **kwargs) -> None:
        kwargs.setdefault("help_text", "ISO 8601 timestamp; rows changed at or after it.")
        super().__init__(field_name=field_name, lookup_expr="gte", **kwargs)


def _dates(field: str) -> tuple[filters.DateFilter, filters.DateFilter]:
    return (
        filters.DateFilter(field_name=field, lookup_expr="gte", help_text="On or after."),
        filters.DateFilter(field_name=field, lookup_expr="lte", help_text="On or before."),
    )


class CustomerFilters(filters.FilterSet):
    updated_since = SinceFilter()

    class Meta:
        model = Customer
        fields = ["updated_since"]


class InvoiceFilters(filters.FilterSet):
    # distinct=False: a status is one column of the row, no join can repeat it (and
    # DISTINCT would sort the whole page's columns).
    status = filters.MultipleChoiceFilter(choices=InvoiceStatus.choices, distinct=False)
    customer = IdFilter(field_name="customer_id")
    customer_external_id = filters.CharFilter(field_name="customer__external_id")
    issue_date_from, issue_date_to = _dates("issue_date")
    due_date_from, due_date_to = _dates("due_date")
    updated_since = SinceFilter()

    class Meta:
        model = Invoice
        fields = ["status", "customer", "customer_external_id", "updated_since"]


class PaymentFilters(filters.FilterSet):
    customer = IdFilter(field_name="customer_id")
    customer_external_id = filters.CharFilter(field_name="customer__external_id")
    received_on_from, received_on_to = _dates("received_on")
    updated_since = SinceFilter()

    class Meta:
        model = Payment
        fields = ["customer", "customer_external_id", "updated_since"]


class CreditNoteFilters(filters.FilterSet):
    customer = IdFilter(field_name="customer_id")
    issued_on_from, issued_on_to = _dates("issued_on")
    updated_since = SinceFilter()

    class Meta:
        model = CreditNote
        fields = ["customer", "updated_since"]


class DispatchFilters(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=DispatchStatus.choices, distinct=False)
    channel = filters.ChoiceFilter(choices=CHANNEL_CHOICES)
    customer = IdFilter(field_name="customer_id")
    updated_since = SinceFilter()

    class Meta:
        model = Dispatch
        fields = ["status", "channel", "customer", "updated_since"]


class TimelineFilters(filters.FilterSet):
    customer = IdFilter(field_name="customer_id")
    kind = filters.CharFilter()
    created_since = SinceFilter("created_at")

    class Meta:
        model = TimelineEvent
        fields = ["customer", "kind", "created_since"]


class DisputeFilters(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Dispute.Status.choices)
    invoice = IdFilter(field_name="invoice_id")
    customer = IdFilter(field_name="invoice__customer_id")

    class Meta:
        model = Dispute
        fields = ["status", "invoice", "customer"]


class PromiseFilters(filters.FilterSet):
    status = filters.ChoiceFilter(choices=PromiseToPay.Status.choices)
    customer = IdFilter(field_name="customer_id")

    class Meta:
        model = PromiseToPay
        fields = ["status", "customer"]
