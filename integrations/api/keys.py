"""Making and revoking API keys: the one code path for the dashboard page and the command."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from integrations.api.models import ApiKey, Scope
from kapittx.models import Tenant, User
from kapittx.tenancy import scoped

#: ``last_used_at`` moves at most this often, so a busy key costs no write per request.
TOUCH_EVERY = timedelta(minutes=1)


def create_key(
    tenant: Tenant, name: str, scope: str = Scope.WRITE, created_by: User | None = None
) -> tuple[ApiKey, str]:
    """Make a key for ``tenant``; return it and its secret, which is shown this once."""
    if scope not in Scope.values:
        raise ValueError(f"Unknown scope {scope!r}: use one of {', '.join(Scope.values)}.")
    name = name.strip()
    if not name:
        raise ValueError("Give the key a name, e.g. the system that will use it.")
    return ApiKey.objects.create_key(tenant=tenant, name=name, scope=scope, created_by=created_by)


def revoke_key(tenant: Tenant, prefix: str) -> ApiKey:
    """Revoke ``tenant``'s key with ``prefix`` for good; ``ApiKey.DoesNotExist`` if none."""
    key = scoped(ApiKey, tenant).get(prefix=prefix)
    if not key.revoked:
        key.revoked = True
        key.save(update_fields=["revoked"])
    return key


def touch(key: ApiKey) -> None:
    """Record that ``key`` was used now, unless that was recorded less than a minute ago."""
    now = timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < TOUCH_EVERY:
        return
    # Conditional, so that parallel requests of one key write it once.
    ApiKey.objects.filter(pk=key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
    ).update(last_used_at=now)
    key.last_used_at = now
