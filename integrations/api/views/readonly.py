"""What Kapittx does with the data, to read: reminders sent (dispatches), the activity
timeline, workflows with their steps, disputes and promises to pay."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from collections_app.models import Dispute, PromiseToPay, TimelineEvent
from integrations.api import filters
from integrations.api import representations as out
from integrations.api.views.base import ResourceViewSet
from kapittx.tenancy import scoped
from reminders.models import Dispatch, DispatchInvoice, Step, Workflow


class ReadOnly(ResourceViewSet):
    ordering = "id"
    ordering_fields = ("id",)


def _documented(noun: str, plural: str):
    return extend_schema_view(
        list=extend_schema(summary=f"List {plural}"),
        retrieve=extend_schema(summary=f"Get a {noun}"),
    )


@_documented("reminder", "reminders (dispatches), newest change last")
class DispatchViewSet(ReadOnly):
    model = Dispatch
    serializer_class = out.DispatchOut
    filterset_class = filters.DispatchFilters
    ordering = "updated_at"
    ordering_fields = ("updated_at",)

    def related(self, queryset):
        lines = scoped(DispatchInvoice, self.tenant).order_by("invoice_id")
        return queryset.prefetch_related(Prefetch("lines", queryset=lines))


@_documented("timeline event", "timeline events")
class TimelineEventViewSet(ReadOnly):
    model = TimelineEvent
    serializer_class = out.TimelineEventOut
    filterset_class = filters.TimelineFilters


@_documented("workflow", "workflows with their steps")
class WorkflowViewSet(ReadOnly):
    model = Workflow
    serializer_class = out.WorkflowOut

    def related(self, queryset):
        steps = scoped(Step, self.tenant).order_by("offset_days", "id")
        return queryset.prefetch_related(Prefetch("steps", queryset=steps))


@_documented("dispute", "disputes")
class DisputeViewSet(ReadOnly):
    model = Dispute
    serializer_class = out.DisputeOut
    filterset_class = filters.DisputeFilters

    def related(self, queryset):
        return queryset.select_related("invoice")


@_documented("promise to pay", "promises to pay")
class PromiseViewSet(ReadOnly):
    model = PromiseToPay
    serializer_class = out.PromiseOut
    filterset_class = filters.PromiseFilters
