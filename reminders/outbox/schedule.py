"""A workflow as a timeline of slots, and where one invoice stands on it.

Every reminder a workflow can send is a slot at an *effective offset* in days from the due
date: the steps at their own offsets, then the repeats of the last step every N days. An
invoice remembers the offset of the last slot handled; the slots after it that have fallen
due are what a sweep acts on (the latest goes, older ones are skipped), and the first slot
still ahead gives the day to look at the invoice again.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from reminders.models import Step, Workflow


@dataclass(frozen=True)
class Slot:
    step: Step
    repeat: int  # 0 for the step itself, n for the n-th repeat of the last step
    offset: int  # days from the due date
    # The step's key, read for every invoice line a sweep writes: kept plain.
    step_id: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "step_id", self.step.pk)


def slots(workflow: Workflow, steps: list[Step]) -> list[Slot]:
    """Return the workflow's slots in time order (``steps`` are the workflow's steps)."""
    ordered = sorted(steps, key=lambda s: (s.offset_days, s.pk))
    result = [Slot(step, 0, step.offset_days) for step in ordered]
    if ordered and workflow.repeat_every_days and workflow.repeat_max_times:
        last_offset = ordered[-1].offset_days
        last_steps = [s for s in ordered if s.offset_days == last_offset]
        for n in range(1, workflow.repeat_max_times + 1):
            offset = last_offset + n * workflow.repeat_every_days
            result.extend(Slot(step, n, offset) for step in last_steps)
    return result


@dataclass(frozen=True)
class Position:
    due: list[Slot]  # slots to send now: all slots at the latest due offset (one per channel)
    skipped: list[Slot]  # older slots that fell due unsent, overtaken by ``due``
    reminded_offset: int | None  # the offset handled once ``due`` is dealt with
    next_on: date | None  # the day the next slot falls due; None when none is left


def position(
    timeline: list[Slot],
    *,
    due_date: date,
    today: date,
    reminded_offset: int | None,
    balance: Decimal,
    known_since: date,
) -> Position:
    """Return what is due for an invoice on ``today`` after the slot at ``reminded_offset``.

    Slots whose step asks for a higher minimum amount than ``balance`` do not apply. Older
    slots are reported skipped only if they fell due on or after ``known_since`` (the day the
    invoice reached Kapittx): an invoice imported long overdue never missed its courtesy
    reminder here.
    """
    days = (today - due_date).days
    ahead = [
        slot
        for slot in timeline
        if (reminded_offset is None or slot.offset > reminded_offset)
        and balance >= slot.step.min_amount
    ]
    fallen = [slot for slot in ahead if slot.offset <= days]
    later = [slot for slot in ahead if slot.offset > days]
    next_on = due_date + timedelta(days=later[0].offset) if later else None
    if not fallen:
        return Position([], [], reminded_offset, next_on)
    latest = fallen[-1].offset
    return Position(
        due=[slot for slot in fallen if slot.offset == latest],
        skipped=[
            slot
            for slot in fallen
            if slot.offset < latest and due_date + timedelta(days=slot.offset) >= known_since
        ],
        reminded_offset=latest,
        next_on=next_on,
    )
