"""An import in progress: the uploaded file kept between the steps of the import page (map,
dry run, apply), the choices made, and the report of the last run."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from kapittx.models import TenantOwned


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", "Customers"
    INVOICES = "invoices", "Invoices"
    PAYMENTS = "payments", "Payments"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"  # mapping to confirm, nothing checked yet
    CHECKING = "checking", "Checking"  # dry run queued or running
    CHECKED = "checked", "Checked"  # dry run passed: ready to apply
    REFUSED = "refused", "Refused"  # bad rows found; nothing written
    APPLYING = "applying", "Applying"  # import queued or running
    APPLIED = "applied", "Applied"  # written
    FAILED = "failed", "Failed"  # stopped by an unexpected error; nothing written


#: Statuses a worker is busy with.
RUNNING = (ImportStatus.CHECKING, ImportStatus.APPLYING)


class ImportJob(TenantOwned):
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    # In the database rather than on a disk: the worker that applies a large file may run
    # on another machine than the web process that received it.
    content = models.BinaryField()
    size = models.PositiveIntegerField(default=0)
    preset = models.CharField(max_length=30, blank=True, help_text="Empty: detect it.")
    #: The choices made on the page: mapping, date order, decimal separator, encoding.
    options = models.JSONField(default=dict, blank=True)
    #: What reading the whole file decided with those choices: preset, columns, mapping,
    #: date order, decimal separator (shown on the page with the first rows).
    setup = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    #: When a run was claimed (a worker or the page); empty while queued.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "created_at"], name="importjob_tenant_created")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.kind}, {self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING
