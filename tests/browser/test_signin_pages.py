"""Signing in, in a real browser: a password reset from the login page to the emailed link
to signing in with the new password; setting up an authenticator app and signing in with
its code; a tenant requiring two-factor sign-in sends a member without an app to set one up.
"""

import re
from base64 import b32decode

import pytest
from django.core import mail
from django.core.cache import cache

from tests.conftest import PASSWORD
from tests.kapittx.signin.codes import code_from, wrong_code_from

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-new-and-long-passphrase"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # password reset requests are counted there


def sign_in(page, live_server, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_reset_the_password_from_the_login_page_and_sign_in_with_it(
    page, live_server, tenant, owner, settings
):
    settings.KAPITTX_PUBLIC_URL = live_server.url
    page.goto(f"{live_server.url}/login/")
    page.click("text=Forgot your password?")
    page.fill("#id_email", owner.email.upper())
    page.click("#reset-form button[type=submit]")
    page.locator("#reset-sent").wait_for()

    [message] = mail.outbox
    [link] = re.findall(r"https?://\S+", message.body)
    assert link.startswith(f"{live_server.url}/password-reset/")
    page.goto(link)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("#new-password-form button[type=submit]")
    page.locator("#reset-complete").wait_for()
    page.click("#reset-complete >> text=Log in")

    page.fill("#id_username", owner.email)
    page.fill("#id_password", NEW_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/t/acme/")
    page.goto(link)
    assert "This link no longer works" in page.content()


def set_up_app(page) -> bytes:
    """On the security page, set up an authenticator app; return the secret it was shown."""
    page.click("#start-two-factor")
    assert page.locator("#qr-code svg").is_visible()
    key = b32decode(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.fill("#id_code", code_from(key))
    page.click("#confirm-form button[type=submit]")
    assert page.locator(".backup-codes li").count() == 10
    return key


def test_set_up_an_authenticator_app_then_sign_in_with_its_code(
    page, live_server, tenant, owner, tmp_path
):
    sign_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/t/acme/")
    page.click(".session >> text=Security")
    page.locator("#two-factor-off").wait_for()
    key = set_up_app(page)
    page.screenshot(path=str(tmp_path / "backup-codes.png"), full_page=True)
    page.click("#continue")
    page.click("text=Log out")

    sign_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/login/code/?next=/")
    page.fill("#code-form input[name=code]", wrong_code_from(key))
    page.click("#code-form button[type=submit]")
    assert "That code is not right" in page.locator("#code-form").inner_text()
    page.wait_for_timeout(1100)  # one wrong code pauses checking for a second
    page.fill("#code-form input[name=code]", code_from(key, steps_ahead=1))
    page.click("#code-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/t/acme/")
    page.goto(f"{live_server.url}/account/security/")
    assert "On since" in page.locator("#two-factor-on").inner_text()


def test_a_tenant_requiring_two_factor_sends_a_member_without_an_app_to_set_one_up(
    page, live_server, tenant, owner, teammate
):
    tenant.require_two_factor = True
    tenant.save()
    sign_in(page, live_server, teammate.email)
    page.wait_for_url(f"{live_server.url}/account/security/?next=/t/acme/")
    assert "Acme Trading requires two-factor sign-in" in page.locator("main").inner_text()
    set_up_app(page)
    page.click("#continue")
    page.wait_for_url(f"{live_server.url}/t/acme/")
    assert "Acme Trading" in page.locator(".page-head").inner_text()
