"""The ``import_customers``, ``import_invoices`` and ``import_payments`` commands: the same
code path as the import page, with progress on stderr and every bad row on refusal."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from integrations.importers.actions import Options, run_import
from integrations.importers.amounts import DecimalSeparator
from integrations.importers.dates import DateOrder
from integrations.importers.decoding import ENCODINGS
from integrations.importers.presets import PRESETS, presets_for
from integrations.importers.report import Report
from kapittx.models import Tenant


class ImportCommand(BaseCommand):
    kind = ""

    @property
    def help(self) -> str:
        return (
            f"Import {self.kind} from a CSV or XLSX export, all or nothing; a refused file "
            "exits non-zero and prints every bad row."
        )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The export: CSV, XLSX, XLS or ODS.")
        parser.add_argument("--tenant", required=True, help="The tenant's slug.")
        parser.add_argument(
            "--preset",
            choices=[p.name for p in presets_for(self.kind)],
            default="",
            help="The system the file comes from; detected from the header when not given.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and write nothing."
        )
        parser.add_argument(
            "--date-order",
            choices=["dmy", "mdy"],
            default="",
            help="Day first (dmy) or month first (mdy); detected when not given.",
        )
        parser.add_argument(
            "--decimal",
            choices=[".", ","],
            default="",
            help="The decimal separator of amounts; detected when not given.",
        )
        parser.add_argument("--encoding", choices=ENCODINGS, default="", help="Of a CSV file.")

    def handle(self, *args, **opts) -> None:
        tenant = Tenant.objects.filter(slug=opts["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant {opts['tenant']!r}.")
        try:
            data = Path(opts["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {opts['file']}: {exc.strerror}.") from None
        options = Options(
            kind=self.kind,
            preset=opts["preset"],
            date_order=opts["date_order"],
            decimal=opts["decimal"],
            encoding=opts["encoding"],
        )
        report = run_import(
            tenant, data, options, dry_run=opts["dry_run"], progress=self._progress()
        )
        self.stderr.write("")
        if report.refused:
            for error in report.errors:
                self.stderr.write(error.as_text())
            raise CommandError(
                f"{Path(opts['file']).name} refused: {len(report.errors)} problem(s); "
                "nothing was written."
            )
        self._summary(Path(opts["file"]).name, report)

    def _progress(self):
        last = {"at": 0.0, "stage": ""}

        def tell(stage: str, done: int, total: int) -> None:
            now = time.monotonic()
            if stage == last["stage"] and now - last["at"] < 0.5 and done < total:
                return
            last.update(at=now, stage=stage)
            rows = f": {done:,} / {total:,} rows" if total else ""
            self.stderr.write(f"\r{stage}{rows}", ending="")
            self.stderr.flush()

        return tell

    def _summary(self, name: str, report: Report) -> None:
        out = self.stdout.write
        preset = PRESETS[report.preset].label
        out(f"{'Dry run of' if report.dry_run else 'Imported'} {name}.")
        how = "detected" if report.preset_detected else "as chosen"
        encoding = f", {report.encoding}" if report.encoding else ""
        out(f"Preset: {preset} ({how}); header on line {report.header_line}{encoding}.")
        dates = DateOrder(report.date_order, report.date_order_source).describe()
        amounts = DecimalSeparator(report.decimal, report.decimal_source).describe()
        out(f"Dates: {dates}. Amounts: {amounts}.")
        out(f"Rows read: {report.rows_read:,}.")
        verbs = ("would create", "would update") if report.dry_run else ("created", "updated")
        for kind, counts in report.written.items():
            out(
                f"{kind.capitalize()}: {verbs[0]} {counts['created']:,}, {verbs[1]} "
                f"{counts['updated']:,}, unchanged {counts['unchanged']:,}."
            )
        for what, count in report.skipped.items():
            out(f"Skipped: {count:,} {what}.")
        for note in report.notes:
            out(f"Note: {note}")
        seconds = report.seconds
        out(
            f"Read and planned in {seconds.get('read', 0):.2f} s; checked and written in "
            f"{seconds.get('write', 0):.2f} s."
        )
