from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"

    def ready(self) -> None:
        # Importing connects the receivers (email events and replies, and changes elsewhere
        # that send reminder positions back to the sweep) and registers the system checks.
        from reminders.channels import checks  # noqa: F401
        from reminders.channels.email import webhooks  # noqa: F401
        from reminders.outbox import follow_changes  # noqa: F401
