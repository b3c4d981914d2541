"""The ledger tests' customers: two in the tenant, one of another tenant."""

import pytest

from receivables.models import Customer


@pytest.fixture
def customer(tenant) -> Customer:
    return Customer.objects.create(
        tenant=tenant, external_id="C-1", name="Brick & Mortar", currency="EUR"
    )


@pytest.fixture
def other_customer(tenant) -> Customer:
    return Customer.objects.create(
        tenant=tenant, external_id="C-2", name="Cobble Ltd", currency="EUR"
    )


@pytest.fixture
def foreign_customer(other_tenant) -> Customer:
    return Customer.objects.create(
        tenant=other_tenant, external_id="C-1", name="Globex Buyer", currency="EUR"
    )
