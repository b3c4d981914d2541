"""Celery tasks of the integrations layer, one import line per area (found by autodiscovery)."""

from integrations.importers.tasks import import_file

__all__ = ["import_file"]
