"""The background run of a large import. Every task takes the tenant's id."""

from celery import shared_task

from integrations.importers.runs import RUN_TIME_LIMIT, perform
from kapittx.tenancy import tenant_for_task


@shared_task(
    name="integrations.import_file",
    ignore_result=True,
    acks_late=True,
    time_limit=RUN_TIME_LIMIT,
    soft_time_limit=RUN_TIME_LIMIT - 60,
)
def import_file(tenant_id: int, job_id: int, dry_run: bool) -> None:
    """Check (``dry_run``) or import the file of an import job that was started."""
    perform(tenant_for_task(tenant_id).pk, job_id, dry_run)
