"""Tenancy: tenants, users who log in by email, and memberships with roles."""

import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

from kapittx.roles import Role, role_allows

currency_validator = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 code, e.g. EUR.")
country_validator = RegexValidator(r"^[A-Z]{2}$", "Use a two-letter ISO 3166 code, e.g. DE.")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"Unknown time zone {value!r}.")


class Tenant(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    base_currency = models.CharField(max_length=3, default="EUR", validators=[currency_validator])
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    country = models.CharField(max_length=2, blank=True, validators=[country_validator])
    language = models.CharField(max_length=10, default="en")
    payment_instructions = models.TextField(
        blank=True,
        help_text="How customers pay you (bank details, the reference to quote). Shown on "
        "their payment-status page and available to templates.",
    )
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Members must sign in with a code from an authenticator app as well as "
        "their password; members without one are sent to set it up.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantOwned(models.Model):
    """Base for every tenant-owned row: ``tenant_id`` leads its keys and indexes."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class Tracked(models.Model):
    """Base for rows an accounting system syncs: ``updated_at`` moves on every save, so
    ``updated_since`` finds what changed. Set-based writers set it themselves."""

    # The database's own default serves rows written by hand-made SQL (COPY, bulk inserts).
    updated_at = models.DateTimeField(default=timezone.now, db_default=Now())

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class Membership(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tenant__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant.slug} ({self.role})"

    def can(self, perm: str) -> bool:
        return role_allows(self.role, perm)


class WorkerHeartbeat(models.Model):
    """When the background worker last handled the beat tick (one row per worker name)."""

    name = models.CharField(max_length=200, unique=True)
    last_tick_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_tick_at:%Y-%m-%d %H:%M:%S}"
