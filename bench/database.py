"""The benchmarks' database: PostgreSQL, migrated, holding nothing but benchmark data."""

import sys

from django.core.management import call_command
from django.db import connection

from kapittx.models import Tenant


def prepare_database() -> None:
    """Migrate the database and empty it; refuse one that is not PostgreSQL or that holds
    more than benchmark data."""
    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    if Tenant.objects.exclude(slug__startswith="bench-").exists():
        sys.exit("This database holds more than benchmark data; use a database of its own.")
    with connection.cursor() as cursor:
        # Reminders' lines hold no key the cascade follows.
        cursor.execute("TRUNCATE kapittx_tenant, reminders_dispatchinvoice CASCADE")


def settle(tables: list[str]) -> None:
    """Vacuum and analyze ``tables``, as autovacuum does soon after they are written, and
    write out the pages they dirtied, as the checkpointer does: a checkpoint falling during
    a timed step would otherwise charge it with flushing what an earlier one wrote."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("CHECKPOINT")
