"""Benchmark: the minute tick over many tenants, of which few have anything due.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kapittx_bench \\
        .venv/bin/python bench/tick.py --tenants 10000 --due 100

The database must be PostgreSQL and hold nothing but benchmark data: the script migrates it
and empties it first. One tenant is made through the product (template library, send
settings, default workflow); the others are copies of its settings and workflow written by
set-based SQL, and every tenant gets a small book the same way: customers, contacts, open
invoices placed on the workflow, a reminder sent and one planned for tomorrow — everything
still to come. ``--due`` tenants, spread over the ids, have one thing due now, in turn each
kind of work a sweep does: an invoice whose next step has come, a planned reminder whose
moment has passed, a queued reminder no worker took, a reminder a worker claimed and left.

Figures (the last line printed is one JSON object with them):

- ``tick_s``: one tick, as beat sends it — the product's ``reminders.tick`` finds the due
  tenants and starts their sweeps, which the benchmark's worker processes run (``--workers``,
  one per CPU by default) — from its start until the last sweep has committed.
  ``tick_worker_s``: the time those sweeps took, summed over the workers (CPU and waiting on
  the database). ``due_after``: tenants still due once they have run (0: nothing missed).
- ``tick_query_ms``: the tick's own query, the median of several runs; ``tick_queries``:
  the SQL statements the tick sends before its sweeps start.
- ``idle_tenant_ms``: a second tick right after, when nothing is due: its whole time divided
  by the number of tenants, what a tenant with nothing due adds to a tick. Beside it,
  ``idle_sweep_ms``: what sweeping such a tenant takes (what each tenant cost when the tick
  swept them all), measured on a sample in this process.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapittx.settings")
os.environ.setdefault("DEBUG", "1")
# Sends a sweep releases are handed to a broker in memory: no worker here sends them.
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

import django  # noqa: E402

django.setup()

from django.db import connection, models  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.database import prepare_database  # noqa: E402
from bench.workers import start_workers  # noqa: E402
from kapittx.models import Tenant  # noqa: E402
from kapittx.onboarding import create_tenant  # noqa: E402
from reminders import tasks  # noqa: E402
from reminders.models import ReminderSettings, Step, Template, Workflow  # noqa: E402
from reminders.outbox.due_tenants import due_tenants  # noqa: E402

ZONE = "Europe/Berlin"
CUSTOMERS = 2  # per tenant
INVOICES = 4  # per tenant, alternately for each customer
KINDS = ["position", "planned", "queued", "sending"]
IDLE_SAMPLE = 100


def log(message: str) -> None:
    print(message, flush=True)


def execute(sql: str, params: dict | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def clone(
    model: type[models.Model],
    origin: int,
    *,
    only: list[int] | None = None,
    remap: dict[str, str] | None = None,
) -> int:
    """Copy ``model``'s rows of tenant ``origin`` to every other tenant ``t`` (or those in
    ``only``) with one INSERT … SELECT; ``remap`` gives a column's value as SQL instead."""
    remap = {"tenant_id": "t.id", **(remap or {})}
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    values = ", ".join(remap.get(c, f"src.{c}") for c in columns)
    only_sql = "" if only is None else " AND t.id = ANY(%(only)s)"
    return execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {values} FROM {model._meta.db_table} src JOIN kapittx_tenant t "
        f"ON t.id <> %(origin)s{only_sql} WHERE src.tenant_id = %(origin)s",
        {"origin": origin, "only": only},
    )


BOOK_SQL = """
INSERT INTO receivables_customer (tenant_id, external_id, name, address, country, time_zone,
    language, currency, payment_terms_days, tags, preferred_channels, opted_out_channels,
    do_not_contact, reminders_on_hold, reminders_hold_reason, created_at)
SELECT t.id, 'C' || c, 'Customer ' || c, '', 'DE', '', 'en', 'EUR', 30, '[]'::jsonb,
    '[]'::jsonb, '[]'::jsonb, false, false, '', %(now)s
FROM kapittx_tenant t CROSS JOIN generate_series(1, %(customers)s) c;

INSERT INTO receivables_contact (tenant_id, customer_id, name, role, email, phone, whatsapp,
    opted_out_channels, invalid_channels, portal_link_generation)
SELECT c.tenant_id, c.id, 'Accounts payable', 'billing', 'ap' || c.id || '@bench.example',
    '', '', '[]'::jsonb, '[]'::jsonb, 0
FROM receivables_customer c;

INSERT INTO receivables_invoice (tenant_id, customer_id, number, external_id, issue_date,
    due_date, currency, subtotal, tax, total, amount_paid, amount_credited,
    amount_written_off, balance, status, po_number, document_url, created_at)
SELECT c.tenant_id, c.id, 'INV-' || i, '', %(today)s::date + 7 * i - 30,
    %(today)s::date + 7 * i, 'EUR', 500, 0, 500, 0, 0, 0, 500, 'open', '', '', %(now)s
FROM receivables_customer c
CROSS JOIN generate_series(1, %(invoices)s) i
WHERE c.external_id = 'C' || (1 + (i - 1) %% %(customers)s);

-- Each invoice placed: its next step (3 days before the due date) is still to come.
INSERT INTO reminders_reminderposition (invoice_id, tenant_id, reminded_offset, next_at)
SELECT i.id, i.tenant_id, NULL, ((i.due_date - 3)::timestamp AT TIME ZONE %(zone)s)
FROM receivables_invoice i;

-- A reminder sent ten days ago, and one planned for tomorrow.
INSERT INTO reminders_dispatch (tenant_id, key, voice, customer_id, workflow_id, step_id,
    repeat, channel, tone, template_key, status, reason, due_at, send_after, contact_id,
    recipient, language, subject, body_html, body_text, provider_message_id, attempts, error,
    created_at, queued_at, claimed_at, provider_called_at, sent_at, updated_at)
SELECT c.tenant_id, k.key, '', c.id, s.workflow_id, s.id, 0, 'email', s.tone,
    s.template_key, k.status, '', k.at, k.at, ct.id, ct.email, 'en', '', '', '',
    k.provider_id, k.attempts, '', k.at, k.sent, k.sent, k.sent, k.sent, k.at
FROM receivables_customer c
JOIN receivables_contact ct ON ct.customer_id = c.id
JOIN reminders_step s ON s.tenant_id = c.tenant_id AND s.offset_days = -3
    AND s.channel = 'email'
CROSS JOIN (VALUES
    ('bench-sent', 'C1', 'sent', %(now)s::timestamptz - interval '10 days', 'msg', 1,
        %(now)s::timestamptz - interval '10 days'),
    ('bench-later', 'C2', 'planned', %(now)s::timestamptz + interval '1 day', '', 0, NULL)
) AS k(key, customer, status, at, provider_id, attempts, sent)
WHERE c.external_id = k.customer;
"""

DUE_SQL = {
    # INV-1's next step (3 days after its due date) is today.
    "position": """
UPDATE receivables_invoice SET due_date = %(today)s::date - 3,
    issue_date = %(today)s::date - 33
WHERE tenant_id = ANY(%(tenants)s) AND number = 'INV-1';
UPDATE reminders_reminderposition p SET reminded_offset = 0,
    next_at = (%(today)s::date::timestamp AT TIME ZONE %(zone)s)
FROM receivables_invoice i
WHERE i.id = p.invoice_id AND i.tenant_id = ANY(%(tenants)s) AND i.number = 'INV-1';
""",
    "planned": "UPDATE reminders_dispatch SET send_after = %(now)s::timestamptz"
    " - interval '1 minute' WHERE tenant_id = ANY(%(tenants)s) AND key = 'bench-later';",
    "queued": "UPDATE reminders_dispatch SET status = 'queued', queued_at = %(now)s::timestamptz"
    " - interval '11 minutes', send_after = %(now)s::timestamptz - interval '11 minutes'"
    " WHERE tenant_id = ANY(%(tenants)s) AND key = 'bench-later';",
    "sending": "UPDATE reminders_dispatch SET status = 'sending', attempts = 1,"
    " claimed_at = %(now)s::timestamptz - interval '16 minutes', send_after ="
    " %(now)s::timestamptz - interval '16 minutes' WHERE tenant_id = ANY(%(tenants)s)"
    " AND key = 'bench-later';",
}

LINES_SQL = """
INSERT INTO reminders_dispatchinvoice (tenant_id, dispatch_id, invoice_id, step_id, repeat)
SELECT d.tenant_id, d.id, i.id, d.step_id, 0
FROM reminders_dispatch d
JOIN receivables_invoice i ON i.tenant_id = d.tenant_id AND i.customer_id = d.customer_id
WHERE d.tenant_id = ANY(%(tenants)s) AND d.key = 'bench-later';
"""


def load(tenants: int, due: int, now: datetime) -> list[int]:
    """Write the tenants and their books; return the ids of the tenants with something due."""
    origin = create_tenant("bench-0", "Bench 0", time_zone=ZONE, country="DE")
    # A window open all day, every day, so the figures do not depend on the hour.
    ReminderSettings.objects.filter(tenant=origin).update(
        send_weekdays=[1, 2, 3, 4, 5, 6, 7],
        send_from="00:00",
        send_until="23:59:59",
        skip_public_holidays=False,
    )
    execute(
        "INSERT INTO kapittx_tenant (name, slug, base_currency, time_zone, country, language,"
        " payment_instructions, require_two_factor, created_at)"
        " SELECT 'Bench ' || n, 'bench-' || n, 'EUR', %(zone)s, 'DE', 'en', '', false, %(now)s"
        " FROM generate_series(1, %(n)s) n",
        {"zone": ZONE, "now": now, "n": tenants - 1},
    )
    ids = sorted(Tenant.objects.values_list("pk", flat=True))
    chosen = ids[:: max(1, len(ids) // due)][:due]
    clone(ReminderSettings, origin.pk)
    clone(Workflow, origin.pk)
    clone(
        Step,
        origin.pk,
        remap={
            "workflow_id": "(SELECT w.id FROM reminders_workflow w WHERE w.tenant_id = t.id"
            " AND w.name = (SELECT name FROM reminders_workflow WHERE id = src.workflow_id))"
        },
    )
    # Templates are read when a reminder is sent, not when it is swept: the due tenants have
    # the library, the others need not.
    clone(Template, origin.pk, only=chosen)
    today = now.astimezone(ZoneInfo(ZONE)).date()
    params = {
        "now": now,
        "today": today,
        "zone": ZONE,
        "customers": CUSTOMERS,
        "invoices": INVOICES,
    }
    execute(BOOK_SQL, params)
    for n, kind in enumerate(KINDS):
        execute(DUE_SQL[kind], {**params, "tenants": chosen[n :: len(KINDS)]})
    execute(LINES_SQL, {"tenants": [pk for n, pk in enumerate(chosen) if n % len(KINDS)]})
    with connection.cursor() as cursor:
        # Fresh statistics, and the visibility map index-only scans read.
        cursor.execute("VACUUM ANALYZE")
    return chosen


def _warm(tenant_id: int) -> None:
    """Start a worker process as a running worker is: connected, its caches filled by a
    sweep (of a tenant with nothing due)."""
    _sweep(tenant_id)


def _sweep(tenant_id: int) -> float:
    """Run a sweep as a worker runs the task; return the seconds it took."""
    started = time.perf_counter()
    tasks.sweep_tenant(tenant_id)
    return time.perf_counter() - started


def run_tick(pool) -> tuple[float, list[float], int]:
    """Run the product's tick, its sweeps going to ``pool`` instead of the broker; return
    (seconds until the last sweep ended, each sweep's seconds, SQL statements of the tick)."""
    started_sweeps = []
    real_delay = tasks.sweep_tenant.delay
    tasks.sweep_tenant.delay = lambda tenant_id: started_sweeps.append(
        pool.apply_async(_sweep, (tenant_id,))
    )
    try:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            tasks.tick()
        each = [result.get() for result in started_sweeps]
        elapsed = time.perf_counter() - started
    finally:
        tasks.sweep_tenant.delay = real_delay
    return elapsed, each, len(queries)


def query_ms(runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        due_tenants(timezone.now())
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def explain() -> str:
    """Return the plan of the tick's query, as it ran."""
    with CaptureQueriesContext(connection) as queries:
        due_tenants(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + queries[0]["sql"])
        return "\n".join(row[0] for row in cursor.fetchall())


def idle_sweep_ms(idle: list[int]) -> float:
    """Sweep a sample of tenants with nothing due, one after another; return ms each."""
    sample = idle[:: max(1, len(idle) // IDLE_SAMPLE)][:IDLE_SAMPLE]
    _sweep(sample[0])  # the first sweep of a process pays for imports and caches
    return sum(_sweep(pk) for pk in sample) / len(sample) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=10000)
    parser.add_argument("--due", type=int, default=100, help="tenants with something due")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes running the sweeps (default: one per CPU)",
    )
    parser.add_argument("--explain", action="store_true", help="print the tick query's plan")
    args = parser.parse_args()
    prepare_database()
    now = datetime.now(UTC)
    started = time.perf_counter()
    chosen = load(args.tenants, args.due, now)
    log(
        f"loaded {args.tenants:,} tenants, {args.due} with something due, in "
        f"{time.perf_counter() - started:.1f} s ({connection.settings_dict['NAME']})"
    )
    found = due_tenants(timezone.now())
    if found != sorted(chosen):
        sys.exit(f"the tick finds {len(found)} due tenants, {len(chosen)} were made due")
    tick_query = query_ms()
    log(f"the tick's query: {tick_query:.1f} ms for {len(found)} due tenants")
    if args.explain:
        log(explain())
    idle = sorted(set(Tenant.objects.values_list("pk", flat=True)) - set(chosen))
    with start_workers(args.workers, _warm, idle[0]) as pool:
        tick_s, each, tick_queries = run_tick(pool)
        log(
            f"tick: {len(each)} sweeps in {tick_s:.2f} s on {args.workers} worker processes, "
            f"{sum(each):.2f} s of worker time; the tick itself sent {tick_queries} queries"
        )
        # The tick starts them in tenant order, and the kinds of work go round in that order.
        by_kind = {kind: each[n :: len(KINDS)] for n, kind in enumerate(KINDS)}
        log(
            "a sweep, by what its tenant had due: "
            + ", ".join(f"{k} {statistics.mean(v) * 1000:.0f} ms" for k, v in by_kind.items() if v)
        )
        due_after = len(due_tenants(timezone.now()))
        idle_s, idle_each, _ = run_tick(pool)
    log(f"idle tick: {len(idle_each)} sweeps, {idle_s * 1000:.1f} ms; {due_after} still due")
    sweep_idle = idle_sweep_ms(idle)
    log(f"sweeping a tenant with nothing due: {sweep_idle:.1f} ms (the old tick, per tenant)")
    print(
        json.dumps(
            {
                "tenants": args.tenants,
                "due_tenants": len(found),
                "tick_s": round(tick_s, 3),
                "tick_worker_s": round(sum(each), 3),
                "idle_tenant_ms": round(idle_s / args.tenants * 1000, 5),
                "tick_queries": tick_queries,
                "tick_query_ms": round(tick_query, 2),
                "idle_sweep_ms": round(sweep_idle, 2),
                "due_after": due_after,
                "workers": args.workers,
            }
        )
    )


if __name__ == "__main__":
    main()
