"""The import page: upload → preset and columns shown on the first rows, adjustable → dry run
with its report → import; a progress bar while a large file runs in the background."""

import re

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from integrations.importers import jobs, progress
from integrations.importers.actions import Options, prepare
from integrations.importers.forms import MappingForm, UploadForm
from integrations.importers.models import ImportJob, ImportKind, ImportStatus
from integrations.importers.presets import FIELDS, PRESETS
from integrations.importers.report import FileRefused, Report, errors_csv
from integrations.importers.runs import options_of
from integrations.importers.template_files import template_csv
from integrations.importers.values import Values
from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view

PREVIEW_ROWS = 5
#: The statuses whose page shows the first rows (the file is gone once imported).
PREVIEWED = (
    ImportStatus.UPLOADED,
    ImportStatus.CHECKED,
    ImportStatus.REFUSED,
    ImportStatus.FAILED,
)
RECENT_JOBS = 20


def _job(request: HttpRequest, import_job_id: int) -> ImportJob:
    """Return the tenant's import job (its file left in the database), or 404."""
    jobs_here = scoped(ImportJob, request.tenant).defer("content").select_related("tenant")
    return get_object_or_404(jobs_here, pk=import_job_id)


def _to_job(job: ImportJob) -> HttpResponse:
    return redirect("import_job", tenant_slug=job.tenant.slug, import_job_id=job.pk)


@tenant_view(Perm.EDIT_INVOICES)
def import_start(request: HttpRequest) -> HttpResponse:
    """Upload a file to import; the recent imports below."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = jobs.create_job(
            request.tenant, request.user, upload.name, upload.read(), form.cleaned_data["kind"]
        )
        return _to_job(job)
    recent = scoped(ImportJob, request.tenant).defer("content").select_related("created_by")
    return render(
        request,
        "integrations/import_start.html",
        {
            "form": form,
            "recent": recent[:RECENT_JOBS],
            "kinds": ImportKind.choices,
            "presets": PRESETS.values(),
            "max_bytes": settings.KAPITTX_IMPORT_MAX_BYTES,
        },
        status=400 if form.errors else 200,
    )


@tenant_view(Perm.EDIT_INVOICES)
def import_template(request: HttpRequest) -> HttpResponse:
    """Download the generic template (a CSV header) for ``?kind=``."""
    kind = request.GET.get("kind", ImportKind.INVOICES)
    if kind not in FIELDS:
        kind = ImportKind.INVOICES
    response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kapittx-{kind}.csv"'
    return response


@tenant_view(Perm.EDIT_INVOICES)
def import_job(request: HttpRequest, import_job_id: int) -> HttpResponse:
    """One import: its columns on the first rows, the choices, the last report."""
    job = _job(request, import_job_id)
    options = options_of(job)
    form = MappingForm(
        request.POST or None,
        kind=job.kind,
        headers=job.setup.get("headers", []),
        setup=job.setup,
        initial={
            "preset": options.preset,
            "date_order": options.date_order,
            "decimal": options.decimal,
            "encoding": options.encoding,
        },
    )
    if request.method == "POST":
        if job.is_running:
            messages.error(request, "This import is running; change it once it has finished.")
            return _to_job(job)
        if form.is_valid():
            jobs.choose(job, form.options(options))
            messages.success(request, "Choices saved: run the dry run again.")
            return _to_job(job)
    report = Report.from_dict(job.report) if "kind" in job.report else None
    return render(
        request,
        "integrations/import_job.html",
        {
            "job": job,
            "form": form,
            "preview": _preview(job) if job.setup and job.status in PREVIEWED else None,
            "can_choose": job.status in PREVIEWED,
            "preset": PRESETS.get(job.setup.get("preset", "")),
            "report": report,
            "failure": job.report.get("failure", ""),
            "background": job.rows_total > settings.KAPITTX_IMPORT_BACKGROUND_ROWS,
        },
        status=400 if form.errors else 200,
    )


def _preview(job: ImportJob) -> dict:
    """The first rows as each mapped field reads them (dates and amounts as understood)."""
    setup = job.setup
    options = Options(
        kind=job.kind,
        preset=setup["preset"],
        mapping=setup["mapping"],
        date_order=setup["date_order"],
        decimal=setup["decimal"],
        encoding=options_of(job).encoding,
    )
    content = scoped(ImportJob, job.tenant_id).filter(pk=job.pk).values_list("content", flat=True)
    try:
        first = prepare(bytes(content.get()), options, job.tenant, nrows=PREVIEW_ROWS)
    except FileRefused:
        return {}
    values = Values(first.sheet, job.kind, first.mapping, setup["date_order"], setup["decimal"])
    fields = [f for f in FIELDS[job.kind] if values.has(f.name)]
    read = {
        f.name: values.dates(f.name)
        if f.type == "date"
        else values.amounts(f.name)
        if f.type == "money"
        else values.text(f.name).tolist()
        for f in fields
    }
    rows = [
        {
            "line": int(first.sheet.lines[r]),
            "cells": [
                {
                    "raw": " / ".join(first.sheet.frame[c].iloc[r] for c in first.mapping[f.name]),
                    "read": "" if read[f.name][r] is None else read[f.name][r],
                    "typed": f.type in ("date", "money"),
                }
                for f in fields
            ],
        }
        for r in range(first.sheet.rows)
    ]
    return {"fields": [(f.label, ", ".join(first.mapping[f.name])) for f in fields], "rows": rows}


@tenant_view(Perm.EDIT_INVOICES)
@require_POST
def import_check(request: HttpRequest, import_job_id: int) -> HttpResponse:
    """Run the dry run: check every row, write nothing."""
    job = _job(request, import_job_id)
    if not job.setup:
        messages.error(request, "This file cannot be read; upload another.")
    elif not jobs.start(job, dry_run=True):
        messages.error(request, "This import is running already.")
    return _to_job(job)


@tenant_view(Perm.EDIT_INVOICES)
@require_POST
def import_apply(request: HttpRequest, import_job_id: int) -> HttpResponse:
    """Import the file checked by the dry run."""
    job = _job(request, import_job_id)
    if not jobs.start(job, dry_run=False):
        messages.error(
            request,
            "Run the dry run first: only a file that passed it is imported."
            if job.status != ImportStatus.APPLIED
            else "This file is imported already.",
        )
    return _to_job(job)


@tenant_view(Perm.EDIT_INVOICES)
def import_progress(request: HttpRequest, import_job_id: int) -> JsonResponse:
    """How far the import is: status, stage, rows done and rows in all."""
    job = _job(request, import_job_id)
    told = progress.latest(job.pk) if job.is_running else None
    done = job.rows_total if job.status == ImportStatus.APPLIED else job.rows_done
    return JsonResponse(
        {
            "status": job.status,
            "running": job.is_running,
            "stage": (told or {}).get("stage", "queued" if job.is_running else job.status),
            "done": (told or {}).get("done", done),
            "total": (told or {}).get("total") or job.rows_total,
        }
    )


@tenant_view(Perm.EDIT_INVOICES)
def import_errors(request: HttpRequest, import_job_id: int) -> HttpResponse:
    """Download every bad row of the last run as CSV (line, column, reason)."""
    job = _job(request, import_job_id)
    errors = Report.from_dict(job.report).errors if "kind" in job.report else []
    response = HttpResponse(errors_csv(errors), content_type="text/csv; charset=utf-8")
    name = re.sub(r"[^\w.-]+", "_", job.file_name.rsplit(".", 1)[0])[:80] or "import"
    response["Content-Disposition"] = f'attachment; filename="{name}-errors.csv"'
    return response
