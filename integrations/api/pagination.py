"""Cursor pages over (ordering field, id): stable while rows change, and one index range
scan per page however deep (a bulk write gives thousands of rows one ``updated_at``, so an
offset within equal values would grow with every page)."""

import base64
import binascii
import json
import re
from datetime import date, datetime, timedelta

from django.db.models import DateField, DateTimeField, F
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from integrations.api.errors import QueryInvalid

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
PAGE_PARAMETERS = ("limit", "cursor", "ordering")


def _invalid(parameter: str, detail: str, code: str = "invalid") -> QueryInvalid:
    return QueryInvalid({parameter: [detail]}, code=code)


class KeysetPagination(BasePagination):
    """``limit`` (1–100) rows after ``cursor``, ordered by the view's ``ordering`` (one of
    its ``ordering_fields``, ``-`` for descending) and then by id."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self._limit(request)
        field, descending = self._ordering(request, view)
        sign = "-" if descending else ""
        queryset = queryset.order_by(f"{sign}{field}", f"{sign}id")
        cursor = request.query_params.get("cursor")
        if cursor:
            value, last_id = self._decode(cursor, field, descending, queryset.model)
            after = TupleLessThan if descending else TupleGreaterThan
            queryset = queryset.filter(after(Tuple(F(field), F("id")), (value, last_id)))
        rows = list(queryset[: self.limit + 1])
        self.next_cursor = None
        if len(rows) > self.limit:
            rows = rows[: self.limit]
            last = rows[-1]
            self.next_cursor = self._encode(field, descending, getattr(last, field), last.pk)
        return rows

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self._next_link(), "results": data})

    def _next_link(self) -> str | None:
        if self.next_cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, "cursor", self.next_cursor)

    @staticmethod
    def _limit(request) -> int:
        raw = request.query_params.get("limit")
        if raw is None:
            return DEFAULT_LIMIT
        if not re.fullmatch(r"[0-9]{1,3}", raw) or not 1 <= int(raw) <= MAX_LIMIT:
            raise _invalid("limit", f"Must be a whole number from 1 to {MAX_LIMIT}.")
        return int(raw)

    @staticmethod
    def _ordering(request, view) -> tuple[str, bool]:
        allowed = view.ordering_fields
        raw = request.query_params.get("ordering") or view.ordering
        field = raw.removeprefix("-")
        if field not in allowed:
            choices = ", ".join(f"{name}, -{name}" for name in allowed)
            raise _invalid("ordering", f"Must be one of: {choices}.", "invalid_choice")
        if problem := view.ordering_problem(field, request):
            raise _invalid("ordering", problem)
        return field, raw.startswith("-")

    @staticmethod
    def _encode(field: str, descending: bool, value, last_id: int) -> str:
        if isinstance(value, date | datetime):
            value = value.isoformat()
        text = json.dumps([("-" if descending else "") + field, value, last_id])
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @staticmethod
    def _decode(cursor: str, field: str, descending: bool, model) -> tuple:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            named, value, last_id = json.loads(base64.urlsafe_b64decode(padded))
            if named != ("-" if descending else "") + field or type(last_id) is not int:
                raise ValueError
            kind = model._meta.get_field(field)
            if isinstance(kind, DateTimeField):
                value = datetime.fromisoformat(value)
                if value.utcoffset() != timedelta(0):  # the cursors made here are in UTC
                    raise ValueError
            elif isinstance(kind, DateField):
                value = date.fromisoformat(value)
            elif type(value) is not int:
                raise ValueError
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise _invalid(
                "cursor", "Not a cursor of this list and ordering: use the next link."
            ) from None
        return value, last_id

    def get_schema_operation_parameters(self, view) -> list[dict]:
        fields = [name for field in view.ordering_fields for name in (field, f"-{field}")]
        return [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": f"Rows per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            },
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "Where the page starts: take it from the previous page's next.",
                "schema": {"type": "string"},
            },
            {
                "name": "ordering",
                "in": "query",
                "required": False,
                "description": f"Sort order, then by id (default {view.ordering}).",
                "schema": {"type": "string", "enum": fields},
            },
        ]

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page, or null on the last one.",
                },
                "results": schema,
            },
        }
