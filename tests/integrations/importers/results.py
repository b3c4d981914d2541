"""Run an import in a test and look at what it wrote."""

from integrations.importers.actions import Options, run_import
from receivables.models import Customer, Invoice


def run(tenant, data: bytes, kind: str = "invoices", dry_run: bool = False, **options):
    return run_import(tenant, data, Options(kind, **options), dry_run=dry_run)


def invoices(tenant) -> dict[str, Invoice]:
    return {i.number: i for i in Invoice.objects.filter(tenant=tenant).select_related("customer")}


def customers(tenant) -> dict[str, Customer]:
    return {c.external_id: c for c in Customer.objects.filter(tenant=tenant)}
