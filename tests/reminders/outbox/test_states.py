"""A reminder's statuses move only along the table, and only from where they still are."""

import pytest

from reminders.models import Dispatch, DispatchStatus
from reminders.outbox import states
from reminders.outbox.outcomes import advance
from tests.reminders.fakes import make_contact, make_customer, make_dispatch

S = DispatchStatus


@pytest.fixture
def contact(tenant):
    return make_contact(make_customer(tenant))


def test_every_status_has_its_moves():
    assert set(states.MOVES) == set(S.values)
    for to, sources in states.MOVES.items():
        assert sources <= set(S.values), to


def test_a_move_not_in_the_table_is_refused_before_anything_is_written(contact):
    dispatch = make_dispatch(contact, status=S.SENT)
    with pytest.raises(ValueError, match="cannot move a dispatch from"):
        states.move(dispatch.tenant_id, [dispatch.pk], S.PLANNED, among=[S.SENT])
    assert Dispatch.objects.get(pk=dispatch.pk).status == S.SENT


def test_only_rows_still_in_a_starting_status_move_and_their_ids_come_back(contact):
    queued = make_dispatch(contact, status=S.QUEUED)
    sent = make_dispatch(contact, status=S.SENT)
    moved = states.move(contact.tenant_id, [queued.pk, sent.pk], S.SENDING, among=[S.QUEUED])
    assert moved == [queued.pk]
    assert Dispatch.objects.get(pk=queued.pk).status == S.SENDING
    assert Dispatch.objects.get(pk=sent.pk).status == S.SENT
    # A second claim of the same rows finds nothing left to move.
    assert states.move(contact.tenant_id, [queued.pk], S.SENDING, among=[S.QUEUED]) == []


def test_a_move_never_reaches_another_tenants_dispatch(contact, other_tenant):
    theirs = make_dispatch(make_contact(make_customer(other_tenant, "G-1")), status=S.QUEUED)
    assert states.move(contact.tenant_id, [theirs.pk], S.SENDING, among=[S.QUEUED]) == []
    assert Dispatch.objects.get(pk=theirs.pk).status == S.QUEUED


def test_a_late_delivery_report_never_moves_a_reminder_back(contact):
    dispatch = make_dispatch(contact, status=S.OPENED)
    assert not advance(dispatch, S.DELIVERED)
    assert Dispatch.objects.get(pk=dispatch.pk).status == S.OPENED
    assert advance(dispatch, S.CLICKED)


def test_a_report_about_an_interrupted_reminder_says_it_left(contact):
    dispatch = make_dispatch(contact, status=S.INTERRUPTED)
    assert advance(dispatch, S.DELIVERED)
    assert Dispatch.objects.get(pk=dispatch.pk).status == S.DELIVERED


def test_new_dispatches_start_planned_or_skipped(db):
    row = [None] * len(states.NEW_COLUMNS)
    row[states.NEW_COLUMNS.index("status")] = S.SENT
    with pytest.raises(ValueError, match="starts as one of"):
        states.add([tuple(row)])
    assert {S.PLANNED, S.SKIPPED} == states.INITIAL
