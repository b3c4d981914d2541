"""Periodic work of the API."""

from celery import shared_task

from integrations.api.idempotency import forget_expired


@shared_task(name="integrations.api.forget_responses")
def forget_responses() -> int:
    """Forget the responses kept for Idempotency-Key retries once they are old enough."""
    return forget_expired()
