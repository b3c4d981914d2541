"""Make an API key for a tenant: ``manage.py create_api_key --tenant SLUG --name NAME``.

The key is printed alone on the last line, so scripts can take it with ``tail -n 1``.
"""

from django.core.management.base import BaseCommand, CommandError

from integrations.api.keys import create_key
from integrations.api.models import Scope
from kapittx.models import Tenant


class Command(BaseCommand):
    help = "Make an API key for a tenant and print it (it is shown this once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tenant", required=True, help="The tenant's slug.")
        parser.add_argument("--name", required=True, help="Which system will use the key.")
        parser.add_argument("--scope", choices=Scope.values, default=Scope.WRITE)

    def handle(self, *args, tenant: str, name: str, scope: str, **options) -> None:
        try:
            found = Tenant.objects.get(slug=tenant)
        except Tenant.DoesNotExist:
            raise CommandError(f"No tenant with slug {tenant!r}.") from None
        try:
            key, secret = create_key(found, name, scope)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Made {key.get_scope_display().lower()} key “{key.name}” for {found.name}. "
            "Keep it now: it is not shown again."
        )
        self.stdout.write(secret)
