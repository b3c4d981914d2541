"""The models of each part of integrations, gathered for Django's app registry."""

from integrations.api.models import ApiKey, IdempotencyRecord  # noqa: F401
