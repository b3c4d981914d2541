"""One's own security page sets up, renews and turns off two-factor sign-in; the owner's
tenant page requires it of every member."""

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kapittx.models import User
from kapittx.signin import devices
from tests.conftest import log_in
from tests.kapittx.signin.codes import app_code, wrong_code

SECURITY = reverse("account_security")
TENANT_SECURITY = "/t/acme/security/"


def enrol(client, next_url: str = ""):
    """Set up an app from the security page; return the device and the confirming answer."""
    page = f"{SECURITY}?next={next_url}" if next_url else SECURITY
    client.post(page, {"action": "start"})
    device = TOTPDevice.objects.get(confirmed=False)
    return device, client.post(page, {"action": "confirm", "code": app_code(device)})


def test_setting_up_shows_a_qr_code_and_the_secret_then_the_backup_codes_once(client, owner):
    log_in(client, owner.email)
    assert "Set up two-factor sign-in" in client.get(SECURITY).content.decode()
    assert client.post(SECURITY, {"action": "start"}).url == SECURITY
    page = client.get(SECURITY).content.decode()
    device = devices.pending_enrolment(owner)
    assert '<svg width="' in page and devices.secret_text(device) in page
    assert "cdn" not in page.lower()
    response = client.post(SECURITY, {"action": "confirm", "code": app_code(device)})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    codes = response.context["codes"]
    assert len(codes) == devices.BACKUP_CODES and all(c in response.content.decode() for c in codes)
    page = client.get(SECURITY).content.decode()
    assert "On since" in page and not any(code in page for code in codes)


def test_a_wrong_first_code_leaves_it_off(client, owner):
    log_in(client, owner.email)
    client.post(SECURITY, {"action": "start"})
    device = devices.pending_enrolment(owner)
    response = client.post(SECURITY, {"action": "confirm", "code": wrong_code(device)})
    assert "That code is not right" in response.content.decode()
    assert not devices.has_two_factor(owner)


def test_the_session_that_set_it_up_is_verified_and_goes_on_where_it_was_going(
    client, tenant, teammate
):
    tenant.require_two_factor = True
    tenant.save()
    log_in(client, teammate.email)
    _, response = enrol(client, next_url="/t/acme/customers/")
    assert 'href="/t/acme/customers/"' in response.content.decode()
    assert client.get("/t/acme/customers/").status_code == 200


def test_new_backup_codes_are_shown_once(client, owner, owners_app):
    device, old = owners_app
    log_in(client, owner.email)
    client.post(reverse("login_code"), {"code": app_code(device, 1)})
    response = client.post(SECURITY, {"action": "codes"})
    new = response.context["codes"]
    assert len(new) == devices.BACKUP_CODES and not set(new) & set(old)


def test_turning_it_off_takes_a_current_code(client, owner, owners_app):
    device, codes = owners_app
    log_in(client, owner.email)
    client.post(reverse("login_code"), {"code": codes[0]})
    refused = client.post(SECURITY, {"action": "off", "code": wrong_code(device)})
    assert "That code is not right" in refused.content.decode()
    assert devices.has_two_factor(owner)
    assert client.post(SECURITY, {"action": "off", "code": codes[1]}).url == SECURITY
    assert not devices.has_two_factor(owner)


def test_an_owner_without_an_app_cannot_require_it(client, tenant, owner):
    log_in(client, owner.email)
    response = client.post(TENANT_SECURITY, {"require_two_factor": "on"})
    assert "Set up two-factor sign-in for yourself first" in response.content.decode()
    tenant.refresh_from_db()
    assert not tenant.require_two_factor


def test_an_owner_with_an_app_requires_it_and_lifts_it(client, tenant, owner):
    log_in(client, owner.email)
    enrol(client)
    assert client.post(TENANT_SECURITY, {"require_two_factor": "on"}).url == TENANT_SECURITY
    tenant.refresh_from_db()
    assert tenant.require_two_factor
    assert "is now required" in client.get(TENANT_SECURITY).content.decode()
    client.post(TENANT_SECURITY, {})
    tenant.refresh_from_db()
    assert not tenant.require_two_factor


def test_only_the_owner_may_open_the_tenant_page(client, tenant, owner, teammate):
    log_in(client, teammate.email)
    assert client.get(TENANT_SECURITY).status_code == 403
    assert client.post(TENANT_SECURITY, {"require_two_factor": "on"}).status_code == 403
    tenant.refresh_from_db()
    assert not tenant.require_two_factor


def test_an_admin_can_remove_a_lost_app_without_seeing_its_secret(client, owner, owners_app):
    device, _ = owners_app
    User.objects.create_superuser("admin@kapittx.test", "admin-passphrase-1")
    log_in(client, "admin@kapittx.test", "admin-passphrase-1")
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not devices.has_two_factor(owner)
