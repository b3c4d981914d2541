from django.apps import AppConfig


class ReceivablesConfig(AppConfig):
    name = "receivables"

    def ready(self) -> None:
        # Importing connects the receivers that make payment habits due for a refresh.
        from receivables import stale_habits  # noqa: F401
