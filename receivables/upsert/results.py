"""What an upsert answers: the rows it wrote, or every reason it refused the batch."""

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class ItemError:
    """One thing wrong with one item of a batch."""

    index: int  # the item's 0-based position in the batch
    field: str  # the item's key that is wrong ("" = the item as a whole), e.g. "contacts.0.email"
    code: str  # for machines: "required", "invalid", "duplicate", "unknown_customer", …
    reason: str  # for people


class Refused(Exception):
    """The batch was refused and nothing was written; ``errors`` holds every bad item's
    errors, in item order."""

    def __init__(self, errors: list[ItemError]) -> None:
        self.errors = sorted(errors)
        super().__init__(f"{len(self.errors)} error(s), first: {self.errors[0].reason}")


@dataclass
class Written:
    """What a batch wrote (or, in a dry run, would have written)."""

    #: Each item's row id, in item order; None for a row a dry run would have created.
    ids: list[int | None] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Warnings that refused nothing (same shape as the errors).
    notes: list[ItemError] = field(default_factory=list)


class Errors:
    """Collects the errors of a batch while it is checked."""

    def __init__(self) -> None:
        self.found: list[ItemError] = []
        self.notes: list[ItemError] = []
        self._bad: set[int] = set()

    def add(self, index: int, field_name: str, code: str, reason: str) -> None:
        self.found.append(ItemError(index, field_name, code, reason))
        self._bad.add(index)

    def note(self, index: int, field_name: str, code: str, reason: str) -> None:
        self.notes.append(ItemError(index, field_name, code, reason))

    def bad(self, index: int) -> bool:
        return index in self._bad

    def raise_if_any(self) -> None:
        if self.found:
            raise Refused(self.found)
