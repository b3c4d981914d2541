"""Imports kept between the steps of the import page, and how a run starts: at once for a
small file, as a background task (with progress) for a large one."""

from django.conf import settings
from django.db import transaction

from integrations.importers.actions import Options, prepare
from integrations.importers.models import ImportJob, ImportStatus
from integrations.importers.report import FileRefused, Report
from integrations.importers.runs import perform
from integrations.importers.tasks import import_file
from kapittx.models import Tenant, User

#: The statuses a dry run, and an import, may start from.
CHECKABLE = (
    ImportStatus.UPLOADED,
    ImportStatus.CHECKED,
    ImportStatus.REFUSED,
    ImportStatus.FAILED,
)
APPLICABLE = (ImportStatus.CHECKED,)


def create_job(tenant: Tenant, user: User | None, name: str, data: bytes, kind: str) -> ImportJob:
    """Keep an uploaded file, with its row count and detected preset."""
    job = ImportJob(
        tenant=tenant,
        kind=kind,
        file_name=name[:255],
        content=data,
        size=len(data),
        created_by=user,
        options=Options(kind).as_dict(),
    )
    _understand(job, Options(kind))
    job.save()
    return job


def choose(job: ImportJob, options: Options) -> None:
    """Keep new choices (preset, mapping, formats); the file must be checked again."""
    job.preset = options.preset
    job.rows_done = 0
    job.started_at = job.finished_at = None
    _understand(job, options)
    job.save()


def _understand(job: ImportJob, options: Options) -> None:
    """Read the whole file with ``options`` and keep what was decided, or why it cannot."""
    job.options = options.as_dict()
    job.report = {}
    job.status = ImportStatus.UPLOADED
    try:
        setup = prepare(bytes(job.content), options, job.tenant)
    except FileRefused as exc:
        job.status = ImportStatus.REFUSED
        job.report = Report(kind=job.kind, dry_run=True, errors=exc.errors).as_dict()
        job.setup = {}
        return
    job.rows_total = setup.sheet.rows
    job.setup = {
        "preset": setup.preset.name,
        "detected": setup.detected,
        "headers": setup.sheet.headers,
        "header_line": setup.sheet.header_line,
        "encoding": setup.sheet.encoding,
        "mapping": setup.mapping,
        "missing": setup.missing,
        "date_order": setup.date_order.order,
        "date_order_note": setup.date_order.describe(),
        "decimal": setup.separator.mark,
        "decimal_note": setup.separator.describe(),
    }


def start(job: ImportJob, *, dry_run: bool) -> bool:
    """Start a dry run or the import of ``job``; return False when it cannot start now
    (already running, or not checked yet)."""
    allowed, status = (
        (CHECKABLE, ImportStatus.CHECKING) if dry_run else (APPLICABLE, ImportStatus.APPLYING)
    )
    moved = ImportJob.objects.filter(pk=job.pk, tenant_id=job.tenant_id, status__in=allowed)
    if not moved.update(status=status, started_at=None, finished_at=None, rows_done=0):
        return False
    if job.rows_total > settings.KAPITTX_IMPORT_BACKGROUND_ROWS:
        transaction.on_commit(lambda: import_file.delay(job.tenant_id, job.pk, dry_run))
    else:
        perform(job.tenant_id, job.pk, dry_run)
    return True
