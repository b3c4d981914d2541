"""The outbox scenarios' default cadence (tests/reminders/scenario.py) and a customer on it."""

import pytest

from tests.reminders.scenario import make_customer, make_workflow


@pytest.fixture
def workflow(tenant):
    return make_workflow(tenant)


@pytest.fixture
def customer(tenant, workflow):
    return make_customer(tenant)
