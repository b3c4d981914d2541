"""A workflow as a timeline of slots, and where an invoice stands on it on a given day: what
is due now, which missed slots it passed over, and the day to look at it again."""

from datetime import date, timedelta
from decimal import Decimal

from reminders.models import Step, Workflow
from reminders.outbox.schedule import Position, Slot, position, slots

DUE = date(2026, 3, 20)
LONG_KNOWN = date(2026, 1, 1)


def step(pk: int, offset: int, channel: str = "email", min_amount: str = "0") -> Step:
    return Step(pk=pk, offset_days=offset, channel=channel, min_amount=Decimal(min_amount))


def workflow(every: int | None = None, times: int = 0) -> Workflow:
    return Workflow(repeat_every_days=every, repeat_max_times=times)


def offsets(timeline: list[Slot]) -> list[tuple[int, int, int]]:
    return [(slot.step.pk, slot.repeat, slot.offset) for slot in timeline]


def where(timeline, today: date, *, reminded=None, balance="500", known_since=LONG_KNOWN):
    return position(
        timeline,
        due_date=DUE,
        today=today,
        reminded_offset=reminded,
        balance=Decimal(balance),
        known_since=known_since,
    )


def keys(found: list[Slot]) -> list[tuple[int, int]]:
    return [(slot.step.pk, slot.repeat) for slot in found]


# --- the timeline ----------------------------------------------------------------------------


def test_steps_are_placed_in_time_order_ties_by_the_first_made():
    timeline = slots(workflow(), [step(3, 7), step(2, 0, "sms"), step(1, 0), step(4, -3)])
    assert offsets(timeline) == [(4, 0, -3), (1, 0, 0), (2, 0, 0), (3, 0, 7)]


def test_the_last_step_repeats_every_n_days_exactly_as_often_as_asked():
    timeline = slots(workflow(every=5, times=3), [step(1, 0), step(2, 10)])
    assert offsets(timeline) == [(1, 0, 0), (2, 0, 10), (2, 1, 15), (2, 2, 20), (2, 3, 25)]


def test_every_channel_of_the_last_step_repeats():
    timeline = slots(workflow(every=7, times=1), [step(1, 14), step(2, 14, "sms"), step(3, 0)])
    assert offsets(timeline) == [(3, 0, 0), (1, 0, 14), (2, 0, 14), (1, 1, 21), (2, 1, 21)]


def test_a_workflow_with_repeat_off_has_only_its_steps():
    steps = [step(1, 0), step(2, 7)]
    plain = [(1, 0, 0), (2, 0, 7)]
    assert offsets(slots(workflow(), steps)) == plain
    assert offsets(slots(workflow(every=7, times=0), steps)) == plain
    assert offsets(slots(workflow(every=0, times=3), steps)) == plain
    assert offsets(slots(workflow(every=None, times=3), steps)) == plain


def test_a_workflow_without_steps_has_no_slots_even_with_repeats():
    assert slots(workflow(every=7, times=3), []) == []


# --- where an invoice stands -----------------------------------------------------------------

TIMELINE = slots(workflow(every=7, times=2), [step(1, -3), step(2, 0), step(3, 7)])
# Slots at -3, 0, 7, then repeats of step 3 at 14 and 21.


def test_before_the_first_slot_nothing_is_due_and_the_next_look_is_on_its_day():
    assert where(TIMELINE, DUE - timedelta(days=10)) == Position(
        [], [], None, DUE - timedelta(days=3)
    )


def test_a_slot_is_due_on_the_day_it_falls_due():
    found = where(TIMELINE, DUE)
    assert keys(found.due) == [(2, 0)]
    assert found.reminded_offset == 0
    assert found.next_on == DUE + timedelta(days=7)


def test_a_slot_handled_is_not_due_again_and_the_next_one_waits_for_its_day():
    assert where(TIMELINE, DUE, reminded=0) == Position([], [], 0, DUE + timedelta(days=7))
    assert where(TIMELINE, DUE + timedelta(days=6), reminded=0) == Position(
        [], [], 0, DUE + timedelta(days=7)
    )


def test_after_a_gap_the_latest_slot_goes_and_the_missed_ones_are_recorded_as_skipped():
    found = where(TIMELINE, DUE + timedelta(days=15), reminded=-3)
    assert keys(found.due) == [(3, 1)]
    assert keys(found.skipped) == [(2, 0), (3, 0)]
    assert (found.reminded_offset, found.next_on) == (14, DUE + timedelta(days=21))


def test_missed_slots_are_skipped_only_from_the_day_the_invoice_became_known():
    # Known from the day the 7-day reminder fell due: that one counts as missed, the due-day
    # one never could have been sent.
    found = where(TIMELINE, DUE + timedelta(days=15), known_since=DUE + timedelta(days=7))
    assert keys(found.due) == [(3, 1)]
    assert keys(found.skipped) == [(3, 0)]
    found = where(TIMELINE, DUE + timedelta(days=15), known_since=DUE + timedelta(days=8))
    assert found.skipped == []


def test_an_invoice_known_before_it_fell_due_records_every_missed_slot():
    found = where(TIMELINE, DUE + timedelta(days=8), known_since=DUE - timedelta(days=30))
    assert keys(found.due) == [(3, 0)]
    assert keys(found.skipped) == [(1, 0), (2, 0)]


def test_after_the_last_repeat_nothing_is_left():
    found = where(TIMELINE, DUE + timedelta(days=40), reminded=14)
    assert keys(found.due) == [(3, 2)]
    assert found.skipped == []
    assert (found.reminded_offset, found.next_on) == (21, None)
    assert where(TIMELINE, DUE + timedelta(days=41), reminded=21) == Position([], [], 21, None)


def test_all_channels_of_the_latest_day_go_together():
    timeline = slots(workflow(), [step(1, 0), step(2, 7), step(3, 7, "sms")])
    found = where(timeline, DUE + timedelta(days=9))
    assert keys(found.due) == [(2, 0), (3, 0)]
    assert keys(found.skipped) == [(1, 0)]


def test_a_step_applies_from_a_balance_equal_to_its_minimum():
    timeline = slots(workflow(), [step(1, 0), step(2, 7, min_amount="100.00")])
    reached = where(timeline, DUE + timedelta(days=7), reminded=0, balance="100.00")
    assert keys(reached.due) == [(2, 0)]
    below = where(timeline, DUE + timedelta(days=7), reminded=0, balance="99.99")
    assert below == Position([], [], 0, None)


def test_a_step_below_its_minimum_is_neither_due_nor_skipped_nor_waited_for():
    timeline = slots(workflow(), [step(1, 0, min_amount="1000"), step(2, 7), step(3, 14)])
    assert where(timeline, DUE - timedelta(days=1), balance="50") == Position(
        [], [], None, DUE + timedelta(days=7)
    )
    found = where(timeline, DUE + timedelta(days=14), balance="50")
    assert (keys(found.due), keys(found.skipped)) == ([(3, 0)], [(2, 0)])
