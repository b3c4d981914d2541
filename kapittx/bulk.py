"""Write many rows at once.

The sweep writes hundreds of thousands of rows after an import or a workflow change, and a
worker updates a batch of dispatches after sending. Django's ``bulk_create`` and
``bulk_update`` spend more time building model instances, per-row parameters and CASE
expressions than the database spends on the work. Here rows are plain tuples; on PostgreSQL
they travel as one array per column and ``unnest`` turns them back into rows, so a statement
carries tens of thousands of rows for the cost of adapting a few lists.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter

from django.db import connection, models

from kapittx.write_behind import execute, read_ahead

#: Rows per statement.
PAGE = 20000


def _adapter(field: models.Field) -> Callable | None:
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_value(value, connection)
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def _prepare(fields: list[models.Field], rows: Iterable[tuple]) -> list[tuple]:
    """Return ``rows`` as tuples, dates and times adapted for SQLite (PostgreSQL's arrays
    carry them as they are)."""
    adapters = [_adapter(field) for field in fields]
    if connection.vendor == "postgresql" or not any(adapters):
        return [tuple(row) for row in rows]
    return [
        tuple(v if adapt is None else adapt(v) for adapt, v in zip(adapters, row, strict=True))
        for row in rows
    ]


def _pages(rows: list[tuple]) -> Iterable[list[tuple]]:
    for start in range(0, len(rows), PAGE):
        yield rows[start : start + PAGE]


def _quoted(value) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _boolean(value) -> str:
    return "t" if value else "f"


def _encoder(db_type: str) -> Callable[[object], str]:
    """Return how a value of ``db_type`` is written inside an array literal."""
    if db_type.startswith(("varchar", "text", "char")):
        return _quoted
    if db_type == "boolean":
        return _boolean
    if db_type == "jsonb":
        return lambda value: _quoted(json.dumps(value))
    return str  # numbers, dates and times: their text form has nothing to quote


def _array(values: Sequence, encode: Callable[[object], str]) -> str:
    """Return ``values`` as a PostgreSQL array literal: one string the server parses at once,
    where a list would travel as an ARRAY[…] expression of one cast per element."""
    if not values:
        return "{}"
    if None in values:
        return "{" + ",".join(["NULL" if v is None else encode(v) for v in values]) + "}"
    if encode is _quoted:
        texts = list(map(str, values))
        joined = '","'.join(texts)
        if "\\" not in joined and '"' not in joined:  # nothing to escape: join them whole
            return '{"' + joined + '"}'
        return "{" + ",".join(map(_quoted, texts)) + "}"
    return "{" + ",".join(map(encode, values)) + "}"


def _same_throughout(column: Sequence, db_type: str) -> bool:
    """Whether every value of ``column`` is its first (a JSON value only when empty, where
    equal values cannot differ in their JSON text)."""
    first = column[0]
    if db_type == "jsonb" and first:
        return False
    return column.count(first) == len(column)


def _rows_source(fields: list[models.Field], page: list[tuple]) -> tuple[str, list]:
    """Return ``SELECT … FROM unnest(…)`` yielding ``page`` in ``fields`` order, and its
    parameters. A column holding one value throughout (the tenant, a default, the time of
    the write) travels once as a constant instead of as an array of copies."""
    types = [field.db_type(connection) for field in fields]
    columns = list(zip(*page, strict=True))
    constant = [n > 0 and _same_throughout(columns[n], t) for n, t in enumerate(types)]
    varying = [n for n, same in enumerate(constant) if not same]
    select, params = [], []
    for n, db_type in enumerate(types):
        if constant[n]:
            value = columns[n][0]
            select.append(f"%s::{db_type}")
            params.append(json.dumps(value) if db_type == "jsonb" and value is not None else value)
        else:
            select.append(f"u.c{n}")
    casts = ", ".join(f"%s::{types[n]}[]" for n in varying)
    params += [_array(columns[n], _encoder(types[n])) for n in varying]
    aliases = ", ".join(f"c{n}" for n in varying)
    return f"SELECT {', '.join(select)} FROM unnest({casts}) AS u({aliases})", params


def _insert(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple], conflict: str
) -> None:
    fields = [model._meta.get_field(name) for name in columns]
    prepared = _prepare(fields, rows)
    if not prepared:
        return
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        for page in _pages(prepared):
            source, params = _rows_source(fields, page)
            execute(f"INSERT INTO {table} ({names}) {source} {conflict}", params)
        return
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        # "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT.
        cursor.executemany(
            f"INSERT INTO {table} ({names}) SELECT {marks} WHERE true {conflict}", prepared
        )


def insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """INSERT ``rows`` (values in ``columns`` order) into ``model``'s table; every key is new
    (a plain insert costs less than one that looks for a conflict)."""
    _insert(model, columns, rows, "")


def insert_ignoring_conflicts(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]
) -> None:
    """INSERT ``rows`` (values in ``columns`` order) into ``model``'s table; existing keys stay."""
    _insert(model, columns, rows, "ON CONFLICT DO NOTHING")


def upsert(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """INSERT ``rows`` into ``model``'s table; a row whose primary key exists is updated.

    ``columns`` starts with the primary key.
    """
    quoted = [connection.ops.quote_name(model._meta.get_field(name).column) for name in columns]
    if not model._meta.get_field(columns[0]).primary_key:
        raise ValueError(f"upsert columns must start with the primary key, not {columns[0]}")
    sets = ", ".join(f"{name} = EXCLUDED.{name}" for name in quoted[1:])
    _insert(model, columns, rows, f"ON CONFLICT ({quoted[0]}) DO UPDATE SET {sets}")


def update_values(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[tuple],
    *,
    key: str | None = None,
) -> None:
    """UPDATE ``model``'s rows: each of ``rows`` is (key, *values in ``columns`` order).

    The key is the primary key unless ``key`` names another column; every row matching a
    key's value gets that row's values.
    """
    key_field = model._meta.pk if key is None else model._meta.get_field(key)
    fields = [key_field, *(model._meta.get_field(name) for name in columns)]
    prepared = _prepare(fields, rows)
    if not prepared:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = [connection.ops.quote_name(field.column) for field in fields]
    # The key's values arrive under a name of their own, so a key that is also updated
    # (a row moving to another parent) is matched by its old value.
    names = ["kapittx_key", *quoted[1:]]
    if connection.vendor == "postgresql":
        sets = ", ".join(f"{name} = v.{name}" for name in quoted[1:])
        for page in _pages(prepared):
            source, params = _rows_source(fields, page)
            execute(
                f"UPDATE {table} SET {sets} FROM ({source}) AS v({', '.join(names)}) "
                f"WHERE {table}.{quoted[0]} = v.kapittx_key",
                params,
            )
        return
    sets = ", ".join(f"{name} = %s" for name in quoted[1:])
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE {quoted[0]} = %s",
            [(*row[1:], row[0]) for row in prepared],
        )


def update_rows(model: type[models.Model], columns: Sequence[str], objects: list) -> None:
    """UPDATE ``columns`` of each of ``objects`` (by primary key) to its current values."""
    fields = [model._meta.get_field(name) for name in columns]
    update_values(
        model,
        columns,
        ((obj.pk, *(getattr(obj, field.attname) for field in fields)) for obj in objects),
    )


def text_array(values: Iterable[str]) -> str:
    """Return ``values`` as one PostgreSQL text-array literal, for ``= ANY(%s::text[])``: a
    hundred thousand keys travel as one parameter the server parses at once."""
    return _array(list(values), _quoted)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Return ``count`` new primary keys from ``model``'s sequence (PostgreSQL). Inside
    ``write_behind()`` they are taken without waiting for the writes queued (a sequence
    depends on none of them)."""
    (keys,) = read_ahead(
        # The sequence is named once: looked up for each key, it costs more than its keys.
        "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
        "SELECT array_agg(nextval(s.seq)) FROM s, generate_series(1, %s)",
        [connection.ops.quote_name(model._meta.db_table), model._meta.pk.column, count],
    )[0]
    return keys or []


class Row:
    """A row to insert into ``model``'s table, lighter than a model instance: an attribute per
    column (named as the model names it, ``customer_id`` for a foreign key) holding its
    default until set. Build thousands of these where model instances would cost more than
    the insert."""

    def __init__(self, model: type[models.Model], **values) -> None:
        self.__dict__.update(_defaults(model))
        for name, value in _fresh(model):
            if name not in values:  # a default such as ``timezone.now`` costs a call a row
                self.__dict__[name] = value()
        self.__dict__.update(values)
        self.pk = self.__dict__.get(model._meta.pk.attname)


def _defaults(model: type[models.Model]) -> dict:
    found = _DEFAULTS.get(model)
    if found is None:
        found = _DEFAULTS[model] = {
            field.attname: field.get_default()
            for field in model._meta.concrete_fields
            if not (field.has_default() and callable(field.default))
        }
    return found


def _fresh(model: type[models.Model]) -> list[tuple[str, Callable]]:
    found = _FRESH.get(model)
    if found is None:
        found = _FRESH[model] = [
            (field.attname, field.default)
            for field in model._meta.concrete_fields
            if field.has_default() and callable(field.default)
        ]
    return found


_DEFAULTS: dict[type[models.Model], dict] = {}
_FRESH: dict[type[models.Model], list] = {}


def give_keys(model: type[models.Model], objects: list) -> None:
    """Give ``objects`` (``Row``s or unsaved instances of ``model``) their keys ahead of
    ``create``, so that rows pointing at them can be built before anything is written
    (PostgreSQL; elsewhere ``create`` gives them as it inserts)."""
    if connection.vendor == "postgresql" and objects:
        for obj, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
            _set_key(model, obj, pk)


def create(model: type[models.Model], objects: list) -> None:
    """INSERT ``objects`` (``Row``s or unsaved instances of ``model``) and give each its key,
    unless ``give_keys`` gave it.

    On PostgreSQL the keys are taken from the sequence first and the rows travel as arrays,
    skipping the per-value preparation of ``bulk_create`` that costs more than the insert;
    elsewhere this is ``bulk_create``. No signals are sent, as with ``bulk_create``.
    """
    if not objects:
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    if connection.vendor != "postgresql":
        instances = [
            model(**{field.attname: getattr(obj, field.attname) for field in fields})
            for obj in objects
        ]
        model._default_manager.bulk_create(instances, batch_size=2000)
        for obj, instance in zip(objects, instances, strict=True):
            _set_key(model, obj, instance.pk)
        return
    give_keys(model, [obj for obj in objects if obj.pk is None])
    row = attrgetter("pk", *(field.attname for field in fields))
    _insert(model, [model._meta.pk.name, *(field.name for field in fields)], map(row, objects), "")


def _set_key(model: type[models.Model], obj, pk: int) -> None:
    setattr(obj, model._meta.pk.attname, pk)
    obj.pk = pk
