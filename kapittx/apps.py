from django.apps import AppConfig

from kapittx import lookups


class KapittxConfig(AppConfig):
    name = "kapittx"
    verbose_name = "Kapittx tenancy"

    def ready(self) -> None:
        lookups.register()
