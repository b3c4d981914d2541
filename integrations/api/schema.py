"""The OpenAPI document: bearer keys, the Idempotency-Key header, and the problem responses
each operation can give, added here once rather than on every view."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from integrations.api.errors import CONTENT_TYPE
from integrations.api.idempotency import HEADER

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DESCRIPTIONS = {
    400: "The request is malformed, or values have the wrong type: every problem is listed.",
    401: "No API key, or an unknown or revoked one.",
    403: "The key may only read.",
    404: "No such object in the key's tenant.",
    409: "It exists already, or a request with this Idempotency-Key is still running.",
    413: "The body is too large.",
    415: "The body is not JSON.",
    422: "Well-formed, but refused by the ledger's rules (every problem is listed), or the "
    "Idempotency-Key was used for a different request.",
    429: "Too many requests for this key: wait Retry-After seconds.",
}


class ProblemError(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable, e.g. required, invalid_currency.")
    detail = serializers.CharField(help_text="What is wrong, for people.")
    pointer = serializers.CharField(
        allow_blank=True,
        help_text='JSON Pointer into the body, e.g. /items/3/due_date; "" '
        "for the request as a whole.",
    )
    parameter = serializers.CharField(
        required=False, help_text="The query parameter or header at fault."
    )


class Problem(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="A URI naming the kind of problem.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = ProblemError(many=True)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "kpx_…",
            "description": "A tenant's API key: Authorization: Bearer kpx_….",
        }


class ApiSchema(AutoSchema):
    def get_description(self) -> str:
        # Operations are described by their extend_schema; the views' docstrings are for
        # the people who maintain them.
        return ""

    def get_override_parameters(self) -> list:
        parameters = list(super().get_override_parameters())
        if self.method in {"POST", "PATCH"}:
            parameters.append(
                OpenApiParameter(
                    HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    description="Any unique string (a UUID): a retry with the same key and "
                    "body gets the first answer and writes nothing. Kept 24 hours at least.",
                )
            )
        return parameters

    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        if direction != "response" or not self.view.get_authenticators():
            return responses
        problem = self.resolve_serializer(Problem, "response").ref
        for code in self._error_codes():
            response = {
                "description": DESCRIPTIONS[code],
                "content": {CONTENT_TYPE: {"schema": problem}},
            }
            if code == 429:
                response["headers"] = {
                    "Retry-After": {
                        "required": True,
                        "description": "Seconds to wait.",
                        "schema": {"type": "integer"},
                    }
                }
            responses.setdefault(str(code), response)
        return responses

    def _error_codes(self) -> list[int]:
        codes = {400, 401, 429}
        if self.method in WRITES:
            codes |= {403, 409, 413, 415, 422}
        if "{" in self.path:
            codes.add(404)
        return sorted(codes)


def close_request_objects(result: dict, **kwargs) -> dict:
    """Say in the schema what the API does: request objects take no unknown fields."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith(("Item", "Bulk", "ItemRequest")) and component.get("type") == "object":
            component["additionalProperties"] = False
    return result
