"""Write many outbox rows at once.

The sweep writes tens of thousands of rows per tenant after an import, and a worker updates
a batch of dispatches after sending; Django's ``bulk_create`` and ``bulk_update`` spent more
time building model instances and CASE expressions than the database spent on the work, so
rows go in as plain tuples, with dates and times adapted for the database once per column.
"""

from collections.abc import Callable, Iterable, Sequence

from django.db import connection, models

#: Rows per INSERT statement.
PAGE = 2000


def _adapter(field: models.Field) -> Callable:
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return lambda value: value


def insert_ignoring_conflicts(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]
) -> None:
    """INSERT ``rows`` (values in ``columns`` order) into ``model``'s table; existing keys stay."""
    fields = [model._meta.get_field(name) for name in columns]
    adapters = [_adapter(field) for field in fields]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    prepared = [tuple(adapt(v) for adapt, v in zip(adapters, row, strict=True)) for row in rows]
    if not prepared:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            execute_values(
                cursor.cursor,
                f"INSERT INTO {table} ({names}) VALUES %s ON CONFLICT DO NOTHING",
                prepared,
                page_size=PAGE,
            )
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING", prepared
            )


def update_rows(model: type[models.Model], columns: Sequence[str], objects: list) -> None:
    """UPDATE ``columns`` of each of ``objects`` (by primary key) to its current values."""
    if not objects:
        return
    fields = [model._meta.get_field(name) for name in columns]
    adapters = [_adapter(field) for field in fields]
    rows = [
        (
            obj.pk,
            *(adapt(getattr(obj, f.attname)) for adapt, f in zip(adapters, fields, strict=True)),
        )
        for obj in objects
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = [connection.ops.quote_name(field.column) for field in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            sets = ", ".join(
                f"{name} = v.{name}::{field.db_type(connection)}"
                for name, field in zip(quoted, fields, strict=True)
            )
            execute_values(
                cursor.cursor,
                f"UPDATE {table} SET {sets} FROM (VALUES %s) AS v(id, {', '.join(quoted)}) "
                f"WHERE {table}.id = v.id",
                rows,
                page_size=PAGE,
            )
        else:
            sets = ", ".join(f"{name} = %s" for name in quoted)
            cursor.executemany(
                f"UPDATE {table} SET {sets} WHERE id = %s", [(*row[1:], row[0]) for row in rows]
            )
