"""Import a file: read it, map its columns, turn its rows into items and write them through
the receivables upsert functions, all or nothing.

The one code path of the import page, the ``import_*`` commands and the background task. A
dry run checks everything a real run would, inside a transaction that is rolled back (an
invoice file's new customers must exist for its invoices to be checked), and writes nothing.
"""

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
from django.db import transaction

from integrations.importers.amounts import DecimalSeparator, detect_separator
from integrations.importers.batch import Batch, Planned
from integrations.importers.customers import plan_customers
from integrations.importers.dates import DateOrder, detect_order
from integrations.importers.invoices import plan_invoices
from integrations.importers.payments import plan_payments
from integrations.importers.presets import (
    FIELDS,
    PRESETS,
    Layout,
    Preset,
    columns_for,
    detect,
    field_named,
    known_keys,
    missing_fields,
)
from integrations.importers.reading import Sheet, read_file
from integrations.importers.report import FileRefused, Report, RowError
from integrations.importers.values import Values
from kapittx import cycle_collector
from kapittx.models import Tenant
from receivables.upsert import (
    Refused,
    upsert_customers,
    upsert_invoices,
    upsert_payments,
)
from receivables.upsert.progress import CHECKING

#: Told the stage, the rows done and the rows in all.
Progress = Callable[[str, int, int], None]
PLANNERS = {"customers": plan_customers, "invoices": plan_invoices, "payments": plan_payments}
UPSERTS = {
    "customers": upsert_customers,
    "invoices": upsert_invoices,
    "payments": upsert_payments,
}


@dataclass(frozen=True)
class Options:
    """What the person importing chose; empty means detect it."""

    kind: str
    preset: str = ""
    #: Field → the columns it is read from, over the preset's choice ([] = none).
    mapping: dict[str, list[str]] = field(default_factory=dict)
    date_order: str = ""  # "dmy" | "mdy"
    decimal: str = ""  # "." | ","
    encoding: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Options":
        known = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass
class Setup:
    """A file read and understood: its table, preset, mapping and formats."""

    sheet: Sheet
    preset: Preset
    detected: bool
    layout: Layout
    mapping: dict[str, list[str]]
    missing: list[str]
    date_order: DateOrder
    separator: DecimalSeparator


def prepare(data: bytes, options: Options, tenant: Tenant, *, nrows: int | None = None) -> Setup:
    """Read ``data`` and decide its preset, mapping, date order and decimal separator (each
    as chosen in ``options``, else detected); raise FileRefused for an unreadable file."""
    kind = options.kind
    sheet = read_file(data, known_keys(), encoding=options.encoding or None, nrows=nrows)
    preset = PRESETS.get(options.preset) or detect(kind, sheet.headers)
    if kind not in preset.layouts:
        raise FileRefused(
            [RowError(0, "", f"{preset.label} has no {kind} export to import: choose another.")]
        )
    layout = preset.layouts[kind]
    mapping = columns_for(kind, layout, sheet.headers)
    names = {f.name for f in FIELDS[kind]}
    for name, columns in options.mapping.items():
        chosen = [c for c in columns if c in sheet.headers] if name in names else []
        if chosen:
            mapping[name] = chosen if field_named(kind, name).many else chosen[:1]
        else:
            mapping.pop(name, None)

    def cells(type_: str) -> list:
        return [
            sheet.frame[column]
            for f in FIELDS[kind]
            if f.type == type_
            for column in mapping.get(f.name, [])
        ]

    default_order = layout.date_order
    if preset.name == "generic":
        default_order = "mdy" if tenant.country == "US" else "dmy"
    return Setup(
        sheet=sheet,
        preset=preset,
        detected=not options.preset,
        layout=layout,
        mapping=mapping,
        missing=missing_fields(layout, mapping),
        date_order=detect_order(cells("date"), default_order, options.date_order or None),
        separator=detect_separator(cells("money"), layout.decimal, options.decimal or None),
    )


@cycle_collector.paused()
def run_import(
    tenant: Tenant,
    data: bytes,
    options: Options,
    *,
    dry_run: bool,
    progress: Progress | None = None,
    before_commit: Callable[[Report], None] | None = None,
) -> Report:
    """Import ``data`` (or, with ``dry_run``, check it and write nothing); return the report.

    A file with any bad row writes nothing and its report names every one.
    ``before_commit`` runs inside the transaction that writes the rows, so what it records
    (the import's own status) commits with them or not at all.
    """
    report = Report(kind=options.kind, dry_run=dry_run)
    tell = progress or (lambda stage, done, total: None)
    started = time.perf_counter()
    tell("reading", 0, 0)
    try:
        setup = prepare(data, options, tenant)
    except FileRefused as exc:
        report.errors = exc.errors
        return report
    _describe(report, setup)
    if setup.missing:
        report.errors = _missing_columns(setup, options.kind)
        return report
    values = Values(
        setup.sheet, options.kind, setup.mapping, setup.date_order.order, setup.separator.mark
    )
    planned = PLANNERS[options.kind](setup.sheet, values, setup.layout, tenant, report)
    report.items = len(planned.batches[options.kind].items)
    report.seconds["read"] = round(time.perf_counter() - started, 3)
    tell("checking", 0, report.rows_read)
    started = time.perf_counter()
    _write(tenant, planned, report, dry_run, tell, before_commit)
    report.seconds["write"] = round(time.perf_counter() - started, 3)
    return report


def _describe(report: Report, setup: Setup) -> None:
    report.preset, report.preset_detected = setup.preset.name, setup.detected
    report.encoding, report.header_line = setup.sheet.encoding, setup.sheet.header_line
    report.mapping = setup.mapping
    report.date_order, report.date_order_source = setup.date_order.order, setup.date_order.source
    report.decimal, report.decimal_source = setup.separator.mark, setup.separator.source
    report.rows_read = setup.sheet.rows
    for what, count in setup.sheet.skipped.items():
        report.skip(what, count)


def _missing_columns(setup: Setup, kind: str) -> list[RowError]:
    errors = []
    for group in setup.missing:
        names = group.split("|")
        columns = " or ".join(setup.layout.columns.get(n, (n,))[0] for n in names)
        labels = " or ".join(field_named(kind, n).label.lower() for n in names)
        errors.append(
            RowError(
                setup.sheet.header_line,
                columns,
                f"The file has no column for the {labels}: choose its column, or another "
                f"preset than {setup.preset.label}.",
            )
        )
    return errors


def _write(
    tenant: Tenant,
    planned: Planned,
    report: Report,
    dry_run: bool,
    tell: Progress,
    before_commit: Callable[[Report], None] | None,
) -> None:
    """Upsert the batches in order in one transaction; keep it only for a real run of a
    good file. A refused batch is checked again without its bad items so that the rest of
    the file is checked too (a refused customer's invoices are left out)."""
    errors = list(planned.errors)
    kinds = [kind for kind, batch in planned.batches.items() if batch.items]
    refused_customers: set[str] = set()
    with transaction.atomic():
        for position, kind in enumerate(kinds):
            batch = planned.batches[kind]
            batch, _ = batch.subset(
                [
                    i
                    for i, item in enumerate(batch.items)
                    if item.get("customer_external_id") not in refused_customers
                ]
            )
            last = position == len(kinds) - 1
            dry = last and (dry_run or bool(errors))
            on_progress = _rows_progress(batch, kind, report, tell)
            try:
                written = UPSERTS[kind](tenant, batch.items, dry_run=dry, on_progress=on_progress)
            except Refused as exc:
                errors += [_row_error(batch, e) for e in exc.errors]
                refused = {e.index for e in exc.errors}
                refused_customers |= {batch.items[i].get("external_id") for i in refused}
                good, _ = batch.subset([i for i in range(len(batch.items)) if i not in refused])
                if not last:
                    try:
                        UPSERTS[kind](tenant, good.items, dry_run=dry)
                    except Refused:  # what is wrong depends on the whole batch: stop here
                        break
                continue
            report.written[kind] = {
                "created": written.created,
                "updated": written.updated,
                "unchanged": written.unchanged,
            }
            report.notes += [_row_error(batch, note).as_text() for note in written.notes]
        report.errors = sorted(set(errors))
        if report.errors:
            report.written = {}
        if dry_run or report.errors:
            transaction.set_rollback(True)
        elif before_commit:
            before_commit(report)


def _row_error(batch: Batch, error) -> RowError:
    found = batch.row_error(error.index, error.field, error.reason)
    if found.column and error.field and found.reason.startswith(f"{error.field} "):
        return RowError(found.line, found.column, found.column + found.reason[len(error.field) :])
    return found


def _rows_progress(batch: Batch, kind: str, report: Report, tell: Progress):
    """Return an upsert's progress callback that tells rows of the file done, or None for
    the customers an invoice file names (told once, as a stage)."""
    if kind != report.kind:
        tell(f"writing {kind}", 0, report.rows_read)
        return None
    rows = np.cumsum(batch.rows) if batch.rows else np.zeros(1, dtype=int)

    def on_progress(stage: str, done: int, total: int) -> None:
        told = stage if stage == CHECKING else f"{stage} {kind}"
        tell(told, int(rows[done - 1]) if done else 0, int(rows[-1]))

    return on_progress
