"""Every page under ``/t/<slug>/``, found by walking the URL map, and its address filled in
with the ids of one tenant's objects, so a new page is checked without being listed."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kapittx.models import Tenant
from tests.reminders.pages import World

TENANT_PREFIX = "t/<slug:tenant_slug>/"
_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class TenantPage:
    name: str
    route: str  # the whole route, from the root of the URL map

    @property
    def kwargs(self) -> list[str]:
        return [m["name"] for m in _PARAMETER.finditer(self.route) if m["name"] != "tenant_slug"]

    def path(self, world: World, tenant: Tenant | None = None) -> str:
        """Return the page's address for ``world``'s objects, under ``tenant``'s slug (by
        default the world's own); fail when the page takes an id nobody taught us to fill."""
        ids = world.ids()
        unknown = [kwarg for kwarg in self.kwargs if kwarg not in ids]
        if unknown:
            pytest.fail(
                f"{self.name} ({self.route}) takes {', '.join(unknown)}, which the isolation "
                "tests do not know how to fill: add it to World.ids() in tests/reminders/pages.py"
            )
        values = {**ids, "tenant_slug": (tenant or world.tenant).slug}
        return "/" + _PARAMETER.sub(lambda m: str(values[m["name"]]), self.route)


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield entry, route


def tenant_pages() -> list[TenantPage]:
    """Every URL pattern whose route starts with ``t/<slug:tenant_slug>/``."""
    pages = []
    for entry, route in _walk(get_resolver().url_patterns):
        if route.startswith(TENANT_PREFIX):
            assert entry.name, f"{route} has no name"
            pages.append(TenantPage(entry.name, route))
    assert pages, "no page under /t/<slug>/ was found"
    return pages


def on_every_page(pages: list[TenantPage], check: Callable[[TenantPage], None]) -> None:
    """Run ``check`` on each page, then fail once, naming every page whose check failed."""
    failures = []
    for page in pages:
        try:
            check(page)
        except AssertionError as exc:
            failures.append(f"{page.name} ({page.route}): {str(exc).splitlines()[0]}")
    assert not failures, "\n".join(["", *failures])
