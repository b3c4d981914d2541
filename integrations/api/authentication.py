"""``Authorization: Bearer <key>``: the key names the tenant every request works in."""

from dataclasses import dataclass

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_api_key.permissions import KeyParser

from integrations.api.keys import touch
from integrations.api.models import ApiKey
from kapittx.models import Tenant


class BearerKeyParser(KeyParser):
    keyword = "Bearer"


@dataclass(frozen=True)
class ApiClient:
    """Who a request comes from: the system holding a tenant's key (``request.user``)."""

    key: ApiKey
    is_authenticated = True
    is_anonymous = False

    @property
    def tenant(self) -> Tenant:
        return self.key.tenant


class ApiKeyAuthentication(BaseAuthentication):
    """Find the key of ``Authorization: Bearer <key>``; no header means no credentials
    (401 where a key is needed), a wrong, unknown or revoked key is refused (401)."""

    parser = BearerKeyParser()

    def authenticate(self, request) -> tuple[ApiClient, ApiKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        token = (self.parser.get_from_authorization(request) or "").strip()
        if not token:
            raise AuthenticationFailed("Send the API key as: Authorization: Bearer <key>.")
        try:
            key = ApiKey.objects.get_from_key(token)
        except ApiKey.DoesNotExist:
            raise AuthenticationFailed("Unknown or revoked API key.") from None
        if key.has_expired:
            raise AuthenticationFailed("This API key has expired.")
        touch(key)
        return ApiClient(key), key

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
