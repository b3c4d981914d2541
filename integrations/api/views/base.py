"""What every API endpoint shares: the key's tenant, idempotent POSTs, keyset pages."""

from rest_framework import viewsets
from rest_framework.views import APIView

from integrations.api import idempotency
from integrations.api.pagination import KeysetPagination
from kapittx.models import Tenant
from kapittx.tenancy import scoped

#: Ids in URLs: up to 18 digits, so a longer one is 404 rather than a database overflow.
ID_PATTERN = r"[0-9]{1,18}"


class TenantApi:
    """Requests work in the tenant of their key; retried POSTs are answered once."""

    _claim = None

    @property
    def tenant(self) -> Tenant:
        return self.request.auth.tenant

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self._claim = idempotency.claim(request, self.tenant)

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._claim is not None:
            claim, self._claim = self._claim, None
            idempotency.settle(claim, response)
        return response


class TenantView(TenantApi, APIView):
    """An endpoint that is not a collection (a report)."""


class ResourceViewSet(TenantApi, viewsets.GenericViewSet):
    """A collection of one model's rows of the key's tenant, paged by a keyset cursor."""

    model = None
    pagination_class = KeysetPagination
    lookup_value_regex = ID_PATTERN
    ordering = "updated_at"
    ordering_fields = ("updated_at", "id")

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
