"""A large import runs on a real Celery worker over Redis, its progress told while it runs."""

import time

import pytest
from django.urls import reverse

from integrations.importers import jobs
from integrations.importers.models import ImportJob, ImportStatus
from receivables.models import Invoice
from tests.integrations.importers import files
from tests.workers import start_worker, stop

pytestmark = pytest.mark.services

ROWS = 20000


def progress_until_done(client, job: ImportJob, worker, timeout: float = 120) -> list[dict]:
    """Poll the progress endpoint as the page does until the run has finished."""
    address = reverse(
        "import_progress", kwargs={"tenant_slug": job.tenant.slug, "import_job_id": job.pk}
    )
    seen, deadline = [], time.monotonic() + timeout
    while True:
        state = client.get(address).json()
        seen.append(state)
        if not state["running"]:
            return seen
        assert worker.poll() is None, "the worker exited"
        assert time.monotonic() < deadline, f"still running: {state}"
        time.sleep(0.05)


def test_a_large_file_is_checked_and_imported_by_a_worker(
    postgres, redis_url, transactional_db, client, tenant, owner, settings
):
    settings.KAPITTX_IMPORT_BACKGROUND_ROWS = 1000
    client.force_login(owner)
    job = jobs.create_job(tenant, owner, "big.csv", files.xero_many(ROWS), "invoices")
    worker = start_worker({"REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url})
    try:
        assert jobs.start(job, dry_run=True)
        checking = progress_until_done(client, job, worker)
        job.refresh_from_db()
        assert job.status == ImportStatus.CHECKED, job.report
        assert not Invoice.objects.filter(tenant=tenant).exists()

        assert jobs.start(job, dry_run=False)
        applying = progress_until_done(client, job, worker)
    finally:
        stop(worker)

    job.refresh_from_db()
    assert (job.status, job.rows_done) == (ImportStatus.APPLIED, ROWS)
    assert job.report["written"]["invoices"]["created"] == ROWS
    assert Invoice.objects.filter(tenant=tenant).count() == ROWS
    assert checking[0]["running"] and applying[0]["running"]
    moving = [s["done"] for s in applying if s["running"] and 0 < s["done"] < ROWS]
    assert moving, f"no progress seen between 0 and {ROWS}: {applying}"
    assert applying[-1] == {
        "status": "applied",
        "running": False,
        "stage": "applied",
        "done": ROWS,
        "total": ROWS,
    }
