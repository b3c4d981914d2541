"""Benchmark: sweep a large book of open invoices, against a hand-written SQL floor, then
render and send through the email adapter with anymail's test backend.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kapittx_bench \\
        .venv/bin/python bench/sweep.py --tenants 100 --invoices 1000000

The database must be PostgreSQL and hold nothing but benchmark data: the script migrates it
and empties it first. Data is loaded with COPY, as a bulk import would write it; the
product's hourly ``place_missing`` then gives each invoice its position (timed apart).

Two sweeps are timed over all tenants, each against a floor: one hand-written SQL statement
that selects the same due set from the invoices and workflow steps alone. Tenants are swept
as the tick sweeps them, one sweep per tenant spread over worker processes (``--workers``,
one per CPU by default; ``--workers 1`` times a single process). The processes are started,
connected and warmed by planning one sweep before the first timed step, as the product's
long-lived workers are when a tick hands them its sweeps.

- The cold sweep: every invoice still to be placed on its workflow, as after an import or a
  workflow change. Its floor selects each open invoice's latest step whose day has come.
- The next day's tick: the same book a day later, after the cold sweep. Its floor selects
  the open invoices that reach a step, or a repeat of the last step, on that day.

Each is timed on a settled database, as autovacuum and the checkpointer leave it minutes
after the writes before it: the loaded book and its positions, then the tables the cold
sweep rewrote, are vacuumed and analyzed and a checkpoint is taken first (not timed).
Otherwise the timing would include autovacuum working through millions of fresh rows, or a
checkpoint flushing them, on the same few CPUs and disk, more or less of it by chance.

After the cold sweep, a third figure: the time hand-written SQL takes only to write the rows
that sweep wrote (``write_floor_s``), which bounds from below what any sweep writing them
can take, whatever it selects with. The next day's tick has one too (``tick_write_floor_s``):
the rows it inserted and updated, written again by set-based SQL into the same tables, with
their indexes and keys. ``write_ratio`` and ``tick_write_ratio`` compare each with its sweep.

Last, render and send: emails of a tenant of their own that chases by email only, sent
through the real email adapter with anymail's test backend (``send_per_s``), beside what one
durable commit per message allows on this database (``send_floor_per_s``).

The last line printed is one JSON object with the figures; ``sweep_s``, ``floor_s`` and
``ratio`` are the cold sweep's, ``tick_*`` the next day's.
"""

import argparse
import io
import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapittx.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.mail import get_connection  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import override_settings  # noqa: E402

from bench.database import prepare_database, settle  # noqa: E402
from bench.workers import start_workers  # noqa: E402
from kapittx.models import Tenant  # noqa: E402
from kapittx.onboarding import create_tenant  # noqa: E402
from reminders.channels.registry import adapter_class  # noqa: E402
from reminders.models import Dispatch, DispatchStatus, ReminderSettings, Step  # noqa: E402
from reminders.outbox import positions, release, send, sweep  # noqa: E402

CUSTOMERS_PER_TENANT_SHARE = 10  # invoices per customer, on average
SEND_SAMPLE = 5000


def log(message: str) -> None:
    print(message, flush=True)


def copy(table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT text)", buffer
        )


def load(
    tenants: int,
    invoices: int,
    today: date,
    rng: random.Random,
    *,
    names: str = "bench-{n}",
    due_in: tuple[int, int] = (-75, 30),
    per_customer: int = CUSTOMERS_PER_TENANT_SHARE,
) -> list[Tenant]:
    """Create the tenants through the product (library and default workflow included) and
    COPY their customers, contacts and open invoices, due ``due_in`` days from ``today``."""
    created = []
    for n in range(tenants):
        slug = names.format(n=n)
        tenant = create_tenant(slug, slug.title(), time_zone="Europe/Berlin", country="DE")
        # A window open all day, every day, so the figures do not depend on the hour.
        ReminderSettings.objects.filter(tenant=tenant).update(
            send_weekdays=[1, 2, 3, 4, 5, 6, 7],
            send_from="00:00",
            send_until="23:59:59",
            skip_public_holidays=False,
        )
        created.append(tenant)
    per_tenant = invoices // tenants
    customers_per_tenant = max(1, per_tenant // per_customer)
    now = datetime.now(UTC).isoformat()
    customer_cols = [
        "tenant_id",
        "external_id",
        "name",
        "address",
        "country",
        "time_zone",
        "language",
        "currency",
        "payment_terms_days",
        "tags",
        "preferred_channels",
        "opted_out_channels",
        "do_not_contact",
        "reminders_on_hold",
        "reminders_hold_reason",
        "created_at",
    ]
    copy(
        "receivables_customer",
        customer_cols,
        (
            (
                t.pk,
                f"C{c}",
                f"Customer {c}",
                "",
                "DE",
                "",
                "en",
                "EUR",
                30,
                "[]",
                "[]",
                "[]",
                "f",
                "f",
                "",
                now,
            )
            for t in created
            for c in range(customers_per_tenant)
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, tenant_id FROM receivables_customer WHERE tenant_id = ANY(%s)",
            [[t.pk for t in created]],
        )
        customer_ids: dict[int, list[int]] = {}
        for pk, tenant_id in cursor.fetchall():
            customer_ids.setdefault(tenant_id, []).append(pk)
    copy(
        "receivables_contact",
        [
            "tenant_id",
            "customer_id",
            "name",
            "role",
            "email",
            "phone",
            "whatsapp",
            "opted_out_channels",
            "invalid_channels",
            "portal_link_generation",
        ],
        (
            (
                tenant_id,
                pk,
                "Accounts payable",
                "billing",
                f"ap{pk}@bench.example",
                "",
                "",
                "[]",
                "[]",
                0,
            )
            for tenant_id, ids in customer_ids.items()
            for pk in ids
        ),
    )
    invoice_cols = [
        "tenant_id",
        "customer_id",
        "number",
        "external_id",
        "issue_date",
        "due_date",
        "currency",
        "subtotal",
        "tax",
        "total",
        "amount_paid",
        "amount_credited",
        "amount_written_off",
        "balance",
        "status",
        "po_number",
        "document_url",
        "created_at",
    ]

    def invoice_rows():
        for tenant_id, ids in customer_ids.items():
            for i in range(per_tenant):
                due = today + timedelta(days=rng.randint(*due_in))
                amount = f"{rng.randint(50, 5000)}.00"
                yield (
                    tenant_id,
                    ids[i % len(ids)],
                    f"INV-{i}",
                    "",
                    due - timedelta(days=30),
                    due,
                    "EUR",
                    amount,
                    "0.00",
                    amount,
                    "0.00",
                    "0.00",
                    "0.00",
                    amount,
                    "open",
                    "",
                    "",
                    now,
                )

    copy("receivables_invoice", invoice_cols, invoice_rows())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return created


FLOOR_SQL = """
SELECT i.id, s.id AS step_id
FROM receivables_invoice i
JOIN reminders_workflow w ON w.tenant_id = i.tenant_id AND w.is_default
JOIN LATERAL (
    SELECT s.id FROM reminders_step s
    WHERE s.workflow_id = w.id AND i.due_date + s.offset_days <= %(today)s
    ORDER BY s.offset_days DESC LIMIT 1
) s ON TRUE
WHERE i.tenant_id = ANY(%(tenants)s) AND i.status IN ('open', 'partially_paid')
  AND i.balance > 0
"""

TICK_FLOOR_SQL = """
SELECT i.id, s.id AS step_id
FROM receivables_invoice i
JOIN reminders_workflow w ON w.tenant_id = i.tenant_id AND w.is_default
JOIN LATERAL (SELECT max(offset_days) AS last FROM reminders_step WHERE workflow_id = w.id) l
  ON TRUE
JOIN reminders_step s ON s.workflow_id = w.id AND (
    i.due_date + s.offset_days = %(today)s
    OR (s.offset_days = l.last AND w.repeat_every_days > 0
        AND %(today)s - i.due_date - l.last
            BETWEEN 1 AND w.repeat_every_days * w.repeat_max_times
        AND (%(today)s - i.due_date - l.last) %% w.repeat_every_days = 0))
WHERE i.tenant_id = ANY(%(tenants)s) AND i.status IN ('open', 'partially_paid')
  AND i.balance > 0
"""


def floor(tenants: list[Tenant], today: date, sql: str = FLOOR_SQL) -> tuple[float, int]:
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, {"today": today, "tenants": [t.pk for t in tenants]})
        rows = cursor.fetchall()
        return time.perf_counter() - started, len(rows)


#: The tables a cold sweep writes: reminders, their invoice lines, and every position.
SWEEP_TABLES = ["reminders_dispatch", "reminders_dispatchinvoice", "reminders_reminderposition"]


def write_floor() -> tuple[float, int]:
    """Time hand-written SQL that only writes the rows the cold sweep wrote.

    Each table's rows are inserted, by one INSERT … SELECT, into an empty copy with the same
    indexes and constraints; the copies are rolled back. Inserting into an empty table is
    cheaper than the sweep's upserts, and no placing is done: a lower bound for any sweep
    that writes those rows, on one process. Returns (seconds, rows written).
    """
    elapsed, rows = 0.0, 0
    with transaction.atomic(), connection.cursor() as cursor:
        for table in SWEEP_TABLES:
            cursor.execute(f"CREATE TABLE bench_copy_{table} (LIKE {table} INCLUDING ALL)")
        for table in SWEEP_TABLES:
            started = time.perf_counter()
            cursor.execute(f"INSERT INTO bench_copy_{table} SELECT * FROM {table}")
            elapsed += time.perf_counter() - started
            rows += cursor.rowcount
        transaction.set_rollback(True)
    return elapsed, rows


#: What the next day's tick may change, kept before it runs: reminders whole, each line's
#: reminder, each position.
SNAPSHOTS = {
    "bench_before_dispatch": "SELECT * FROM reminders_dispatch",
    "bench_before_line": "SELECT id, dispatch_id FROM reminders_dispatchinvoice",
    "bench_before_position": (
        "SELECT invoice_id, reminded_offset, next_at FROM reminders_reminderposition"
    ),
}

#: What the tick wrote, found against the snapshots.
TICK_WROTE = {
    "bench_tick_dispatch_new": (
        "SELECT d.* FROM reminders_dispatch d"
        " WHERE NOT EXISTS (SELECT 1 FROM bench_before_dispatch b WHERE b.id = d.id)"
    ),
    "bench_tick_dispatch_changed": (
        "SELECT d.* FROM reminders_dispatch d JOIN bench_before_dispatch b ON b.id = d.id"
        " WHERE ROW(d.*) IS DISTINCT FROM ROW(b.*)"
    ),
    "bench_tick_line_new": (
        "SELECT l.* FROM reminders_dispatchinvoice l"
        " WHERE NOT EXISTS (SELECT 1 FROM bench_before_line b WHERE b.id = l.id)"
    ),
    "bench_tick_line_moved": (
        "SELECT l.id, l.dispatch_id FROM reminders_dispatchinvoice l"
        " JOIN bench_before_line b ON b.id = l.id WHERE l.dispatch_id <> b.dispatch_id"
    ),
    "bench_tick_position": (
        "SELECT p.invoice_id, p.reminded_offset, p.next_at FROM reminders_reminderposition p"
        " JOIN bench_before_position b USING (invoice_id)"
        " WHERE (p.reminded_offset, p.next_at) IS DISTINCT FROM (b.reminded_offset, b.next_at)"
    ),
}


def snapshot_before_tick() -> None:
    """Keep what the next day's tick may change, to find afterwards what it wrote."""
    with connection.cursor() as cursor:
        for table, select in SNAPSHOTS.items():
            cursor.execute(f"CREATE TABLE {table} AS {select}")


def _dispatch_columns() -> list[str]:
    return [f.column for f in Dispatch._meta.concrete_fields if not f.primary_key]


def _set_dispatch(source: str) -> str:
    columns = _dispatch_columns()
    return (
        f"UPDATE reminders_dispatch d SET ({', '.join(columns)})"
        f" = ({', '.join(f's.{c}' for c in columns)}) FROM {source} s WHERE d.id = s.id"
    )


def tick_write_floor() -> tuple[float, int]:
    """Time hand-written SQL that only writes the rows the next day's tick wrote.

    What the tick wrote is found against the snapshot taken before it (new reminders and
    lines, reminders reworded, folded or superseded, lines moved, positions moved on) and
    undone, and the tables are vacuumed and analyzed; none of that is timed. Then set-based
    statements write the same rows into the same tables, with their indexes and keys: an
    INSERT … SELECT per table for the new rows, an UPDATE … FROM per table for the changed
    ones, committed. No placing is done. The tables are left as the tick left them. Returns
    (seconds, rows written).
    """
    with connection.cursor() as cursor:
        for table, select in TICK_WROTE.items():
            cursor.execute(f"CREATE TABLE {table} AS {select}")
            cursor.execute(f"ANALYZE {table}")
        with transaction.atomic():
            cursor.execute(
                "DELETE FROM reminders_dispatchinvoice"
                " WHERE id IN (SELECT id FROM bench_tick_line_new)"
            )
            cursor.execute(
                "UPDATE reminders_dispatchinvoice l SET dispatch_id = b.dispatch_id"
                " FROM bench_before_line b WHERE l.id = b.id"
                " AND l.id IN (SELECT id FROM bench_tick_line_moved)"
            )
            cursor.execute(
                "DELETE FROM reminders_dispatch"
                " WHERE id IN (SELECT id FROM bench_tick_dispatch_new)"
            )
            cursor.execute(
                _set_dispatch(
                    "(SELECT * FROM bench_before_dispatch"
                    " WHERE id IN (SELECT id FROM bench_tick_dispatch_changed))"
                )
            )
            cursor.execute(
                "UPDATE reminders_reminderposition p"
                " SET reminded_offset = b.reminded_offset, next_at = b.next_at"
                " FROM bench_before_position b JOIN bench_tick_position t USING (invoice_id)"
                " WHERE p.invoice_id = b.invoice_id"
            )
    settle(SWEEP_TABLES)
    with connection.cursor() as cursor:
        columns = ", ".join(_dispatch_columns())
        started = time.perf_counter()
        rows = 0
        with transaction.atomic():
            cursor.execute(
                f"INSERT INTO reminders_dispatch (id, {columns})"
                f" SELECT id, {columns} FROM bench_tick_dispatch_new"
            )
            rows += cursor.rowcount
            cursor.execute(_set_dispatch("bench_tick_dispatch_changed"))
            rows += cursor.rowcount
            cursor.execute(
                "INSERT INTO reminders_dispatchinvoice (id, tenant_id, dispatch_id, invoice_id,"
                " step_id, repeat) SELECT id, tenant_id, dispatch_id, invoice_id, step_id, repeat"
                " FROM bench_tick_line_new"
            )
            rows += cursor.rowcount
            cursor.execute(
                "UPDATE reminders_dispatchinvoice l SET dispatch_id = m.dispatch_id"
                " FROM bench_tick_line_moved m WHERE l.id = m.id"
            )
            rows += cursor.rowcount
            cursor.execute(
                "UPDATE reminders_reminderposition p"
                " SET reminded_offset = t.reminded_offset, next_at = t.next_at"
                " FROM bench_tick_position t WHERE p.invoice_id = t.invoice_id"
            )
            rows += cursor.rowcount
        elapsed = time.perf_counter() - started
        for table in [*SNAPSHOTS, *TICK_WROTE]:
            cursor.execute(f"DROP TABLE {table}")
    return elapsed, rows


def _sweep_one(tenant_id: int, now: datetime) -> tuple[int, int]:
    result = sweep.sweep(Tenant.objects.get(pk=tenant_id), now)
    return len(result.due), sum(len(item.invoice_ids) for item in result.due)


def _warm(tenant_id: int, now: datetime) -> None:
    """Fill a worker process's caches by planning a sweep (read only, nothing written)."""
    sweep.sweep(Tenant.objects.get(pk=tenant_id), now, dry_run=True)


def sweep_all(pool, tenants: list[Tenant], now: datetime) -> tuple[float, int, int]:
    """Sweep every tenant as the tick does — one sweep per tenant, spread over the worker
    processes of ``pool`` — and return (seconds, reminders, invoices in them)."""
    started = time.perf_counter()
    # One tenant at a time per process, as workers take the tick's tasks (prefetch 1):
    # handed out in chunks, one process could sit idle while the other ends its last.
    counts = pool.starmap(_sweep_one, [(tenant.pk, now) for tenant in tenants], chunksize=1)
    elapsed = time.perf_counter() - started
    return elapsed, sum(c[0] for c in counts), sum(c[1] for c in counts)


def commit_floor(commits: int = 200) -> float:
    """Return the seconds one durable commit of a one-row write takes here.

    A worker writes each message's outcome, with the mark before the next provider call,
    in a commit of its own (so that a worker's death loses nothing and sends nothing twice):
    one such commit per message bounds what one worker process can send, whatever else.
    """
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_commit (n integer)")
    started = time.perf_counter()
    for n in range(commits):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_commit VALUES (%s)", [n])
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_commit")
    return elapsed / commits


def send_throughput(now: datetime) -> tuple[float, int]:
    """Render and send ``SEND_SAMPLE`` emails through the real email adapter, in the batches
    a worker takes them in.

    The big book's customers each owe an invoice old enough for the workflow's call, so
    their day's one voice is a task for a member. The emails come from a tenant of their
    own whose workflow chases by email only: one customer per email, each owing two
    invoices between their final notice and their due date, placed and swept by the product.
    """
    [tenant] = load(
        1,
        2 * SEND_SAMPLE,
        now.date(),
        random.Random(SEND_SAMPLE),
        names="bench-send",
        due_in=(-20, 0),
        per_customer=2,
    )
    Step.objects.filter(tenant=tenant).exclude(channel="email").delete()
    positions.place_missing()
    sweep.sweep(tenant, now)
    ids = list(
        Dispatch.objects.filter(tenant=tenant, status=DispatchStatus.PLANNED, channel="email")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Handed to the worker as a release would, without the gate's timing.
    Dispatch.objects.filter(pk__in=ids).update(status=DispatchStatus.QUEUED, queued_at=now)
    # The worker is measured, not a provider's limit: the platform account may send freely.
    with override_settings(
        EMAIL_BACKEND="anymail.backends.test.EmailBackend",
        KAPITTX_LOCAL_CHANNELS=False,
        KAPITTX_PLATFORM_RATES={"email": 10**9, "twilio": 10**9},
    ):
        # A worker imports its adapters and mail backend once, when it starts.
        adapter_class("email")
        get_connection()
        started = time.perf_counter()
        sent = 0
        # As a worker does: one task per batch of one tenant's dispatches on one channel.
        for first in range(0, len(ids), release.SEND_BATCH):
            outcome = send.deliver_many(tenant.pk, ids[first : first + release.SEND_BATCH])
            sent += sum(status == "sent" for status in outcome.values())
        elapsed = time.perf_counter() - started
    return elapsed, sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes sweeping tenants side by side (default: one per CPU)",
    )
    args = parser.parse_args()
    prepare_database()
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.date()
    started = time.perf_counter()
    tenants = load(args.tenants, args.invoices, today, random.Random(args.seed))
    log(
        f"loaded {args.invoices:,} invoices over {args.tenants} tenants "
        f"in {time.perf_counter() - started:.1f} s ({settings.DATABASES['default']['NAME']})"
    )
    started = time.perf_counter()
    placed = positions.place_missing()
    log(f"positions for {placed:,} new invoices in {time.perf_counter() - started:.2f} s")
    settle(["receivables_customer", "receivables_contact", "receivables_invoice", *SWEEP_TABLES])
    floor_s, floor_rows = floor(tenants, today)
    log(f"floor: hand-written SQL selects {floor_rows:,} due invoices in {floor_s:.2f} s")
    pool = start_workers(args.workers, _warm, tenants[0].pk, now)
    sweep_s, planned, invoices_due = sweep_all(pool, tenants, now)
    log(
        f"cold sweep: {planned:,} reminders for {invoices_due:,} invoices in {sweep_s:.2f} s "
        f"({args.workers} worker processes)"
    )
    written_s, written = write_floor()
    log(
        f"write floor: hand-written SQL inserts the {written:,} rows the cold sweep wrote "
        f"in {written_s:.2f} s (one process)"
    )
    second_s, again, _ = sweep_all(pool, tenants, now)
    log(f"second sweep at the same moment: {again:,} new reminders in {second_s:.2f} s")
    tomorrow = now + timedelta(days=1)
    snapshot_before_tick()
    # After the snapshot, whose copies would otherwise be flushed while the tick runs.
    settle(SWEEP_TABLES)
    tick_floor_s, tick_rows = floor(tenants, tomorrow.date(), TICK_FLOOR_SQL)
    log(
        f"next day's floor: hand-written SQL selects {tick_rows:,} invoices reaching a step "
        f"in {tick_floor_s:.2f} s"
    )
    tick_s, tick_planned, tick_invoices = sweep_all(pool, tenants, tomorrow)
    pool.close()
    pool.join()
    log(
        f"next day's tick: {tick_planned:,} reminders for {tick_invoices:,} invoices "
        f"in {tick_s:.2f} s"
    )
    tick_written_s, tick_written = tick_write_floor()
    log(
        f"next day's write floor: hand-written SQL writes the {tick_written:,} rows the tick "
        f"wrote in {tick_written_s:.2f} s (one process)"
    )
    dispatches = Dispatch.objects.count()
    send_s, sent = send_throughput(now)
    send_per_s = sent / send_s if send_s else 0.0
    log(f"render and send: {sent:,} emails in {send_s:.2f} s = {send_per_s:,.0f}/s")
    commit_s = commit_floor()
    log(
        f"send floor: one durable commit takes {commit_s * 1000:.2f} ms here, "
        f"so at most {1 / commit_s:,.0f} messages/s per worker process"
    )
    print(
        json.dumps(
            {
                "invoices": args.invoices,
                "tenants": args.tenants,
                "dispatches": dispatches,
                "sweep_s": round(sweep_s, 2),
                "floor_s": round(floor_s, 2),
                "ratio": round(sweep_s / floor_s, 2) if floor_s else None,
                "send_per_s": round(send_per_s, 1),
                "send_floor_per_s": round(1 / commit_s, 1),
                "write_floor_s": round(written_s, 2),
                "write_rows": written,
                "write_ratio": round(sweep_s / written_s, 2) if written_s else None,
                "tick_s": round(tick_s, 2),
                "tick_floor_s": round(tick_floor_s, 2),
                "tick_ratio": round(tick_s / tick_floor_s, 2) if tick_floor_s else None,
                "tick_dispatches": tick_planned,
                "tick_write_floor_s": round(tick_written_s, 2),
                "tick_write_rows": tick_written,
                "tick_write_ratio": round(tick_s / tick_written_s, 2) if tick_written_s else None,
                "workers": args.workers,
            }
        )
    )


if __name__ == "__main__":
    main()
