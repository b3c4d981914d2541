"""What an import found: rows read, what would be or was written, what was skipped, and
every bad row with its line, column and reason."""

import csv
import io
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, order=True)
class RowError:
    """A bad row: ``line`` as a spreadsheet numbers it (the header is a line too; 0 = the
    file as a whole), ``column`` as the file names it ("" = the whole row)."""

    line: int
    column: str
    reason: str

    def as_text(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return (
            f"{where}: {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"
        )


class FileRefused(Exception):
    """The file cannot be imported; ``errors`` says every reason found."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = sorted(errors)


@dataclass
class Report:
    kind: str
    dry_run: bool
    preset: str = ""
    preset_detected: bool = False
    encoding: str = ""
    header_line: int = 0
    mapping: dict[str, list[str]] = field(default_factory=dict)
    date_order: str = ""
    date_order_source: str = ""
    decimal: str = ""
    decimal_source: str = ""
    rows_read: int = 0
    items: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    #: Per kind written ("customers", "invoices", "payments"): created, updated, unchanged.
    written: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.errors)

    def skip(self, what: str, count: int) -> None:
        if count:
            self.skipped[what] = self.skipped.get(what, 0) + int(count)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["errors"] = [[e.line, e.column, e.reason] for e in self.errors]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        data = dict(data)
        data["errors"] = [RowError(*error) for error in data.get("errors", [])]
        known = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in data.items() if key in known})


#: A spreadsheet reads a cell starting with these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def errors_csv(errors: list[RowError]) -> str:
    """Return the errors as CSV (line, column, reason), cells safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["line", "column", "reason"])
    for error in errors:
        writer.writerow([error.line, _cell(error.column), _cell(error.reason)])
    return out.getvalue()
