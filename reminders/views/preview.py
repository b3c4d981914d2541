"""The preview page: what the sweep will send over the next days, to the whole tenant or to
one segment's customers."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view
from reminders.models import Segment
from reminders.outbox.preview import upcoming_rows
from reminders.setup import segments
from reminders.views.common import to_int

PREVIEW_DEFAULT_DAYS = 14
PREVIEW_MAX_DAYS = 60


def preview_days(value: str | None) -> int:
    """Return the preview horizon asked for, between 1 and ``PREVIEW_MAX_DAYS``."""
    days = to_int(value)
    if days is None:
        return PREVIEW_DEFAULT_DAYS
    return max(1, min(days, PREVIEW_MAX_DAYS))


@tenant_view(Perm.VIEW_RECEIVABLES)
def reminder_preview(request: HttpRequest) -> HttpResponse:
    """Show what will be sent over the next N days (``?days=``, at most 60), to the whole
    tenant or to the customers of one segment (``?segment=``)."""
    tenant = request.tenant
    days = preview_days(request.GET.get("days"))
    segment = None
    if request.GET.get("segment"):
        segment = get_object_or_404(scoped(Segment, tenant), pk=to_int(request.GET["segment"]))
    return render(
        request,
        "reminders/preview.html",
        {
            "days": days,
            "max_days": PREVIEW_MAX_DAYS,
            "segments": scoped(Segment, tenant).order_by("priority", "pk"),
            "segment": segment,
            "rows": upcoming_rows(
                tenant, days, segments.segment_members(segment) if segment else None
            ),
        },
    )
