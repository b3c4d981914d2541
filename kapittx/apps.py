from django.apps import AppConfig


class KapittxConfig(AppConfig):
    name = "kapittx"
    verbose_name = "Kapittx tenancy"
