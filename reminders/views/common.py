"""What the reminder pages share: who may change the set-up, reading ids from a query."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from kapittx.roles import Perm


def can_configure(request: HttpRequest) -> bool:
    return request.membership.can(Perm.CONFIGURE_REMINDERS)


def check_can_configure(request: HttpRequest) -> None:
    if not can_configure(request):
        raise PermissionDenied


def to_int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def count_of(queryset, column: str) -> Coalesce:
    """Return a per-row count from ``queryset`` (filtered on ``column=OuterRef("pk")``)."""
    counted = (
        queryset.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
