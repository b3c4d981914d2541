"""One run of an import job, by the page or by a worker.

A run is claimed with one conditional UPDATE, so a double click or a task delivered twice
never imports a file twice; an import's status commits with the rows it wrote.
"""

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from integrations.importers.actions import Options, run_import
from integrations.importers.models import ImportJob, ImportStatus
from integrations.importers.progress import Reporter, forget
from integrations.importers.report import Report
from kapittx.tenancy import scoped

log = logging.getLogger(__name__)

#: Seconds a run may take before another worker may claim it again (the task's hard limit).
RUN_TIME_LIMIT = 1800


def options_of(job: ImportJob) -> Options:
    return Options.from_dict({**job.options, "kind": job.kind})


def perform(tenant_id: int, job_id: int, dry_run: bool) -> None:
    """Run the dry run or import of a job that was started, if nobody runs it already."""
    now = timezone.now()
    status = ImportStatus.CHECKING if dry_run else ImportStatus.APPLYING
    free = Q(started_at__isnull=True) | Q(started_at__lt=now - timedelta(seconds=RUN_TIME_LIMIT))
    mine = scoped(ImportJob, tenant_id).filter(free, pk=job_id, status=status)
    if not mine.update(started_at=now):
        return
    job = scoped(ImportJob, tenant_id).select_related("tenant").get(pk=job_id)

    def finish(report: Report) -> None:
        done = ImportStatus.CHECKED if dry_run else ImportStatus.APPLIED
        job.status = ImportStatus.REFUSED if report.refused else done
        job.report = report.as_dict()
        job.rows_done = 0 if report.refused else job.rows_total
        job.finished_at = timezone.now()
        fields = ["status", "report", "rows_done", "finished_at", "updated_at"]
        if job.status == ImportStatus.APPLIED:
            job.content = b""  # imported: the file is not needed any more
            fields.append("content")
        job.save(update_fields=fields)

    try:
        report = run_import(
            job.tenant,
            bytes(job.content),
            options_of(job),
            dry_run=dry_run,
            progress=Reporter(job.pk),
            before_commit=None if dry_run else finish,
        )
        if dry_run or report.refused:
            finish(report)
    except Exception as exc:
        log.exception("import %s of tenant %s failed", job_id, tenant_id)
        scoped(ImportJob, tenant_id).filter(pk=job_id).update(
            status=ImportStatus.FAILED,
            report={"failure": f"{type(exc).__name__}: {exc}"[:500]},
            finished_at=timezone.now(),
        )
    finally:
        forget(job_id)
