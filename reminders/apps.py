from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"

    def ready(self) -> None:
        # Importing connects the receivers: email events and replies, and new tenants.
        from reminders import receivers, signals  # noqa: F401
