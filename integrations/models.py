"""The models of the integrations layer, one import line per area."""

from integrations.importers.models import ImportJob

__all__ = ["ImportJob"]
