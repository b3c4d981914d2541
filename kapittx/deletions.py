"""What started a deletion, for receivers of ``post_delete`` that follow changes elsewhere."""

from django.db.models import Model, QuerySet


def deleted_itself(origin: Model | QuerySet | None, model: type[Model]) -> bool:
    """Return whether a deletion began with ``model`` rows themselves.

    Rows deleted along with their parent (an invoice's customer, a tenant) leave nothing for
    a follower to do: what it would update goes with the parent, and a tenant's deletion
    spends no update per row on it.
    """
    if isinstance(origin, QuerySet):
        return origin.model is model
    return isinstance(origin, model)
