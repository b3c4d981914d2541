"""Bulk statements sent behind the caller run while it goes on, in the order they were sent,
and their errors reach the caller before anything else touches the transaction."""

from concurrent import futures
from datetime import date

import psycopg2
import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from kapittx import bulk, write_behind
from receivables.models import Customer
from reminders.models import ReminderPosition
from tests.reminders.scenario import make_customer, make_invoice

LOCK = 424242


def _customer_rows(tenant, keys: list[str]) -> list[bulk.Row]:
    return [
        bulk.Row(Customer, tenant_id=tenant.pk, external_id=key, name=key, currency="EUR")
        for key in keys
    ]


@pytest.fixture
def other_session(postgres):
    """A second session on the test database, outside the test's transaction."""
    session = psycopg2.connect(**connection.get_connection_params())
    session.autocommit = True
    yield session.cursor()
    session.close()


def test_a_statement_sent_behind_runs_while_the_caller_goes_on(tenant, other_session):
    other_session.execute("SELECT pg_advisory_lock(%s)", [LOCK])
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '10s'")
        with write_behind.write_behind():
            # Run on the caller's thread, this would wait for the unlock on the next line,
            # which the caller could not reach: it would fail at the lock timeout.
            write_behind.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
            other_session.execute("SELECT pg_advisory_unlock(%s)", [LOCK])
        # Leaving the block waited for it: the transaction holds the lock now.
        other_session.execute("SELECT pg_try_advisory_lock(%s)", [LOCK])
        assert other_session.fetchone() == (False,)


def test_statements_run_in_the_order_sent_and_a_read_waits_for_them(tenant, postgres):
    with transaction.atomic(), write_behind.write_behind():
        bulk.create(Customer, _customer_rows(tenant, ["A", "B"]))
        bulk.update_values(Customer, ["name"], [(c.pk, "renamed") for c in Customer.objects.all()])
        bulk.create(Customer, _customer_rows(tenant, ["C"]))
        assert sorted(Customer.objects.values_list("external_id", "name")) == [
            ("A", "renamed"),
            ("B", "renamed"),
            ("C", "C"),
        ]


def test_keys_checked_at_the_statement_fail_the_caller_at_its_next_statement(tenant, postgres):
    orphan = [(987654321, tenant.pk, ReminderPosition.AT_NEXT_SWEEP)]
    columns = ["invoice", "tenant", "next_at"]
    with transaction.atomic():
        with (
            pytest.raises(IntegrityError, match="reminderposition"),
            transaction.atomic(),
            write_behind.write_behind(),
        ):
            bulk.insert(ReminderPosition, columns, orphan)
            write_behind.execute("SELECT 1", [])  # not run: the transaction is aborted
            Customer.objects.count()
        assert not ReminderPosition.objects.filter(tenant=tenant).exists()
    # Outside the block the same row waits for the commit, as the tables' keys are deferred.
    with transaction.atomic():
        bulk.insert(ReminderPosition, columns, orphan)
        transaction.set_rollback(True)


def test_keys_taken_after_a_queued_write_failed_raise_that_failure(tenant, postgres):
    orphan = [(987654321, tenant.pk, ReminderPosition.AT_NEXT_SWEEP)]
    with (
        pytest.raises(IntegrityError, match="reminderposition"),
        transaction.atomic(),
        write_behind.write_behind(),
    ):
        bulk.insert(ReminderPosition, ["invoice", "tenant", "next_at"], orphan)
        futures.wait([sent for _sql, sent in write_behind.active().pending])
        # Keys do not wait for the queue, but a failure before them is the one raised.
        bulk.reserve_ids(Customer, 2)


def test_an_error_left_in_flight_is_raised_when_the_block_ends(tenant, postgres):
    customer = make_customer(tenant, "C-1")
    invoice = make_invoice(tenant, customer, "INV-1", date(2026, 3, 31))
    with pytest.raises(IntegrityError), transaction.atomic(), write_behind.write_behind():
        # The invoice has its position already: a second one breaks the primary key.
        bulk.insert(ReminderPosition, ["invoice", "tenant"], [(invoice.pk, tenant.pk)])
    assert ReminderPosition.objects.filter(invoice=invoice).count() == 1


def test_statements_sent_behind_are_counted_with_the_others(tenant, postgres):
    with (
        CaptureQueriesContext(connection) as captured,
        transaction.atomic(),
        write_behind.write_behind(),
    ):
        bulk.create(Customer, _customer_rows(tenant, ["Q"]))
    assert any('INSERT INTO "receivables_customer"' in q["sql"] for q in captured)
