"""``Idempotency-Key``: a retried POST or PATCH gets the first answer and writes nothing.

The first request with a key claims it (a row, committed at once, so other processes see
it); when it succeeds its response is stored on the row. A retry with the same key and the
same method, path and body gets that response again; with a different request it is
refused (422); while the first is still running it gets 409. A request that failed wrote
nothing, so its claim is dropped and the key may be used again. Responses are kept
``KAPITTX_IDEMPOTENCY_HOURS`` (at least 24) and then forgotten by a periodic task.
"""

import hashlib
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from integrations.api.errors import Conflict, FieldProblem, Invalid, Refused
from integrations.api.models import IdempotencyRecord
from kapittx.models import Tenant
from kapittx.tenancy import scoped

HEADER = "Idempotency-Key"
METHODS = frozenset({"POST", "PATCH"})
#: A claim older than this whose request never finished (its process died) may be taken over.
ABANDONED_AFTER = timedelta(minutes=5)
_PRINTABLE = re.compile(r"^[\x21-\x7e]{1,255}$")
_EMPTY_BODY = hashlib.sha256(b"").hexdigest()


class Replay(Exception):
    """The request was answered before: send ``response`` again."""

    def __init__(self, record: IdempotencyRecord) -> None:
        self.response = HttpResponse(
            bytes(record.body), status=record.status, content_type=record.content_type
        )
        self.response["Idempotent-Replayed"] = "true"


def keep_for() -> timedelta:
    return timedelta(hours=max(24, settings.KAPITTX_IDEMPOTENCY_HOURS))


def _fingerprint(request) -> str:
    request.data  # noqa: B018 - parsing the body records its digest
    digest = getattr(request, "body_digest", _EMPTY_BODY)
    text = f"{request.method}\n{request.get_full_path()}\n{digest}"
    return hashlib.sha256(text.encode()).hexdigest()


def _problem(cls, code: str, detail: str):
    return cls([FieldProblem(code, detail, parameter=HEADER)])


def claim(request, tenant: Tenant) -> IdempotencyRecord | None:
    """Claim the request's key, or raise ``Replay``, ``Conflict`` or ``Refused``.

    Return None when the request carries no key or its method needs none.
    """
    key = request.headers.get(HEADER)
    if key is None or request.method not in METHODS:
        return None
    if not _PRINTABLE.match(key):
        raise _problem(Invalid, "invalid", f"{HEADER} must be 1 to 255 printable characters.")
    fingerprint = _fingerprint(request)
    for _ in range(3):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    tenant=tenant, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            pass
        held = scoped(IdempotencyRecord, tenant).filter(key=key).first()
        if held is None:
            continue  # released since
        now = timezone.now()
        if held.created_at < now - keep_for():
            held.delete()
            continue
        if held.fingerprint != fingerprint:
            raise _problem(
                Refused,
                "idempotency_key_reused",
                f"This {HEADER} was used for a different request; use a new key for a new request.",
            )
        if held.status is not None:
            raise Replay(held)
        if held.created_at < now - ABANDONED_AFTER:
            taken = (
                scoped(IdempotencyRecord, tenant)
                .filter(pk=held.pk, status__isnull=True, created_at=held.created_at)
                .update(created_at=now)
            )
            if taken:
                held.created_at = now
                return held
            continue
        raise _problem(
            Conflict,
            "request_in_flight",
            f"A request with this {HEADER} is still being processed; retry in a moment.",
        )
    raise _problem(Conflict, "request_in_flight", f"This {HEADER} is busy; retry in a moment.")


def settle(record: IdempotencyRecord, response) -> None:
    """Store a successful response for the key's retries; free the key after a failure."""
    if not 200 <= response.status_code < 300:
        record.delete()
        return
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    record.status = response.status_code
    record.content_type = response.get("Content-Type", "application/json")
    record.body = response.content
    record.save(update_fields=["status", "content_type", "body"])


def forget_expired() -> int:
    """Delete the responses kept longer than needed, tenant by tenant (each delete uses
    the tenant's age index); return how many went."""
    cutoff = timezone.now() - keep_for()
    removed = 0
    for tenant_id in Tenant.objects.values_list("pk", flat=True).iterator():
        removed += scoped(IdempotencyRecord, tenant_id).filter(created_at__lt=cutoff).delete()[0]
    return removed
