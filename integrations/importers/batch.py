"""Items for the upsert functions, and where in the file each came from, so an error about an
item's field is reported at the file's line and column."""

from dataclasses import dataclass, field

from integrations.importers.report import RowError


@dataclass
class Batch:
    items: list[dict] = field(default_factory=list)
    #: The first line of each item in the file.
    lines: list[int] = field(default_factory=list)
    #: How many rows of the file each item stands for (progress counts rows).
    rows: list[int] = field(default_factory=list)
    #: Item key → the column it was read from: "due_date", "contacts.email" (for any
    #: contact), or "contacts" (for the rest of a list).
    columns: dict[str, str] = field(default_factory=dict)

    def add(self, item: dict, line: int, rows: int = 1) -> None:
        self.items.append(item)
        self.lines.append(line)
        self.rows.append(rows)

    def row_error(self, index: int, item_field: str, reason: str) -> RowError:
        """Return an upsert's error about item ``index`` as the file's line and column."""
        parts = item_field.split(".")
        column = (
            self.columns.get(item_field)
            or self.columns.get(".".join(p for p in parts if not p.isdigit()))
            or self.columns.get(parts[0], "")
        )
        return RowError(self.lines[index], column, reason)

    def subset(self, keep: list[int]) -> tuple["Batch", list[int]]:
        """Return the items at ``keep`` (and ``keep`` itself, to map indexes back)."""
        part = Batch(columns=self.columns)
        for index in keep:
            part.add(self.items[index], self.lines[index], self.rows[index])
        return part, keep


@dataclass
class Planned:
    """What a file turns into: a batch per kind to write, in order (the customers an invoice
    file names come before its invoices), and the cells that could not be read."""

    batches: dict[str, Batch] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
