"""What a key may do: a read key reads, a write key also writes."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from integrations.api.models import ApiKey, Scope


class KeyScope(BasePermission):
    message = "This API key may only read; writing needs a key with the write scope."

    def has_permission(self, request, view) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            return False  # no credentials: 401
        return request.method in SAFE_METHODS or key.scope == Scope.WRITE
