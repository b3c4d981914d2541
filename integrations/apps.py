from importlib import import_module

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"

    def ready(self) -> None:
        from integrations.outgoing import capture

        capture.connect()
        # Workers find the webhook tasks by name once they are registered.
        import_module("integrations.outgoing.tasks")
