"""Lookups the platform adds to Django's fields, with one meaning on SQLite and PostgreSQL."""

import json
import operator
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import Field, ForeignObject, JSONField, Lookup
from django.db.models.sql.compiler import SQLCompiler

#: SQLite's own LOWER() folds ASCII letters only ("Ü" stays "Ü"); PostgreSQL's folds them all.
SQLITE_LOWER = "kapittx_lower"


class HasIExact(Lookup):
    """Match a JSON list with a string element equal to the value, ignoring case.

    ``tags__has_iexact="vip"`` matches ``["VIP"]``, not ``["vip-gold"]``, ``[["vip"]]`` or
    ``"vip"``. Only string elements count: PostgreSQL and SQLite give numbers and booleans
    different texts (``true`` against ``1``), so counting them would split the meaning.
    """

    lookup_name = "has_iexact"
    # The value is compared as plain text, never encoded as JSON.
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        if not isinstance(self.rhs, str) and not hasattr(self.rhs, "resolve_expression"):
            raise TypeError(f"{self.lookup_name} compares text, not {type(self.rhs).__name__}.")
        return self.rhs

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list]:
        raise NotImplementedError(f"{self.lookup_name} is written for SQLite and PostgreSQL.")

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # json_each of a scalar yields the scalar itself; only a list's elements count.
        sql = (
            f"(json_type({lhs}) = 'array' AND EXISTS (SELECT 1 FROM json_each({lhs}) AS element"
            f" WHERE element.type = 'text'"
            f" AND {SQLITE_LOWER}(element.value) = {SQLITE_LOWER}({rhs})))"
        )
        return sql, [*lhs_params, *lhs_params, *rhs_params]

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # jsonb_array_elements raises on a scalar, and AND does not guard it (PostgreSQL may
        # evaluate either side first), so a value that is no list becomes an empty one.
        # jsonb_array_elements_text would turn 5 and true into '5' and 'true'; the element's
        # type is needed to count strings only, as json_each does on SQLite.
        sql = (
            "EXISTS (SELECT 1 FROM jsonb_array_elements("
            f"CASE WHEN jsonb_typeof({lhs}) = 'array' THEN {lhs} ELSE '[]'::jsonb END"
            ") AS element(value) WHERE jsonb_typeof(element.value) = 'string'"
            f" AND lower(element.value #>> '{{}}') = lower({rhs}))"
        )
        return sql, [*lhs_params, *lhs_params, *rhs_params]


class Among(Lookup):
    """Match an integer column against a list of integers sent as one parameter.

    ``pk__among=ids`` means ``pk__in=ids``, but Django's ``in`` prepares and sends each
    value on its own, which costs more than the query for tens of thousands of keys (and
    meets SQLite's limit on parameters). Here the list travels as one PostgreSQL array or
    one JSON array on SQLite.
    """

    lookup_name = "among"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        if isinstance(self.rhs, str | bytes) or hasattr(self.rhs, "resolve_expression"):
            raise TypeError(f"{self.lookup_name} takes integers, not {type(self.rhs).__name__}.")
        # Whole numbers only (index() refuses floats and text), so the list written out as
        # text can hold nothing else.
        return [operator.index(value) for value in self.rhs]

    def get_db_prep_lookup(self, value: list[int], connection: BaseDatabaseWrapper) -> Any:
        return ("%s", [value])

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list]:
        raise NotImplementedError(f"{self.lookup_name} is written for SQLite and PostgreSQL.")

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"
        return sql, [*lhs_params, json.dumps(self.rhs)]

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        array = "{" + ",".join(map(str, self.rhs)) + "}"
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, array]


def _lower(text: object) -> object:
    return text.lower() if isinstance(text, str) else text


def _add_sqlite_functions(sender: type, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_LOWER, 1, _lower, deterministic=True)


def register() -> None:
    """Add the platform's lookups to Django's fields (called once, from the app's ready())."""
    JSONField.register_lookup(HasIExact)
    # Relations keep lookups of their own: the key column takes it there too.
    Field.register_lookup(Among)
    ForeignObject.register_lookup(Among)
    connection_created.connect(_add_sqlite_functions, dispatch_uid="kapittx.lookups.sqlite")
