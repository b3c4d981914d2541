"""Re-encrypt every webhook signing secret with the first key of KAPITTX_ENCRYPTION_KEY."""

from django.core.management.base import BaseCommand, CommandError

from integrations.outgoing.signing import reencrypt_secrets


class Command(BaseCommand):
    help = (
        "Re-encrypt every webhook endpoint's signing secret with the first key of "
        "KAPITTX_ENCRYPTION_KEY (run it with rotate_encryption_key, before the old key is "
        "dropped). Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        done, unreadable = reencrypt_secrets(batch_size=batch_size)
        self.stdout.write(f"{done} re-encrypted, {len(unreadable)} unreadable.")
        if unreadable:
            ids = ", ".join(str(pk) for pk in unreadable)
            raise CommandError(
                f"No configured key decrypts the secrets of webhook endpoints {ids}: keep the "
                "old key in KAPITTX_ENCRYPTION_KEY until they are re-encrypted, or remove "
                "those endpoints and add them again."
            )
