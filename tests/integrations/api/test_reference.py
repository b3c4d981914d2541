"""The OpenAPI document and its readers: every endpoint documented with the bearer scheme
and its problem responses; Swagger UI and Redoc served from our own static files."""

import re

import yaml
from django.contrib.staticfiles import finders
from django.test import Client

from tests.integrations.api.endpoints import api_endpoints


def schema() -> dict:
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_every_endpoint_is_in_the_schema(db):
    document = schema()
    documented = {
        (re.sub(r"\{[^}]+\}", "{}", path), method) for path, method, _ in _operations(document)
    }
    walked = set()
    for endpoint in api_endpoints():
        route = "/" + re.sub(r"\(\?P<[^>]+>[^)]*\)", "{}", endpoint.route)
        walked |= {(route.replace("\\", ""), method) for method in endpoint.methods}
    assert walked == documented


def test_every_operation_names_the_bearer_scheme_and_its_problems(db):
    document = schema()
    scheme = document["components"]["securitySchemes"]["ApiKey"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for path, method, operation in _operations(document):
        assert operation["security"] == [{"ApiKey": []}], (path, method)
        responses = operation["responses"]
        expected = {"400", "401", "429"} | ({"403", "409", "422"} if method != "get" else set())
        assert expected <= set(responses), (path, method, sorted(responses))
        for code in expected:
            assert list(responses[code]["content"]) == ["application/problem+json"]
        assert responses["429"]["headers"]["Retry-After"]["required"] is True
        if method in {"post", "patch"}:
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert "Idempotency-Key" in names, (path, method)


def test_money_is_documented_as_a_decimal_string(db):
    components = schema()["components"]["schemas"]

    total = components["Invoice"]["properties"]["total"]
    subtotal = components["InvoiceItem"]["properties"]["subtotal"]

    assert (total["type"], total["format"]) == ("string", "decimal")
    assert (subtotal["type"], subtotal["format"]) == ("string", "decimal")
    assert components["InvoiceItem"]["additionalProperties"] is False


def test_swagger_ui_loads_its_scripts_from_our_static_files(db):
    response = Client().get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all(not body.strip() for _, body in scripts), "an inline script"
    sources = [re.search(r'src="([^"]+)"', attrs)[1] for attrs, _ in scripts]
    static = [src for src in sources if src.startswith("/static/")]
    assert any(src.endswith("swagger-ui-bundle.js") for src in static)
    for src in static:
        assert finders.find(src.removeprefix("/static/")), src
    assert all(src.startswith(("/static/", "/api/v1/docs/")) for src in sources)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    init = Client().get("/api/v1/docs/", {"script": ""})
    assert init["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in init.content.decode()


def test_redoc_loads_its_script_from_our_static_files(db):
    html = Client().get("/api/v1/redoc/").content.decode()

    [src] = re.findall(r'<script src="([^"]+)"></script>', html)
    assert src.startswith("/static/") and finders.find(src.removeprefix("/static/"))
    assert "googleapis" not in html and "<style" not in html
