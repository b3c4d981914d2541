"""A reminder's statuses, the moves allowed between them, and the one function that moves.

Every status change of a Dispatch goes through :func:`move`: one conditional UPDATE that
changes only rows whose status is still one the move may start from, so two workers, a
webhook racing a worker, or a member racing the release can never move a reminder backwards
or twice. The sweep creates reminders (``add``); nothing else writes a status.
"""

from collections.abc import Collection, Iterable, Sequence

from django.db import connection
from django.db.models import F, Q
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from kapittx.bulk import insert_ignoring_conflicts
from reminders.models import Dispatch, DispatchStatus

S = DispatchStatus

#: Waiting to leave: the release may still gate, defer or cancel them.
PENDING = frozenset({S.PLANNED, S.QUEUED})
#: Reached the provider (a delivery report or a reply may follow).
WENT_OUT = frozenset({S.SENT, S.DELIVERED, S.OPENED, S.CLICKED, S.REPLIED, S.BOUNCED})
#: Did not leave, or may not have; a member may put them back in line.
SENDABLE_AGAIN = frozenset({S.FAILED, S.BLOCKED, S.CANCELLED, S.INTERRUPTED})
#: Statuses shown with their reason (or error) beside them.
EXPLAINED = frozenset({S.BLOCKED, S.SKIPPED, S.FAILED, S.CANCELLED, S.BOUNCED, S.INTERRUPTED})
#: Need a member's eye: the overview counts them.
NEEDS_ATTENTION = frozenset({S.INTERRUPTED})
#: Going now, or may have gone: the customer hears (or heard) from us.
UNDER_WAY = frozenset({S.QUEUED, S.SENDING, S.INTERRUPTED})
#: Delivery reports only move a reminder up this ladder: a late "delivered" never undoes
#: "opened".
LADDER = (S.SENT, S.DELIVERED, S.OPENED, S.CLICKED, S.REPLIED)

#: status → the statuses a reminder may move to it from.
MOVES: dict[str, frozenset[str]] = {
    # Deferred by the gate (planned → planned), retried or rate-limited by a worker, or put
    # back in line by a member.
    S.PLANNED: frozenset({S.PLANNED, S.SENDING, *SENDABLE_AGAIN}),
    # Released to a worker; a queued one nobody claimed is handed out again.
    S.QUEUED: frozenset({S.PLANNED, S.QUEUED}),
    # Claimed by a worker; still sending when the worker notes the moment it calls out.
    S.SENDING: frozenset({S.QUEUED, S.SENDING}),
    # An interrupted reminder did leave after all: its worker finished late, or the provider
    # reports it.
    S.SENT: frozenset({S.SENDING, S.INTERRUPTED}),
    # From "sent" on only: a report racing the worker's own "sent" must not take the
    # reminder away from the worker still sending it.
    **{
        status: frozenset({*LADDER[: LADDER.index(status)], S.INTERRUPTED}) for status in LADDER[1:]
    },
    # Bounced and failed end a reminder, but only one the provider had not confirmed read.
    S.BOUNCED: frozenset({S.SENT, S.DELIVERED, S.INTERRUPTED}),
    # A provider reports failure only of what it had; the worker's own failures are from
    # "sending".
    S.FAILED: frozenset({S.SENDING, S.SENT, S.DELIVERED, S.INTERRUPTED}),
    S.BLOCKED: frozenset({S.PLANNED}),
    S.CANCELLED: frozenset({S.PLANNED, S.QUEUED, S.SENDING}),
    S.SKIPPED: frozenset({S.PLANNED}),
    # The worker stopped after the moment it called the provider (see ``reconcile``).
    S.INTERRUPTED: frozenset({S.SENDING}),
}
#: What a provider's report may move a reminder to (the rest of its reports are only kept),
#: and where a reported failure may come from.
REPORTED = frozenset({*LADDER[1:], S.BOUNCED, S.FAILED})
REPORTED_FAILURE_FROM = frozenset({S.SENT, S.DELIVERED, S.INTERRUPTED})


def can_move(status: str, to: str) -> bool:
    return status in MOVES[to]


def move(
    tenant_id: int,
    ids: Collection[int],
    to: str,
    *,
    among: Iterable[str] | None = None,
    where: Q | None = None,
    **changes,
) -> list[int]:
    """Move the dispatches ``ids`` to ``to``, with ``changes`` to other fields; return the
    ids that moved.

    Only dispatches whose status is a legal start for ``to`` (narrowed to ``among`` when
    given) and that match ``where`` change; the rest are left as they are.
    """
    sources = MOVES[to] if among is None else frozenset(among)
    if not sources <= MOVES[to]:
        raise ValueError(f"cannot move a dispatch from {sorted(sources - MOVES[to])} to {to}")
    if not ids:
        return []
    values = {"status": to, "updated_at": timezone.now(), **changes}
    unset = _unset(where)
    if unset is not None and all(_plain(n, v) for n, v in values.items()):
        return _move_by_key(tenant_id, list(ids), sources, values, unset)
    # Found by primary key; the tenant is checked on an expression no index serves, so it
    # cannot steer the plan: on a tenant whose rows the statistics do not know yet,
    # PostgreSQL otherwise scans every dispatch of the tenant for each move (5.7 ms for one
    # row among 5,000, against 0.05 ms by key).
    rows = (
        Dispatch.objects.alias(owner=F("tenant_id") + 0)
        .filter(pk__in=list(ids), owner=tenant_id)
        .filter(status__in=sources)
    )
    if where is not None:
        rows = rows.filter(where)
    query = rows.query.chain(UpdateQuery)
    query.add_update_values(values)
    sql, params = query.get_compiler(rows.db).as_sql()
    # RETURNING says which rows moved (PostgreSQL, and SQLite since 3.35).
    pk = connection.ops.quote_name(Dispatch._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {pk}", params)
        return [row[0] for row in cursor.fetchall()]


def _plain(name: str, value) -> bool:
    """Whether ``value`` goes into the column ``name`` as it is (no expression, no row)."""
    field = Dispatch._meta.get_field(name)
    return not field.is_relation and not hasattr(value, "resolve_expression")


def _unset(where: Q | None) -> list[str] | None:
    """Return the columns ``where`` wants empty (``<field>__isnull=True`` terms only, []
    for no condition), or None for any other condition."""
    if where is None:
        return []
    if where.negated or where.connector != Q.AND:
        return None
    columns = []
    for child in where.children:
        if not (isinstance(child, tuple) and child[0].endswith("__isnull") and child[1] is True):
            return None
        columns.append(Dispatch._meta.get_field(child[0].removesuffix("__isnull")).column)
    return columns


def _move_by_key(
    tenant_id: int,
    ids: list[int],
    sources: frozenset[str],
    values: dict[str, object],
    unset: list[str],
) -> list[int]:
    """``move`` written out by hand for plain values: a worker moves each reminder twice,
    and building the ORM's UPDATE cost more than running it."""
    quote = connection.ops.quote_name
    meta = Dispatch._meta
    sets, params = [], []
    for name, value in values.items():
        field = meta.get_field(name)
        sets.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    pk, status = quote(meta.pk.column), quote(meta.get_field("status").column)
    # The tenant on an expression, as in ``move``: the primary key finds the rows.
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(sets)} "
        f"WHERE {pk} IN ({', '.join(['%s'] * len(ids))}) "
        f"AND ({quote(meta.get_field('tenant').column)} + 0) = %s "
        f"AND {status} IN ({', '.join(['%s'] * len(sources))}) "
        + "".join(f"AND {quote(column)} IS NULL " for column in unset)
        + f"RETURNING {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids, tenant_id, *sorted(sources)])
        return [row[0] for row in cursor.fetchall()]


def move_one(dispatch: Dispatch, to: str, **options) -> bool:
    """Move one dispatch (see :func:`move`); on success its ``status`` is ``to`` too."""
    moved = bool(move(dispatch.tenant_id, [dispatch.pk], to, **options))
    if moved:
        dispatch.status = to
    return moved


#: The columns of a new dispatch row, in the order ``add`` takes them.
NEW_COLUMNS = [
    "tenant",
    "key",
    "voice",
    "customer",
    "workflow",
    "step",
    "repeat",
    "channel",
    "tone",
    "template_key",
    "status",
    "reason",
    "due_at",
    "send_after",
    "recipient",
    "language",
    "subject",
    "body_html",
    "body_text",
    "provider_message_id",
    "attempts",
    "error",
    "created_at",
    "updated_at",
]
#: What a new dispatch may start as: planned, or skipped when a later step overtook it.
INITIAL = frozenset({S.PLANNED, S.SKIPPED})


def add(rows: Sequence[tuple]) -> None:
    """Insert new dispatches (values in ``NEW_COLUMNS`` order); a key that exists stays."""
    status_at = NEW_COLUMNS.index("status")
    if any(row[status_at] not in INITIAL for row in rows):
        raise ValueError(f"a new dispatch starts as one of {sorted(INITIAL)}")
    insert_ignoring_conflicts(Dispatch, NEW_COLUMNS, rows)


def create(**fields) -> Dispatch:
    """Create one dispatch; it starts planned."""
    return Dispatch.objects.create(status=S.PLANNED, **fields)
