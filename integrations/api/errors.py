"""The API's refusals, each with every problem found: where, what, why.

Raised by the views and parsers; ``integrations.api.problems`` turns them into RFC 9457
problem details.
"""

from dataclasses import dataclass

from rest_framework import exceptions, status

CONTENT_TYPE = "application/problem+json"


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with a request: where (``pointer`` or ``parameter``), what, why."""

    code: str
    detail: str
    pointer: str = ""
    parameter: str | None = None

    def as_dict(self) -> dict:
        data = {"code": self.code, "detail": self.detail, "pointer": self.pointer}
        if self.parameter is not None:
            data["parameter"] = self.parameter
        return data


def pointer(*tokens) -> str:
    """Return the JSON Pointer of ``tokens``: ``pointer("items", 3, "due_date")``."""
    return "".join("/" + str(token).replace("~", "~0").replace("/", "~1") for token in tokens)


def dotted(field: str) -> tuple[str, ...]:
    """Split a field path as the upsert and DRF write it (``contacts.0.email``; "" for the
    item as a whole) into pointer tokens."""
    return tuple(field.split(".")) if field else ()


class Problem(exceptions.APIException):
    """An API failure with a list of field problems."""

    status_code = status.HTTP_400_BAD_REQUEST
    problem_type = "invalid-request"
    default_detail = "The request is not valid."

    def __init__(self, errors: list[FieldProblem], detail: str | None = None) -> None:
        self.errors = errors
        if detail is None:
            detail = (
                errors[0].detail
                if len(errors) == 1
                else f"{len(errors)} problems in the request; each is listed in errors."
            )
        super().__init__(detail)


class Invalid(Problem):
    """Values of the wrong type or shape (400)."""


class Refused(Problem):
    """Well-formed values the ledger's rules refuse (422)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    problem_type = "refused"


class Conflict(Problem):
    """The request conflicts with what exists or with a request still running (409)."""

    status_code = status.HTTP_409_CONFLICT
    problem_type = "conflict"


class TooLarge(Problem):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    problem_type = "request-too-large"


class QueryInvalid(exceptions.ValidationError):
    """Query parameters that are not valid; errors name the parameter."""


def refused(code: str, detail: str, at: str = "") -> Refused:
    return Refused([FieldProblem(code, detail, at)])
