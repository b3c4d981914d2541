"""The import page in a real browser, under the Content-Security-Policy: a file uploaded,
checked and imported, and the progress bar of a background run moving and giving way to the
report when the run ends."""

import pytest

from integrations.importers.jobs import create_job
from integrations.importers.models import ImportJob, ImportStatus
from integrations.importers.progress import Reporter
from integrations.importers.runs import perform
from receivables.models import Invoice
from tests.browser.test_signin_pages import sign_in
from tests.integrations.importers import files

pytestmark = pytest.mark.browser


def test_upload_dry_run_and_import(page, live_server, tenant, owner, tmp_path):
    export = tmp_path / "Sales Invoices.csv"
    export.write_bytes(files.xero_uk_invoices())
    sign_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/t/acme/")

    page.goto(f"{live_server.url}/t/acme/integrations/import/")
    page.select_option("#id_kind", "invoices")
    page.set_input_files("#id_file", str(export))
    page.click("#upload")
    page.locator("#preview").wait_for()
    assert "Xero (detected from the header)" in page.inner_text("#preset")
    page.click("#dry-run")
    page.locator("#apply").wait_for()
    assert "Dry run: ready to import" in page.inner_text("#report")
    page.click("#apply")
    page.locator("#report h2:text('Imported')").wait_for()

    assert Invoice.objects.filter(tenant=tenant).count() == 3


def test_the_progress_bar_follows_a_background_run(page, live_server, tenant, owner):
    from playwright.sync_api import expect  # as the browser fixture: only where it runs

    job = create_job(tenant, owner, "big.csv", files.xero_uk_invoices(), "invoices")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING)  # queued
    sign_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/t/acme/")

    page.goto(f"{live_server.url}/t/acme/integrations/import/{job.pk}/")
    Reporter(job.pk)("checking", 3, 6)  # as a worker tells it
    expect(page.locator("#progress-text")).to_have_text("Checking: 3 of 6 rows.")
    expect(page.locator("#import-progress")).to_have_attribute("value", "3")
    perform(tenant.pk, job.pk, True)  # the worker finishes

    page.locator("#report").wait_for()
    assert "Dry run: ready to import" in page.inner_text("#report")
    assert page.locator("#import-progress").count() == 0
