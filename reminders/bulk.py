"""Insert many outbox rows at once, skipping rows whose unique key already exists.

The sweep writes tens of thousands of rows per tenant after an import; building a model
instance per row (as ``bulk_create`` does) cost more than the database work itself, so rows
go in as plain tuples, with dates and times adapted for the database once per column.
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
