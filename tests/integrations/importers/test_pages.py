"""The import page end to end: upload → preset and columns on the first rows → dry run →
import; the error report, the template, the progress of a background run."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from integrations.importers.jobs import create_job
from integrations.importers.models import ImportJob, ImportStatus
from integrations.importers.progress import Reporter
from integrations.importers.runs import RUN_TIME_LIMIT, perform
from kapittx.celery import app
from kapittx.roles import Role
from receivables.models import Invoice
from tests.conftest import make_member
from tests.integrations.importers import files


def url(name: str, tenant, job=None, **query) -> str:
    kwargs = {"tenant_slug": tenant.slug}
    if job is not None:
        kwargs["import_job_id"] = job.pk
    address = reverse(name, kwargs=kwargs)
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def upload(client, tenant, data: bytes, name="export.csv", kind="invoices"):
    return client.post(
        url("import_start", tenant), {"kind": kind, "file": SimpleUploadedFile(name, data)}
    )


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def test_upload_shows_the_detected_preset_and_the_first_rows_as_read(signed_in, tenant):
    response = upload(signed_in, tenant, files.xero_uk_invoices())

    job = ImportJob.objects.get(tenant=tenant)
    assert response.status_code == 302 and response.url == url("import_job", tenant, job)
    assert (job.status, job.rows_total, job.setup["preset"]) == ("uploaded", 6, "xero")
    page = signed_in.get(response.url).content.decode()
    assert "Xero (detected from the header)" in page
    assert "DD/MM/YYYY (detected from the dates in the file)" in page
    assert '03/04/2026<br><span class="muted">→ April 3, 2026</span>' in page
    assert 'name="column_due_date"' in page and '<option value="DueDate" selected>' in page


def test_the_whole_flow_dry_run_then_import(signed_in, tenant):
    upload(signed_in, tenant, files.xero_uk_invoices())
    job = ImportJob.objects.get(tenant=tenant)

    signed_in.post(url("import_check", tenant, job))

    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert not Invoice.objects.filter(tenant=tenant).exists()
    page = signed_in.get(url("import_job", tenant, job)).content.decode()
    assert "Dry run: ready to import" in page
    assert "would create 3, update 0, unchanged 0" in page
    assert "1 draft invoices" in page

    signed_in.post(url("import_apply", tenant, job))

    job.refresh_from_db()
    assert (job.status, job.rows_done, bytes(job.content)) == (ImportStatus.APPLIED, 6, b"")
    assert Invoice.objects.filter(tenant=tenant).count() == 3
    assert "created 3, updated 0" in signed_in.get(url("import_job", tenant, job)).content.decode()


def test_choices_on_the_page_change_how_the_file_is_read(signed_in, tenant):
    upload(signed_in, tenant, files.zoho_invoices())
    job = ImportJob.objects.get(tenant=tenant)
    form = {f"column_{k}": v[0] for k, v in job.setup["mapping"].items()}
    form.update({"column_po_number": "", "date_order": "mdy", "decimal": ",", "preset": ""})

    response = signed_in.post(url("import_job", tenant, job), form)

    job.refresh_from_db()
    assert response.status_code == 302
    assert (job.setup["date_order"], job.setup["decimal"]) == ("mdy", ",")
    assert "po_number" not in job.setup["mapping"]
    assert job.status == ImportStatus.UPLOADED


def test_choosing_another_preset_picks_its_columns_afresh(signed_in, tenant):
    upload(signed_in, tenant, files.zoho_invoices())
    job = ImportJob.objects.get(tenant=tenant)

    signed_in.post(url("import_job", tenant, job), {"preset": "generic", "column_number": ""})

    job.refresh_from_db()
    assert job.setup["preset"] == "generic"
    assert job.setup["mapping"]["number"] == ["Invoice Number"]


def test_a_refused_file_lists_every_bad_row_and_offers_them_as_csv(signed_in, tenant):
    data = (
        files.xero_uk_invoices()
        .replace(b"15/04/2026", b"31/04/2026")
        .replace(b"GBP,Sales invoice,Sent,Voided", b"UKP,Sales invoice,Sent,Voided")
    )
    upload(signed_in, tenant, data)
    job = ImportJob.objects.get(tenant=tenant)

    signed_in.post(url("import_check", tenant, job))

    job.refresh_from_db()
    assert job.status == ImportStatus.REFUSED
    page = signed_in.get(url("import_job", tenant, job)).content.decode()
    assert "2 problems found" in page
    response = signed_in.get(url("import_errors", tenant, job))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "line,column,reason",
        '4,InvoiceDate,"""31/04/2026"" is not a date (dates in this file read as DD/MM/YYYY)."',
        '6,Currency,"""UKP"" is not an ISO 4217 currency code (e.g. EUR, GBP)."',
    ]
    signed_in.post(url("import_apply", tenant, job))
    assert not Invoice.objects.filter(tenant=tenant).exists()


def test_the_error_csv_neutralises_formulas(signed_in, tenant):
    data = files.to_csv([["Customer ID", "Name", "Email"], ["C-1", "A", "=HYPERLINK(1)"]])
    upload(signed_in, tenant, data, kind="customers")
    job = ImportJob.objects.get(tenant=tenant)
    signed_in.post(url("import_check", tenant, job))

    lines = signed_in.get(url("import_errors", tenant, job)).content.decode().splitlines()

    assert lines[1] == "2,Email,Enter a valid email address."
    job.refresh_from_db()
    job.report["errors"] = [[2, "=cmd", "+1"]]
    job.save()
    lines = signed_in.get(url("import_errors", tenant, job)).content.decode().splitlines()
    assert lines[1] == "2,'=cmd,'+1"


def test_import_is_refused_before_a_dry_run_passed(signed_in, tenant):
    upload(signed_in, tenant, files.xero_uk_invoices())
    job = ImportJob.objects.get(tenant=tenant)

    response = signed_in.post(url("import_apply", tenant, job), follow=True)

    assert "Run the dry run first" in response.content.decode()
    assert not Invoice.objects.filter(tenant=tenant).exists()


def test_the_template_download_has_the_generic_columns(signed_in, tenant):
    response = signed_in.get(url("import_template", tenant, kind="payments"))

    assert response["Content-Disposition"] == 'attachment; filename="kapittx-payments.csv"'
    assert response.content.decode().strip() == (
        "Payment ID,Customer ID,Customer name,Amount,Currency,Date received,Reference,"
        "Method,Invoice number"
    )


def test_a_file_over_the_size_cap_is_refused(signed_in, tenant, settings):
    settings.KAPITTX_IMPORT_MAX_BYTES = 100

    response = upload(signed_in, tenant, files.xero_uk_invoices())

    assert response.status_code == 400
    assert "the largest accepted is 100\xa0bytes" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_large_file_runs_in_the_background_with_progress(
    signed_in, tenant, settings, django_capture_on_commit_callbacks
):
    settings.KAPITTX_IMPORT_BACKGROUND_ROWS = 2
    upload(signed_in, tenant, files.xero_uk_invoices())
    job = ImportJob.objects.get(tenant=tenant)

    with django_capture_on_commit_callbacks() as queued:
        signed_in.post(url("import_check", tenant, job))
    running = signed_in.get(url("import_job", tenant, job)).content.decode()
    state = signed_in.get(url("import_progress", tenant, job)).json()
    Reporter(job.pk)("checking", 3, 6)
    told = signed_in.get(url("import_progress", tenant, job)).json()
    app.conf.task_always_eager = True
    try:
        for callback in queued:
            callback()
    finally:
        app.conf.task_always_eager = False

    assert len(queued) == 1
    assert 'id="import-progress"' in running and "import_progress.js" in running
    assert state == {"status": "checking", "running": True, "stage": "queued", "done": 0,
                     "total": 6}  # fmt: skip
    assert (told["stage"], told["done"], told["total"]) == ("checking", 3, 6)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    finished = signed_in.get(url("import_progress", tenant, job)).json()
    assert finished == {"status": "checked", "running": False, "stage": "checked", "done": 6,
                        "total": 6}  # fmt: skip


def test_a_viewer_may_not_import(client, tenant):
    viewer = make_member(tenant, "viewer@acme.test", Role.VIEWER)
    client.force_login(viewer)

    assert client.get(url("import_start", tenant)).status_code == 403


def test_an_outsider_gets_404_and_another_tenants_job_is_404(
    client, tenant, other_tenant, owner, outsider
):
    mine = create_job(tenant, owner, "a.csv", files.xero_uk_invoices(), "invoices")
    theirs = create_job(other_tenant, outsider, "b.csv", files.xero_uk_invoices(), "invoices")
    client.force_login(outsider)

    for name in ("import_job", "import_progress", "import_errors"):
        assert client.get(url(name, tenant, mine)).status_code == 404
    assert client.post(url("import_check", tenant, mine)).status_code == 404
    client.force_login(owner)
    for name in ("import_job", "import_progress", "import_errors"):
        assert client.get(url(name, tenant, theirs)).status_code == 404
    assert client.post(url("import_apply", tenant, theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ImportStatus.UPLOADED


def test_a_run_another_worker_holds_is_not_run_twice(tenant, owner):
    job = create_job(tenant, owner, "a.csv", files.xero_uk_invoices(), "invoices")
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.APPLYING, started_at=now)

    perform(tenant.pk, job.pk, False)

    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.APPLYING
    assert not Invoice.objects.filter(tenant=tenant).exists()
    ImportJob.objects.filter(pk=job.pk).update(
        started_at=now - timedelta(seconds=RUN_TIME_LIMIT + 1)
    )

    perform(tenant.pk, job.pk, False)  # the holder died long ago: taken over

    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.APPLIED
    assert Invoice.objects.filter(tenant=tenant).count() == 3


def test_an_unreadable_upload_shows_why_and_offers_no_dry_run(signed_in, tenant):
    upload(signed_in, tenant, b"Invoice number,Customer name\nG-1,\x81\x98\n")
    job = ImportJob.objects.get(tenant=tenant)

    page = signed_in.get(url("import_job", tenant, job)).content.decode()

    assert job.status == ImportStatus.REFUSED
    assert "byte 0x81 on this line is not a character" in page
    assert 'id="dry-run"' not in page
    signed_in.post(url("import_check", tenant, job))
    job.refresh_from_db()
    assert job.status == ImportStatus.REFUSED


def test_an_unreadable_file_can_be_read_with_a_chosen_encoding(signed_in, tenant):
    upload(signed_in, tenant, b"Invoice number,Customer name\nG-1,Zo\x81\n", kind="invoices")
    job = ImportJob.objects.get(tenant=tenant)

    signed_in.post(url("import_job", tenant, job), {"encoding": "latin-1"})

    job.refresh_from_db()
    assert (job.status, job.setup["encoding"]) == (ImportStatus.UPLOADED, "latin-1")
