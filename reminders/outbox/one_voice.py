"""A customer hears one voice a day.

Whatever steps a customer's invoices reach on one local day, the day's reminders take the
firmest step due (its tone first, then how far it is from the due date): that step goes out
on each channel it names, and every other slot due that day is folded into it — recorded
on one of its reminders and listed in its message. A reminder already planned for the day
and not yet sent counts too: a firmer step arriving later rewords it, and a reminder on a
channel the firmest step does not name folds into the others — and so does a reminder
of an earlier day still waiting (deferred by the contact rules), so that two days' reminders
never leave together. Once the customer has heard from us on a day, what falls due later
that day waits for the next. The day's reminders share a ``voice``: each lists the invoices
of all of them.
"""

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from django.db.models import Q

from kapittx.localtime import local_today
from kapittx.tenancy import scoped
from reminders.channels.registry import CHANNELS
from reminders.models import MANUAL_KEY, Dispatch, DispatchStatus, Tone
from reminders.outbox import states
from reminders.outbox.schedule import Slot

S = DispatchStatus
TONE_RANK = {Tone.COURTESY: 0, Tone.REMINDER: 1, Tone.FIRM: 2, Tone.FINAL: 3}
CHANNEL_ORDER = {kind: n for n, kind in enumerate(CHANNELS)}
#: How far back reminders sent or created are looked at (local days lag UTC by one at most).
LOOK_BACK = timedelta(days=2)
#: ``c<customer>:i<invoice>:…``: a reminder of a per-invoice workflow.
PER_INVOICE_KEY = re.compile(r"^c\d+:i\d+:")


@lru_cache(maxsize=64)
def compact(day: date) -> str:
    """Return ``day`` as it appears in keys (20260317); a sweep names the same few days."""
    return f"{day:%Y%m%d}"


def voice_of(customer_id: int, day: date) -> str:
    """Name the voice of a customer's reminders of one local day; they all carry it."""
    return f"c{customer_id}:{compact(day)}"


def day_key(customer_id: int, channel: str, day: date) -> str:
    return f"c{customer_id}:c:{channel}:{compact(day)}"


def firmness(slot: Slot) -> tuple[int, int, int]:
    return (TONE_RANK.get(slot.step.tone, 0), slot.offset, slot.repeat)


class Due(NamedTuple):
    """One invoice's slot that falls due today (a tuple: a cold sweep makes one per invoice)."""

    invoice_id: int
    slot: Slot
    balance: Decimal
    currency: str
    trigger: date  # the day the slot fell due

    @property
    def line(self) -> tuple[int, int, int]:
        return (self.invoice_id, self.slot.step_id, self.slot.repeat)


@dataclass(frozen=True)
class Existing:
    """One of a customer's reminders already in the outbox."""

    dispatch_id: int
    key: str
    status: str
    channel: str
    slot: Slot | None  # None for a reminder sent by hand, or when its step no longer exists
    sent_at: datetime | None

    def spoke_on(self, day: date, zone: str) -> bool:
        """Whether the customer heard (or is hearing) this reminder on ``day``."""
        if self.status in states.UNDER_WAY:
            return True
        return self.sent_at is not None and local_today(self.sent_at, zone) == day

    @property
    def waiting(self) -> bool:
        """A reminder of the sweep's that has not left: the day's voice may join it."""
        return self.status == S.PLANNED and self.slot is not None


@dataclass
class Voice:
    """The day's reminders for one customer: per channel, the slot its wording comes from
    and the newly due slots it records."""

    heads: dict[str, Slot]
    lines: dict[str, list[Due]] = field(default_factory=dict)

    @property
    def primary(self) -> str:
        return next(iter(self.heads))


def speak(due: list[Due], waiting: Iterable[Slot]) -> Voice:
    """Choose the firmest step among ``due`` and the ``waiting`` reminders, and spread the
    due slots over the channels it names (the rest go to the first of them)."""
    candidates = [d.slot for d in due] + list(waiting)
    firmest = max(candidates, key=firmness)
    heads: dict[str, Slot] = {}
    for slot in sorted(candidates, key=lambda s: CHANNEL_ORDER.get(s.step.channel, 99)):
        if (slot.offset, slot.repeat) == (firmest.offset, firmest.repeat):
            heads.setdefault(slot.step.channel, slot)
    voice = Voice(heads, {kind: [] for kind in heads})
    for item in due:
        kind = item.slot.step.channel
        voice.lines[kind if kind in heads else voice.primary].append(item)
    return voice


@dataclass
class Theirs:
    """What the outbox already holds for the customers a sweep speaks to."""

    #: Each customer's reminders that matter for today's voice.
    voices: dict[int, list[Existing]] = field(default_factory=dict)
    #: Every one of their reminders still planned, per-invoice ones too: id → key.
    planned: dict[int, str] = field(default_factory=dict)


def their_reminders(
    tenant_id: int,
    customer_ids: Collection[int],
    now: datetime,
    slot_of: dict[tuple[int, int], Slot],
    batch: int = 5000,
) -> Theirs:
    """Return each customer's reminders that matter for today's voice: those waiting or under
    way, and those sent or created lately; and every reminder of theirs still planned.
    ``slot_of`` finds a slot by (step id, repeat); reminders of per-invoice workflows are not
    a customer's voice and are left out of the voices."""
    since = now - LOOK_BACK
    theirs = Theirs()
    ordered = sorted(customer_ids)
    for start in range(0, len(ordered), batch):
        rows = (
            scoped(Dispatch, tenant_id)
            .filter(customer_id__among=ordered[start : start + batch])
            .filter(
                Q(status__in=[S.PLANNED, *states.UNDER_WAY])
                | Q(created_at__gte=since)
                | Q(sent_at__gte=since)
            )
            .order_by()
            .values_list(
                "customer_id", "key", "pk", "status", "channel", "step_id", "repeat", "sent_at"
            )
        )
        for customer_id, key, pk, status, channel, step_id, repeat, sent_at in rows:
            if status == S.PLANNED:
                theirs.planned[pk] = key
            if PER_INVOICE_KEY.match(key):
                continue
            slot = None if MANUAL_KEY in key else slot_of.get((step_id, repeat))
            theirs.voices.setdefault(customer_id, []).append(
                Existing(pk, key, status, channel, slot, sent_at)
            )
    return theirs


def companions(tenant_id: int, dispatches: list[Dispatch]) -> dict[int, set[int]]:
    """Return, for each of ``dispatches``, the reminders its message speaks for: itself and
    the others of its voice (so the email and the SMS of one day list the same invoices)."""
    result = {d.pk: {d.pk} for d in dispatches}
    voices: dict[str, list[int]] = {}
    for dispatch in dispatches:
        if dispatch.voice:
            voices.setdefault(dispatch.voice, []).append(dispatch.pk)
    if not voices:
        return result
    for voice, pk in (
        scoped(Dispatch, tenant_id)
        .filter(customer_id__in={d.customer_id for d in dispatches}, voice__in=list(voices))
        .exclude(status=S.SKIPPED)
        .values_list("voice", "pk")
    ):
        for member in voices[voice]:
            result[member].add(pk)
    return result
