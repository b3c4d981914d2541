"""One error format for every failure: RFC 9457 problem details.

``{"type", "title", "status", "detail", "errors": [{"code", "detail", "pointer"}]}`` served
as ``application/problem+json``. ``pointer`` is a JSON Pointer into the request body (""
for the request as a whole); an error about a query parameter or header also names it in
``parameter``. drf-standardized-errors catches every exception (unexpected ones become 500
with the traceback logged); this module gives its output the RFC's shape.
"""

from http import HTTPStatus

from drf_standardized_errors.formatter import ExceptionFormatter, flatten_errors
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions
from rest_framework.response import Response

from integrations.api.errors import (
    CONTENT_TYPE,
    FieldProblem,
    Problem,
    QueryInvalid,
    dotted,
    pointer,
    refused,
)
from receivables.ledger import LedgerError

TYPE_BASE = "urn:kapittx:problem:"

#: The problem type of each status when the exception names none.
TYPES = {
    400: "invalid-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "request-too-large",
    415: "unsupported-media-type",
    422: "refused",
    429: "rate-limited",
    500: "server-error",
}


class ProblemHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, LedgerError):
            return refused(exc.code, exc.message)
        return super().convert_known_exceptions(exc)

    def get_response(self, exc: exceptions.APIException, data: dict) -> Response:
        return Response(
            data, status=exc.status_code, headers=self.get_headers(exc), content_type=CONTENT_TYPE
        )


class ProblemFormatter(ExceptionFormatter):
    def run(self) -> dict:
        exc = self.exc
        code = exc.status_code
        return {
            "type": TYPE_BASE + getattr(exc, "problem_type", TYPES.get(code, "error")),
            "title": HTTPStatus(code).phrase,
            "status": code,
            "detail": self._detail(),
            "errors": [error.as_dict() for error in self._errors()],
        }

    def _errors(self) -> list[FieldProblem]:
        exc = self.exc
        if isinstance(exc, Problem):
            return exc.errors
        if isinstance(exc, exceptions.ValidationError):
            query = isinstance(exc, QueryInvalid)
            return [
                FieldProblem(
                    error.code or "invalid",
                    error.detail,
                    "" if query else pointer(*dotted(error.attr or "")),
                    error.attr if query else None,
                )
                for error in flatten_errors(exc.detail)
            ]
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return [FieldProblem(getattr(exc.detail, "code", None) or exc.default_code, detail)]

    def _detail(self) -> str:
        exc = self.exc
        if isinstance(exc, Problem | exceptions.ValidationError) and not isinstance(
            exc.detail, str
        ):
            errors = self._errors()
            if len(errors) == 1:
                return errors[0].detail
            return f"{len(errors)} problems in the request; each is listed in errors."
        return str(exc.detail)
