"""What a sweep plans, before anything is written: reminders to create, slots joining a
reminder the day already has, reminders folded into a firmer one, and each invoice's place."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from kapittx.models import Tenant
from reminders.models import DispatchStatus
from reminders.outbox.schedule import Slot

#: How many rows to read or write per database round trip.
BATCH = 5000


@dataclass(frozen=True)
class Planned:
    """One reminder to create: what it is (``key``), who it goes to, and its invoices."""

    key: str
    customer_id: int
    slot: Slot
    status: str  # planned, or skipped for slots overtaken while nothing ran
    due_at: datetime
    send_after: datetime
    invoice_ids: tuple[int, ...]
    amount: Decimal
    currencies: tuple[str, ...]
    lines: tuple[tuple[int, int, int], ...]  # (invoice, step, repeat): the slots it records
    voice: str = ""  # the customer's reminders of the day share it


@dataclass(frozen=True)
class Join:
    """Slots newly due today, recorded on one of the day's reminders already planned; its
    wording comes from ``slot`` (a firmer step may have arrived)."""

    dispatch_id: int
    slot: Slot
    lines: tuple[tuple[int, int, int], ...]
    voice: str


@dataclass(frozen=True)
class Fold:
    """A planned reminder of the day on a channel the day's firmest step does not name: it is
    skipped, and its invoices go to the reminder ``into`` (an id, or a new reminder's key)."""

    dispatch_id: int
    into: int | str


@dataclass
class Plan:
    tenant: Tenant
    now: datetime
    reminders: list[Planned] = field(default_factory=list)
    joins: list[Join] = field(default_factory=list)
    folds: list[Fold] = field(default_factory=list)
    # invoice id → (reminded offset, moment to look again)
    positions: dict[int, tuple[int | None, datetime | None]] = field(default_factory=dict)
    changed: set[int] = field(default_factory=set)  # positions that differ from the stored
    stored: dict[int, tuple] = field(default_factory=dict)  # positions as they were
    # reminders still planned before this sweep for the customers it speaks to: id → key
    planned_before: dict[int, str] = field(default_factory=dict)

    def place(self, invoice_id: int, where: tuple, stored: tuple | None) -> None:
        self.positions[invoice_id] = where
        self.stored[invoice_id] = stored
        if where != stored:
            self.changed.add(invoice_id)
        else:
            self.changed.discard(invoice_id)

    def look_again(self, invoice_ids: Iterable[int], at: datetime) -> None:
        """Leave these invoices where they stood, to be looked at again at ``at``."""
        for pk in invoice_ids:
            stored = self.stored[pk]
            self.place(pk, (stored[0], at), stored)

    @property
    def due(self) -> list[Planned]:
        return [r for r in self.reminders if r.status == DispatchStatus.PLANNED]

    @property
    def skipped(self) -> list[Planned]:
        return [r for r in self.reminders if r.status == DispatchStatus.SKIPPED]
