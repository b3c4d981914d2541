"""Domain events: what happened to a tenant's data, announced to the layers above.

Lower layers publish an event type (``invoice.created``) with a small JSON-ready payload; the
integrations layer turns each into signed webhook deliveries inside the same transaction, so
an event is delivered exactly when the change it reports is committed. Publishing costs one
signal call when nobody listens.
"""

from collections.abc import Iterable

from django.dispatch import Signal

#: Sent with ``tenant_id`` and ``events``: a list of (event type, payload) pairs.
published = Signal()


def publish(tenant_id: int, event_type: str, data: dict) -> None:
    """Announce one event of ``tenant_id``."""
    publish_many(tenant_id, [(event_type, data)])


def publish_many(tenant_id: int, events: Iterable[tuple[str, dict]]) -> None:
    """Announce several events of ``tenant_id`` at once (a bulk write's).

    ``events`` may be a generator: its payloads are built only when a listener reads them —
    an import of a hundred thousand invoices for a tenant that subscribes to nothing builds
    none.
    """
    published.send(sender=None, tenant_id=tenant_id, events=Lazy(events))


class Lazy:
    """An iterable read at most once from its source, then kept for later readers."""

    def __init__(self, source: Iterable) -> None:
        self._source, self._kept = source, None

    def __iter__(self):
        if self._kept is None:
            self._kept = list(self._source)
        return iter(self._kept)
