"""A reminder's statuses move only along the table, and only from where they still are."""

import pytest
from django.db.models import F, Q
from django.utils import timezone

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


@pytest.mark.parametrize("by_hand", [True, False], ids=["plain values", "an expression"])
def test_a_move_touches_only_its_own_tenants_rows_and_writes_every_change(
    contact, other_tenant, by_hand
):
    mine = make_dispatch(contact, status=S.SENDING)
    theirs = make_dispatch(make_contact(make_customer(other_tenant)), status=S.SENDING)
    changes = {"error": "", "provider_message_id": "pm-1"} if by_hand else {}
    if not by_hand:
        changes["attempts"] = F("attempts") + 2
    moved = states.move(contact.tenant_id, [mine.pk, theirs.pk], S.SENT, **changes)
    assert moved == [mine.pk]
    assert Dispatch.objects.get(pk=theirs.pk).status == S.SENDING
    mine.refresh_from_db()
    assert mine.status == S.SENT
    if by_hand:
        assert mine.provider_message_id == "pm-1"
    else:
        assert mine.attempts == 2


def test_a_move_on_a_condition_leaves_the_rows_that_do_not_meet_it(contact):
    marked = make_dispatch(contact, status=S.SENDING)
    Dispatch.objects.filter(pk=marked.pk).update(provider_called_at=timezone.now())
    unmarked = make_dispatch(contact, status=S.SENDING)
    calling = timezone.now()
    moved = states.move(
        contact.tenant_id,
        [marked.pk, unmarked.pk],
        S.SENDING,
        among=[S.SENDING],
        where=Q(provider_called_at__isnull=True),
        provider_called_at=calling,
    )
    assert moved == [unmarked.pk]
    assert Dispatch.objects.get(pk=unmarked.pk).provider_called_at == calling
    later = timezone.now()
    assert states.move(
        contact.tenant_id,
        [marked.pk, unmarked.pk],
        S.INTERRUPTED,
        where=Q(provider_called_at__lt=later),
    ) == sorted([marked.pk, unmarked.pk])
