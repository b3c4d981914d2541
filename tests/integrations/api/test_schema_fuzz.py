"""schemathesis against /api/v1/schema/ with a real key: no request makes the API fail
(500), and every answer matches the schema (status, content type, headers, body)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from integrations.api.keys import create_key

CONFIG = schemathesis.Config.from_str(
    """
[generation]
max-examples = 6
mode = "all"
with-security-parameters = false
database = "none"

[phases.coverage]
enabled = false

[phases.stateful]
enabled = false

[checks]
enabled = false
not_a_server_error.enabled = true
status_code_conformance.enabled = true
content_type_conformance.enabled = true
response_schema_conformance.enabled = true
response_headers_conformance.enabled = true
negative_data_rejection.enabled = true
"""
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/?format=json", get_wsgi_application(), config=CONFIG
)


@pytest.fixture
def same_connection():
    """Keep the test's database connection across requests, as Django's test client does:
    a WSGI request closes it when it ends, and with it the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def secret(mine, settings, same_connection, fake_dns) -> str:
    """A key of ``mine``; no name resolves, so webhook addresses never reach the real DNS."""
    settings.KAPITTX_API_RATE = "1000000/min"
    return create_key(mine.tenant, "Fuzzer")[1]


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_the_schema(case, secret):
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"})
