"""API keys and the responses kept for idempotent retries."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from rest_framework_api_key.crypto import KeyGenerator
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from kapittx.models import TenantOwned

#: Every key starts with this, so people and secret scanners recognise a Kapittx key.
KEY_PREFIX = "kpx_"


class Scope(models.TextChoices):
    READ = "read", "Read"  # GET only
    WRITE = "write", "Read and write"  # every method


class _Generator(KeyGenerator):
    def get_prefix(self) -> str:
        return KEY_PREFIX + super().get_prefix()


class ApiKeyManager(BaseAPIKeyManager):
    key_generator = _Generator()

    def get_usable_keys(self) -> models.QuerySet:
        return super().get_usable_keys().select_related("tenant")


class ApiKey(TenantOwned, AbstractAPIKey):
    """A tenant's API key. Only its SHA-512 hash is kept, and its prefix in clear.

    The prefix is unique across tenants: a request names no tenant, its key does, so the
    key is found by its prefix before any tenant is known (as a row is by its primary key).
    """

    prefix = models.CharField(max_length=16, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.WRITE)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ApiKeyManager()

    class Meta(AbstractAPIKey.Meta):
        ordering = ["-created"]
        indexes = [models.Index(fields=["tenant", "created"], name="api_key_tenant_created")]


class IdempotencyRecord(TenantOwned):
    """A POST made with an ``Idempotency-Key``: in flight while ``status`` is null, then the
    response it got, replayed to every retry with the same key and body."""

    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tenant_id", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="idempotency_unique_key"),
        ]
        indexes = [models.Index(fields=["tenant", "created_at"], name="idempotency_tenant_age")]

    def __str__(self) -> str:
        return self.key
