"""Periodic work driven by the beat tick."""

import socket

from celery import shared_task
from django.utils import timezone

from kapittx.models import WorkerHeartbeat


@shared_task(name="kapittx.tasks.tick")
def tick() -> str:
    """Record that a worker handled the beat tick, so staff can see the workers are alive."""
    name = f"celery@{socket.gethostname()}"
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"last_tick_at": timezone.now()})
    return name
