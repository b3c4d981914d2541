"""Waking a worker as soon as deliveries are committed, so an event's first attempt goes out
within seconds rather than at the next minute tick. The rows are the work: a wake-up that
is lost (no broker, a worker busy) only waits for the tick."""

import logging
from functools import partial

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)


def kick(tenant_id: int) -> None:
    """Start a delivery run for ``tenant_id`` once the current transaction commits."""
    if settings.KAPITTX_WEBHOOKS_KICK:
        transaction.on_commit(partial(_start, tenant_id), robust=True)


def _start(tenant_id: int) -> None:
    from integrations.outgoing.tasks import deliver

    deliver.delay(tenant_id)
