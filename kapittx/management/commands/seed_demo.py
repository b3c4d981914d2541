"""Create the demo tenant with 18 months of receivables; running it again changes nothing."""

import time
from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kapittx.demo.seeding import DEMO_EMAIL, DEMO_PASSWORD, DemoSummary, seed_demo

CENT = Decimal("0.01")


class Command(BaseCommand):
    help = (
        "Create the demo tenant (slug 'demo'), its members and ~60 customers with 18 months "
        "of invoices, payments and credit notes. Does nothing if the demo data is there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            help="Last day of the history, YYYY-MM-DD (default: today). "
            "The same day always gives the same data.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo tenant's receivables and build them again.",
        )

    def handle(self, *args, today: str | date | None = None, reset: bool = False, **opts) -> None:
        started = time.monotonic()
        summary = seed_demo(_parse_day(today), reset=reset)
        seconds = time.monotonic() - started
        if summary.created:
            message = f"Demo data for {summary.tenant.name} created in {seconds:.1f} s."
            self.stdout.write(self.style.SUCCESS(message))
        else:
            self.stdout.write("Demo data is already there; nothing added (--reset rebuilds it).")
        self.stdout.write(_describe(summary))
        self.stdout.write(f"Log in as {DEMO_EMAIL} with password {DEMO_PASSWORD}.")


def _parse_day(value: str | date | None) -> date:
    if value is None:
        return date.today()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date like 2026-11-23, not {value!r}.") from None


def _describe(summary: DemoSummary) -> str:
    lines = [
        f"{summary.customers} customers, {summary.contacts} contacts, {summary.invoices} invoices, "
        f"{summary.payments} payments, {summary.credit_notes} credit notes.",
        "Open receivables:",
    ]
    for row in summary.receivables:
        # SQLite sums decimals as floats; show cents, not the float's tail.
        amount = row.receivable.quantize(CENT)
        lines.append(
            f"  {row.currency} {amount:>14,} in {row.open_invoices} open invoices, "
            f"{row.overdue_share}% overdue"
        )
    return "\n".join(lines)
