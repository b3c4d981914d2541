"""Membership roles and what each may do.

Permissions matrix (``x`` = allowed):

=====================  =====  =====  =========  =====  =========  ======
permission             owner  admin  collector  sales  logistics  viewer
=====================  =====  =====  =========  =====  =========  ======
view_receivables         x      x        x        x        x        x
edit_customers           x      x        x        x
edit_invoices            x      x        x
record_payments          x      x        x
void_and_write_off       x      x
run_collections          x      x        x
configure_reminders      x      x
manage_members           x      x
manage_tenant            x
=====================  =====  =====  =========  =====  =========  ======

- *owner*: runs the account, the only one who can change tenant settings or remove owners.
- *admin*: finance lead; everything but tenant settings.
- *collector*: works the collections queue: payments, notes, promises, disputes.
- *sales*: account managers; see receivables and keep customer details current.
- *logistics*: sees receivables to hold or release deliveries; changes nothing.
- *viewer*: read-only (auditors, management).
"""

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    COLLECTOR = "collector", "Collector"
    SALES = "sales", "Sales"
    LOGISTICS = "logistics", "Logistics"
    VIEWER = "viewer", "Viewer"


class Perm:
    VIEW_RECEIVABLES = "view_receivables"
    EDIT_CUSTOMERS = "edit_customers"
    EDIT_INVOICES = "edit_invoices"
    RECORD_PAYMENTS = "record_payments"
    VOID_AND_WRITE_OFF = "void_and_write_off"
    RUN_COLLECTIONS = "run_collections"
    CONFIGURE_REMINDERS = "configure_reminders"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_TENANT = "manage_tenant"


_ALL = frozenset(value for key, value in vars(Perm).items() if key.isupper())

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OWNER: _ALL,
    Role.ADMIN: _ALL - {Perm.MANAGE_TENANT},
    Role.COLLECTOR: frozenset(
        {
            Perm.VIEW_RECEIVABLES,
            Perm.EDIT_CUSTOMERS,
            Perm.EDIT_INVOICES,
            Perm.RECORD_PAYMENTS,
            Perm.RUN_COLLECTIONS,
        }
    ),
    Role.SALES: frozenset({Perm.VIEW_RECEIVABLES, Perm.EDIT_CUSTOMERS}),
    Role.LOGISTICS: frozenset({Perm.VIEW_RECEIVABLES}),
    Role.VIEWER: frozenset({Perm.VIEW_RECEIVABLES}),
}


def role_allows(role: str, perm: str) -> bool:
    """Return whether ``role`` carries ``perm``."""
    return perm in PERMISSIONS.get(role, frozenset())
