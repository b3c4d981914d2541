"""Membership changes used by commands, pages and the seeding of demo data alike."""

from django.core.exceptions import ValidationError
from django.db import transaction

from kapittx.models import Membership, Tenant, User
from kapittx.roles import Role


@transaction.atomic
def add_member(tenant: Tenant, email: str, role: str, password: str | None = None) -> Membership:
    """Create the user if new (``password`` required then), and give them ``role`` in ``tenant``.

    An existing user keeps their password unless one is given; an existing membership
    takes the new role.
    """
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; choose from {Role.values}."})
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        if not password:
            raise ValidationError({"password": "A new user needs a password."})
        user = User(email=email)
        user.full_clean(exclude=["password"])
        user.set_password(password)
        user.save()
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    membership, _ = Membership.objects.update_or_create(
        tenant=tenant, user=user, defaults={"role": role}
    )
    return membership


def describe(exc: ValidationError) -> str:
    """Return a ValidationError as one line for a command-line user."""
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
