"""Re-encrypt every stored secret with the first key of KAPITTX_ENCRYPTION_KEY: the tenants'
provider credentials and their webhook signing secrets, in one run."""

from django.core.management.base import BaseCommand, CommandError

from integrations.outgoing.signing import reencrypt_secrets
from reminders.channels.accounts import reencrypt_accounts


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored provider credential and webhook signing secret with the "
        "first key of KAPITTX_ENCRYPTION_KEY. Put the new key first, run this, then drop the "
        "old key. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        accounts = reencrypt_accounts(batch_size=batch_size)
        secrets, lost_secrets = reencrypt_secrets(batch_size=batch_size)
        self.stdout.write(
            f"{accounts.reencrypted} re-encrypted, {accounts.current} already on the first key, "
            f"{len(accounts.unreadable)} unreadable (provider accounts); "
            f"{secrets} re-encrypted, {len(lost_secrets)} unreadable (webhook secrets)."
        )
        problems = []
        if accounts.unreadable:
            ids = ", ".join(str(pk) for pk in accounts.unreadable)
            problems.append(
                f"No configured key decrypts provider accounts {ids}: keep the old key in "
                "KAPITTX_ENCRYPTION_KEY (after the new one) until these are re-encrypted, "
                "or have their owners enter them again."
            )
        if lost_secrets:
            ids = ", ".join(str(pk) for pk in lost_secrets)
            problems.append(
                f"No configured key decrypts the secrets of webhook endpoints {ids}: keep the "
                "old key in KAPITTX_ENCRYPTION_KEY until they are re-encrypted, or remove "
                "those endpoints and add them again."
            )
        if problems:
            raise CommandError(" ".join(problems))
