from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kapittx.actions import add_member, describe
from kapittx.models import Tenant
from kapittx.roles import Role


class Command(BaseCommand):
    help = "Create a user (or take an existing one) and make them a member of a tenant."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument("--password", help="Required for a new user.")
        parser.add_argument("--tenant", required=True, help="Tenant slug.")
        parser.add_argument("--role", required=True, choices=Role.values)

    def handle(self, *args, **opts) -> None:
        tenant = Tenant.objects.filter(slug=opts["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant with slug {opts['tenant']!r}.")
        try:
            membership = add_member(tenant, opts["email"], opts["role"], opts["password"])
        except ValidationError as exc:
            raise CommandError(describe(exc)) from None
        self.stdout.write(f"{membership.user.email} is {membership.role} of {tenant.slug}.")
