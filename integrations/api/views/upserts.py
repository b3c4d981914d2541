"""Customers, invoices and payments: created, updated and bulk-written through the upsert
functions, read by id or by the accounting system's external id."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from integrations.api.errors import Conflict, FieldProblem, Invalid
from integrations.api.items import Parsers, bulk_of
from integrations.api.schema import ProblemError
from integrations.api.views.base import ResourceViewSet
from integrations.api.writes import Upsert, bulk_items, write, written_summary
from receivables.upsert.checks import lookup_key


class BulkResult(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Each item's id, in item order."
    )
    notes = ProblemError(many=True, help_text="Warnings that refused nothing.")


class UpsertResource(ResourceViewSet):
    """The write side shared by the resources the upsert functions write.

    A subclass names its ``upsert`` function, its ``parsers``, what the API adds to every
    item (``fill``), and ``existing(item)``: the (field, value) by which a POSTed item would
    meet a stored row, if it would.
    """

    upsert: Upsert  # a staticmethod of receivables.upsert's function
    parsers: Parsers
    fill: dict = {}

    def existing(self, item: dict) -> tuple[str, str] | None:
        return None

    def _write(self, parser, body):
        return write(
            self.upsert, self.tenant, parser, [body], single=True, prefix=(), fill=self.fill
        )

    def _answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.represent(self.fetch(pk)), status=code)

    def create(self, request) -> Response:
        if type(request.data) is dict and (clash := self.existing(request.data)) is not None:
            key, value = clash
            raise Conflict(
                [
                    FieldProblem(
                        "exists",
                        f"One with {key} {value} exists: PUT it by external id, or PATCH it "
                        "by id, to change it.",
                        f"/{key}",
                    )
                ]
            )
        written = self._write(self.parsers.new, request.data)
        return self._answer(written.ids[0], status.HTTP_201_CREATED)

    @action(
        detail=False,
        methods=["get", "put"],
        url_path=r"by-external-id/(?P<external_id>.+)",
        url_name="by-external-id",
    )
    def by_external_id(self, request, external_id: str) -> Response:
        if request.method == "GET":
            if lookup_key(external_id) != external_id:
                raise Http404("No such object.")  # no stored row has such an id
            found = get_object_or_404(self.get_queryset(), external_id=external_id)
            return Response(self.represent(found))
        body = request.data
        if type(body) is dict:
            if body.get("external_id", external_id) != external_id:
                raise Invalid(
                    [
                        FieldProblem(
                            "mismatch",
                            "Differs from the external id in the URL; leave it out.",
                            "/external_id",
                        )
                    ]
                )
            body = {**body, "external_id": external_id}
        written = self._write(self.parsers.put, body)
        code = status.HTTP_201_CREATED if written.created else status.HTTP_200_OK
        return self._answer(written.ids[0], code)

    @action(detail=False, methods=["post"])
    def bulk(self, request) -> Response:
        items = bulk_items(request.data)
        written = write(self.upsert, self.tenant, self.parsers.new, items, fill=self.fill)
        return Response(written_summary(written))


class Patchable:
    """PATCH by id: the fields sent change, through the upsert, matched by the row's key."""

    def patch_key(self, row, body: dict) -> dict:
        """Return the match key of ``row`` to add to a PATCH body; refuse changing it."""
        if body.get("external_id", row.external_id) != row.external_id:
            raise Invalid(
                [
                    FieldProblem(
                        "immutable",
                        "The external id matches the row to your system's; it cannot change.",
                        "/external_id",
                    )
                ]
            )
        return {"external_id": row.external_id}

    def partial_update(self, request, pk=None) -> Response:
        row = self.get_object()
        body = request.data
        if type(body) is dict:
            body = {**body, **self.patch_key(row, body)}
        self._write(self.parsers.patch, body)
        return self._answer(row.pk)


def documented(noun: str, item, out, put_item=None, patch: bool = True):
    """The schema of an upsert resource's operations."""
    plural = f"{noun}s"
    views = {
        "list": extend_schema(
            summary=f"List {plural}", description="Oldest change first by default."
        ),
        "retrieve": extend_schema(summary=f"Get a {noun}"),
        "create": extend_schema(summary=f"Create a {noun}", request=item, responses={201: out}),
        "by_external_id": [
            extend_schema(
                methods=["GET"], summary=f"Get a {noun} by external id", responses={200: out}
            ),
            extend_schema(
                methods=["PUT"],
                summary=f"Create or update a {noun} by external id",
                request=put_item or item,
                responses={200: out, 201: out},
            ),
        ],
        "bulk": extend_schema(
            summary=f"Create or update up to 10,000 {plural}, all or none",
            request=bulk_of(item),
            responses={200: BulkResult},
        ),
    }
    if patch:
        views["partial_update"] = extend_schema(
            summary=f"Change some fields of a {noun}", request=item, responses={200: out}
        )
    return extend_schema_view(**views)
