from django.core.management.base import BaseCommand, CommandError

from kapittx.models import Tenant
from receivables.models import Customer
from reminders import engine


class Command(BaseCommand):
    help = "Show what would be sent over the next N days; changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tenant", required=True, help="Tenant slug.")
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, **opts) -> None:
        tenant = Tenant.objects.filter(slug=opts["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant with slug {opts['tenant']!r}.")
        upcoming = engine.preview(tenant, opts["days"])
        names = dict(
            Customer.objects.filter(
                tenant=tenant, pk__in={p.item.customer_id for p in upcoming}
            ).values_list("pk", "name")
        )
        for entry in upcoming:
            step = entry.item.slot.step
            self.stdout.write(
                f"{entry.on:%Y-%m-%d %H:%M}Z  {names[entry.item.customer_id]:<40} "
                f"{step.channel:<8} {step.template_key:<22} "
                f"{entry.item.amount} {'/'.join(entry.item.currencies)}"
            )
        self.stdout.write(f"{len(upcoming)} reminders in the next {opts['days']} days.")
