from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kapittx.models import Tenant
from kapittx.money import rounded
from reminders.outbox import positions, reconcile, release, sweep
from reminders.tasks import enqueue


class Command(BaseCommand):
    help = "Plan (and release) the reminders due now, for one tenant or all."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tenant", help="Tenant slug; all tenants when omitted.")
        parser.add_argument("--now", help="ISO date-time to sweep at, e.g. 2026-03-17T10:00+01:00")
        parser.add_argument("--dry-run", action="store_true", help="Show the plan, write nothing.")

    def handle(self, *args, **opts) -> None:
        now = _parse_now(opts["now"])
        tenants = Tenant.objects.all()
        if opts["tenant"]:
            tenants = tenants.filter(slug=opts["tenant"])
            if not tenants.exists():
                raise CommandError(f"No tenant with slug {opts['tenant']!r}.")
        for tenant in tenants:
            if not opts["dry_run"]:
                reconcile.reconcile(tenant.pk, now)
                positions.place_missing(tenant)
            result = sweep.sweep(tenant, now, dry_run=opts["dry_run"])
            queued = 0 if opts["dry_run"] else release.release(tenant, now, enqueue)
            self.stdout.write(
                f"{tenant.slug}: {len(result.due)} due, {len(result.skipped)} skipped"
                + ("" if opts["dry_run"] else f", {queued} queued")
            )
            for item in result.due:
                step = item.slot.step
                self.stdout.write(
                    f"  {item.send_after:%Y-%m-%d %H:%M}Z customer {item.customer_id} "
                    f"{step.channel} {step.template_key} ({step.tone}) "
                    f"{len(item.invoice_ids)} invoice(s), "
                    f"{rounded(item.amount, item.currencies[0])} {'/'.join(item.currencies)}"
                )


def _parse_now(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--now must be an ISO date-time, not {value!r}.") from None
    if timezone.is_naive(moment):
        raise CommandError("--now needs a UTC offset, e.g. 2026-03-17T10:00+01:00.")
    return moment
