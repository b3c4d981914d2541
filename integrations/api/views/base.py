"""What every API endpoint shares: the key's tenant, idempotent POSTs, keyset pages."""

from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from integrations.api import idempotency
from integrations.api.errors import QueryInvalid
from integrations.api.pagination import PAGE_PARAMETERS, KeysetPagination
from integrations.api.rendering import representer
from kapittx.models import Tenant
from kapittx.tenancy import scoped

#: Ids in URLs: up to 18 digits, so a longer one is 404 rather than a database overflow.
ID_PATTERN = r"[0-9]{1,18}"


class TenantApi:
    """Requests work in the tenant of their key; retried POSTs are answered once."""

    _claim = None
    # The schema describes every endpoint; OPTIONS is not answered (405).
    metadata_class = None

    @property
    def tenant(self) -> Tenant:
        return self.request.auth.tenant

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self._check_query(request)
        self._claim = idempotency.claim(request, self.tenant)

    def known_query_parameters(self) -> frozenset[str]:
        """The query parameters the request may carry; any other is refused, so that a
        misspelt filter (``updated_sinse``) never quietly answers with everything."""
        return frozenset()

    def _check_query(self, request) -> None:
        known = self.known_query_parameters()
        problems = {}
        for name, values in request.query_params.lists():
            if name not in known:
                problems[name or "(empty name)"] = ["Unknown query parameter."]
            elif any(value == "" for value in values):
                problems[name] = ["Give a value, or leave the parameter out."]
        if problems:
            raise QueryInvalid(problems)

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._claim is not None:
            claim, self._claim = self._claim, None
            idempotency.settle(claim, self.kept_for_retries(response))
        return response

    def kept_for_retries(self, response):
        """The response a retry with the same Idempotency-Key gets (this one, unless it
        holds what may be shown only once)."""
        return response


class TenantView(TenantApi, APIView):
    """An endpoint that is not a collection (a report); ``parameters`` are its query's."""

    parameters: frozenset[str] = frozenset()

    def known_query_parameters(self) -> frozenset[str]:
        return self.parameters


class ResourceViewSet(TenantApi, viewsets.GenericViewSet):
    """A collection of one model's rows of the key's tenant, paged by a keyset cursor:
    list and retrieve; subclasses add the writes."""

    model = None
    pagination_class = KeysetPagination
    lookup_value_regex = ID_PATTERN
    ordering = "updated_at"
    ordering_fields = ("updated_at",)

    def known_query_parameters(self) -> frozenset[str]:
        if self.action != "list":
            return frozenset()
        filterset = getattr(self, "filterset_class", None)
        filters = filterset.base_filters if filterset else {}
        return frozenset({*filters, *PAGE_PARAMETERS})

    def ordering_problem(self, field: str, request) -> str | None:
        """Why the list cannot be ordered by ``field`` with this request's filters, if so."""
        return None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator's stand-in
            return self.model.objects.none()
        return self.related(scoped(self.model, self.tenant))

    def related(self, queryset):
        """Add the joins and prefetches the representation needs (a constant number of
        queries per page)."""
        return queryset

    def fetch(self, pk: int):
        """Return the row ``pk`` of the tenant, as the representation needs it."""
        return self.get_queryset().get(pk=pk)

    def represent(self, row) -> dict:
        return representer(self.get_serializer_class()).one(row)

    def list(self, request) -> Response:
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(representer(self.get_serializer_class()).many(rows))

    def retrieve(self, request, pk=None) -> Response:
        return Response(self.represent(self.get_object()))
