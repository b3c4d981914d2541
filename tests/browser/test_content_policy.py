"""Every page answers with a strict Content-Security-Policy, Chromium reports no violation
on any of them, and their scripts still work under it (the customer page's panels load).

The tenant pages are not listed here: they are found by walking the URL map
(``tests/tenant_pages.py``), like the isolation tests do. The ``page`` fixture reports every
violation (``tests/browser/conftest.py``); these tests say on which page it happened.
"""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from reminders.channels.email.unsubscribe import unsubscribe_token
from tests.browser.test_signin_pages import set_up_app, sign_in
from tests.collections_app.portal.tokens import token_for
from tests.kapittx.signin.codes import code_from
from tests.tenant_pages import tenant_pages

pytestmark = pytest.mark.browser

#: Each directive's sources, exactly; a page showing an email as sent may add inline
#: styles and outside images (kapittx.content_policy.shows_email_html).
STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
EMAIL_PAGES = {"template_edit", "dispatch_detail"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers.get("content-security-policy", "")
    return {
        name: sources
        for name, *sources in (part.split() for part in header.split(";") if part.strip())
    }


class Visits:
    """Pages visited, and what went wrong on which."""

    def __init__(self, page, violations: list[str]) -> None:
        self.page, self.violations, self.failures = page, violations, []

    def check(self, name: str, response) -> None:
        policy = policy_of(response)
        wrong = {d: policy.get(d) for d, sources in STRICT.items() if policy.get(d) != sources}
        styles = policy.get("style-src")
        if styles != ["'self'"] and not (name in EMAIL_PAGES and "'unsafe-inline'" in styles):
            wrong["style-src"] = styles
        if wrong:
            self.failures.append(f"{name}: {wrong}")
        # Let scripts and fragment requests finish, so that what they do is checked too.
        self.page.wait_for_load_state("networkidle")
        if self.violations:
            self.failures.append(f"{name}: {'; '.join(self.violations)}")
            self.violations.clear()

    def go(self, name: str, url: str):
        response = self.page.goto(url)
        self.check(name, response)
        return response

    def assert_clean(self) -> None:
        assert not self.failures, "\n".join(["", *self.failures])


def test_the_pages_before_signing_in(page, live_server, mine, owner, csp_violations):
    visits = Visits(page, csp_violations)
    url = live_server.url
    visits.go("login", f"{url}/login/")
    visits.go("password_reset", f"{url}/password-reset/")
    visits.go("password_reset_done", f"{url}/password-reset/sent/")
    uid = urlsafe_base64_encode(force_bytes(owner.pk))
    token = default_token_generator.make_token(owner)
    visits.go("password_reset_confirm", f"{url}/password-reset/{uid}/{token}/")
    assert page.locator("#new-password-form").is_visible()
    visits.go("password_reset_complete", f"{url}/password-reset/done/")
    visits.go("portal", f"{url}/portal/{token_for(mine.customer)}/")
    # An expired link: the page that offers a fresh one.
    visits.go("portal_expired", f"{url}/portal/{token_for(mine.customer, days=-1)}/")
    assert page.locator("form").count() >= 1
    visits.go(
        "unsubscribe", f"{url}/hooks/unsubscribe/{unsubscribe_token(mine.tenant.pk, 'a@x.test')}/"
    )
    for _ in range(4):
        sign_in(page, live_server, "nobody@acme.test", "wrong")
    with page.expect_response(lambda response: response.request.method == "POST") as locked:
        sign_in(page, live_server, "nobody@acme.test", "wrong")
    assert locked.value.status == 429
    assert "Sign-in paused" in page.locator("main").inner_text()
    visits.check("locked out", locked.value)
    visits.assert_clean()


def test_the_pages_after_signing_in(page, live_server, mine, owner, csp_violations):
    visits = Visits(page, csp_violations)
    url = live_server.url
    sign_in(page, live_server, owner.email)
    page.wait_for_url(f"{url}/t/acme/")
    visits.go("account_security", f"{url}/account/security/")
    # The set-up page with its QR code, then the backup codes (the answer to a POST).
    with page.expect_response(lambda r: r.request.method == "POST" and r.status == 200) as codes:
        key = set_up_app(page)
    visits.check("two-factor set-up and backup codes", codes.value)
    page.click("text=Log out")
    sign_in(page, live_server, owner.email)
    page.wait_for_url(re.compile(r"/login/code/"))
    visits.go("login_code", page.url)
    page.fill("#code-form input[name=code]", code_from(key, steps_ahead=1))
    page.click("#code-form button[type=submit]")
    page.wait_for_url(f"{url}/t/acme/")

    for tenant_page in tenant_pages():
        address = f"{url}{tenant_page.path(mine)}"
        probe = page.request.get(address)
        if probe.status == 405:  # an action that only takes POST
            continue
        if probe.headers.get("content-disposition", "").startswith("attachment"):
            # A download (an export): no page to render, so nothing to violate.
            assert probe.status == 200, f"{tenant_page.name} answered {probe.status}"
            continue
        response = page.goto(address)
        assert response.status == 200, f"{tenant_page.name} answered {response.status}"
        visits.check(tenant_page.name, response)
    visits.assert_clean()


def test_the_customer_page_loads_its_panels_under_the_policy(page, live_server, mine, owner):
    sign_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/t/acme/")
    page.goto(f"{live_server.url}/t/acme/customers/{mine.customer.pk}/")
    page.locator("#reminders-panel .loading").wait_for(state="detached")
    page.locator("#timeline-panel .loading").wait_for(state="detached")
    assert mine.workflow.name in page.locator("#reminders-panel").inner_text()
    page.goto(f"{live_server.url}/t/acme/", wait_until="networkidle")
    # The fragment replaced the panel's fallback link.
    assert page.locator("#attention-panel noscript").count() == 0
