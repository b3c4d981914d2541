"""Every unique key and every main index of a tenant-owned table starts with ``tenant_id``.

It keeps a tenant's rows together in each index, and it is what distributing the tables by
``tenant_id`` (Citus, docs/scaling.md) requires of unique keys. The exceptions are named
below with their reason; a foreign key's own one-column index is not a main index.
"""

import pytest
from django.apps import apps
from django.db import connection, models

from kapittx.models import Tenant

#: Indexes not led by the tenant, and why.
INDEXES_NOT_LED_BY_TENANT = {
    "dispatch_provider_id": "a provider's report names its message, not the tenant",
    "provider_account_sid": "a Twilio request names the account before the tenant is known",
    "reminder_position_moment": "the tick finds the tenants with positions due, across tenants",
    "dispatch_planned_due": "the tick finds the tenants with reminders to release",
    "dispatch_queued_due": "the tick finds the tenants with queued reminders nobody took",
    "webhook_delivery_due": "the webhook tick finds the tenants with deliveries due",
    "habits_refresh_due": "the hourly refresh finds the tenants whose payment habits may have "
    "changed",
}
#: Unique keys not led by the tenant, as (model, field), and why.
UNIQUE_NOT_LED_BY_TENANT = {
    ("integrations.ApiKey", "prefix"): "an API request names its key, not its tenant; the "
    "prefix finds the key (and so the tenant) and must name one key only",
}


def tenant_owned() -> list[type[models.Model]]:
    """Return every model whose rows belong to a tenant (a ``tenant`` foreign key)."""
    owned = []
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "tenant"), None)
        if field is not None and field.is_relation and field.related_model is Tenant:
            owned.append(model)
    return owned


def _first(fields) -> str:
    return fields[0].lstrip("-") if fields else ""


def _is_foreign_key(model, names) -> bool:
    """Whether ``names`` is one foreign key column: that key's own index, which deletes of
    the row it points at read."""
    if len(names) != 1:
        return False
    field = next((f for f in model._meta.concrete_fields if names[0] in (f.name, f.column)), None)
    return field is not None and field.is_relation


def test_the_tenant_owned_tables_are_found():
    labels = {model._meta.label for model in tenant_owned()}
    assert {"receivables.Invoice", "reminders.Dispatch", "integrations.ApiKey"} <= labels
    assert "kapittx.User" not in labels


def test_every_unique_key_of_a_tenant_owned_table_starts_with_the_tenant():
    wrong = []
    for model in tenant_owned():
        label = model._meta.label
        keys = [c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
        wrong.extend(f"{label}: {c.name}" for c in keys if _first(c.fields) != "tenant")
        for fields in model._meta.unique_together:
            if _first(fields) != "tenant":
                wrong.append(f"{label}: unique together {fields}")
        for field in model._meta.concrete_fields:
            alone = field.unique and not field.primary_key and field.name != "tenant"
            if alone and (label, field.name) not in UNIQUE_NOT_LED_BY_TENANT:
                wrong.append(f"{label}.{field.name} is unique on its own")
    assert wrong == []


def test_every_main_index_of_a_tenant_owned_table_starts_with_the_tenant():
    wrong = []
    for model in tenant_owned():
        label = model._meta.label
        for index in model._meta.indexes:
            if _first(index.fields) == "tenant" or _is_foreign_key(model, index.fields):
                continue
            if index.name not in INDEXES_NOT_LED_BY_TENANT:
                wrong.append(f"{label}: {index.name} {index.fields or index.expressions}")
        for field in model._meta.concrete_fields:
            if field.db_index and not field.is_relation and not field.unique:
                wrong.append(f"{label}.{field.name} has an index of its own")
    assert wrong == []


def test_each_named_exception_is_still_there():
    indexes = {index.name for model in tenant_owned() for index in model._meta.indexes}
    assert set(INDEXES_NOT_LED_BY_TENANT) <= indexes
    for label, name in UNIQUE_NOT_LED_BY_TENANT:
        assert apps.get_model(label)._meta.get_field(name).unique


CATALOGUE_SQL = """
SELECT t.relname, i.relname, x.indisunique, x.indisprimary,
    ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
          LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
          ORDER BY k.n)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace
"""


@pytest.mark.services
def test_the_database_keeps_the_rule_too(postgres):
    """What the migrations made, read from PostgreSQL's catalogue: no index added by hand
    (RunSQL) escapes the rule."""
    tables = {model._meta.db_table: model for model in tenant_owned()}
    unique_exceptions = {
        (apps.get_model(label)._meta.db_table, apps.get_model(label)._meta.get_field(name).column)
        for label, name in UNIQUE_NOT_LED_BY_TENANT
    }
    with connection.cursor() as cursor:
        cursor.execute(CATALOGUE_SQL, [list(tables)])
        found = cursor.fetchall()
    assert {table for table, *_rest in found} == set(tables)
    wrong = []
    for table, index, unique, primary, columns in found:
        if primary or (columns and columns[0] == "tenant_id"):
            continue
        # A text key's pattern index (``…_like``) belongs to that key: the primary key's,
        # or that of a unique key named above.
        if columns == [tables[table]._meta.pk.column] or (table, *columns) in unique_exceptions:
            continue
        if unique or not (
            index in INDEXES_NOT_LED_BY_TENANT or _is_foreign_key(tables[table], columns)
        ):
            wrong.append(f"{table}: {'unique ' if unique else ''}{index} {columns}")
    assert wrong == []
