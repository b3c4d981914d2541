"""Re-encrypt every stored provider credential with the first key of KAPITTX_ENCRYPTION_KEY."""

from django.core.management.base import BaseCommand, CommandError

from reminders.channels.accounts import reencrypt_accounts


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored provider credential with the first key of "
        "KAPITTX_ENCRYPTION_KEY. Put the new key first, run this, then drop the old key. "
        "Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        done = reencrypt_accounts(batch_size=batch_size)
        self.stdout.write(
            f"{done.reencrypted} re-encrypted, {done.current} already on the first key, "
            f"{len(done.unreadable)} unreadable."
        )
        if done.unreadable:
            ids = ", ".join(str(pk) for pk in done.unreadable)
            raise CommandError(
                f"No configured key decrypts provider accounts {ids}: keep the old key in "
                "KAPITTX_ENCRYPTION_KEY (after the new one) until these are re-encrypted, "
                "or have their owners enter them again."
            )
