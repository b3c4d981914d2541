from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kapittx.actions import describe
from kapittx.onboarding import create_tenant


class Command(BaseCommand):
    help = "Create a tenant."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--currency", default="EUR", help="Base currency, ISO 4217.")
        parser.add_argument(
            "--timezone", default="UTC", help="Default time zone, e.g. Europe/Berlin."
        )
        parser.add_argument("--country", default="", help="ISO 3166 alpha-2, e.g. DE.")
        parser.add_argument("--language", default="en")

    def handle(self, *args, **opts) -> None:
        try:
            tenant = create_tenant(
                opts["slug"],
                opts["name"],
                currency=opts["currency"],
                time_zone=opts["timezone"],
                country=opts["country"],
                language=opts["language"],
            )
        except ValidationError as exc:
            raise CommandError(describe(exc)) from None
        self.stdout.write(f"Created tenant {tenant.slug} ({tenant.name}).")
