import pytest


@pytest.fixture
def acme(tenant):
    """A tenant with no receivables of its own yet."""
    return tenant
