"""The Celery tasks of each part of integrations, where Celery's autodiscovery finds them."""

from integrations.api.tasks import forget_responses  # noqa: F401
