"""Request bodies: JSON only, size-limited, with a digest of the exact bytes for
idempotent retries."""

import hashlib
import json
from decimal import Decimal

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from integrations.api.errors import FieldProblem, TooLarge


class JsonBody(JSONParser):
    """Parse a JSON body; remember its SHA-256 on the request (``body_digest``).

    The body is read from the stream, past Django's form-sized limit, so the API applies
    its own (``KAPITTX_API_MAX_BODY``): a 10,000-item bulk request is several megabytes.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.KAPITTX_API_MAX_BODY
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise TooLarge([FieldProblem("too_large", f"The body is larger than {limit} bytes.")])
        request = (parser_context or {}).get("request")
        if request is not None:
            request.body_digest = hashlib.sha256(raw).hexdigest()
        try:
            # Numbers with a fraction never pass through a float (the item parsers refuse
            # numbers where amounts belong anyway, and say why).
            return json.loads(raw, parse_float=Decimal, parse_constant=_refuse)
        except ValueError as exc:
            raise ParseError(f"The body is not valid JSON: {exc}") from None
        except RecursionError:
            raise ParseError("The body nests too deeply.") from None


def _refuse(name: str):
    raise ValueError(f"{name} is not a JSON number")
