from django.core.management.base import BaseCommand, CommandError

from kapittx.models import Tenant
from kapittx.money import rounded
from kapittx.tenancy import scoped
from receivables.models import Customer
from reminders.models import Segment
from reminders.outbox.preview import preview
from reminders.setup.segments import segment_members


class Command(BaseCommand):
    help = (
        "Show what would be sent over the next N days, to the whole tenant, one segment or one "
        "customer; changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tenant", required=True, help="Tenant slug.")
        parser.add_argument("--days", type=int, default=30)
        limit = parser.add_mutually_exclusive_group()
        limit.add_argument("--segment", help="Only this segment's customers (its name).")
        limit.add_argument("--customer", help="Only this customer (its external id).")

    def handle(self, *args, **opts) -> None:
        tenant = Tenant.objects.filter(slug=opts["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant with slug {opts['tenant']!r}.")
        if opts["days"] < 1:
            raise CommandError("--days must be at least 1.")
        customers = None
        if opts["segment"]:
            segment = scoped(Segment, tenant).filter(name=opts["segment"]).first()
            if segment is None:
                raise CommandError(f"No segment named {opts['segment']!r} in {tenant.slug}.")
            customers = segment_members(segment)
        elif opts["customer"]:
            customer = scoped(Customer, tenant).filter(external_id=opts["customer"]).first()
            if customer is None:
                raise CommandError(f"No customer {opts['customer']!r} in {tenant.slug}.")
            customers = [customer.pk]
        upcoming = preview(tenant, opts["days"], customers=customers)
        names = dict(
            scoped(Customer, tenant)
            .filter(pk__in={p.item.customer_id for p in upcoming})
            .values_list("pk", "name")
        )
        for entry in upcoming:
            step = entry.item.slot.step
            self.stdout.write(
                f"{entry.on:%Y-%m-%d %H:%M}Z  {names[entry.item.customer_id]:<40} "
                f"{step.channel:<8} {step.template_key:<22} "
                f"{rounded(entry.item.amount, entry.item.currencies[0])} "
                f"{'/'.join(entry.item.currencies)}"
            )
        self.stdout.write(f"{len(upcoming)} reminders in the next {opts['days']} days.")
