"""After the password, a user with an authenticator app gives a code before anything else,
whichever login page they used; a tenant that requires two-factor sign-in sends members
without an app to set one up, and still tells outsiders nothing."""

from django.urls import reverse

from kapittx.models import Membership, User
from kapittx.roles import Role
from tests.conftest import PASSWORD, log_in
from tests.kapittx.signin.codes import app_code, wrong_code

OVERVIEW = "/t/acme/"
CODE_PAGE = reverse("login_code")


def give_code(client, code: str, next_url: str = OVERVIEW):
    return client.post(CODE_PAGE, {"code": code, "next": next_url})


def test_a_user_with_an_app_is_asked_for_a_code_before_any_page(client, tenant, owners_app):
    assert log_in(client, "owner@acme.test")
    for path in [OVERVIEW, "/t/acme/customers/", "/tenants/", "/account/security/", "/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == f"{CODE_PAGE}?next={path}", path
    page = client.get(CODE_PAGE).content.decode()
    assert "Enter your code" in page


def test_the_code_opens_the_page_asked_for(client, tenant, owners_app):
    device, _ = owners_app
    log_in(client, "owner@acme.test")
    response = give_code(client, app_code(device, steps_ahead=1))
    assert response.status_code == 302 and response.url == OVERVIEW
    assert client.get(OVERVIEW).status_code == 200


def test_a_backup_code_opens_it_too(client, tenant, owners_app):
    _, codes = owners_app
    log_in(client, "owner@acme.test")
    assert give_code(client, codes[3]).url == OVERVIEW
    assert client.get(OVERVIEW).status_code == 200


def test_a_wrong_code_keeps_the_gate_shut(client, tenant, owners_app):
    device, _ = owners_app
    log_in(client, "owner@acme.test")
    response = give_code(client, wrong_code(device))
    assert response.status_code == 200 and "That code is not right" in response.content.decode()
    assert client.get(OVERVIEW).status_code == 302
    paused = give_code(client, app_code(device, steps_ahead=1)).content.decode()
    assert "Too many wrong codes: try again after" in paused


def test_the_next_page_must_be_on_this_site(client, tenant, owners_app):
    device, _ = owners_app
    log_in(client, "owner@acme.test")
    assert give_code(client, app_code(device, 1), "https://evil.example/").url == "/"


def test_a_user_without_an_app_goes_straight_in(client, tenant, owner):
    log_in(client, owner.email)
    assert client.get(OVERVIEW).status_code == 200
    assert client.get(CODE_PAGE).url == "/"


def test_the_admin_login_also_asks_for_the_code(client, tenant, owners_app):
    User.objects.filter(email="owner@acme.test").update(is_staff=True, is_superuser=True)
    client.post("/admin/login/", {"username": "owner@acme.test", "password": PASSWORD})
    assert "_auth_user_id" in client.session
    response = client.get("/admin/")
    assert response.url == f"{CODE_PAGE}?next=/admin/"


def test_logging_out_and_password_reset_stay_open(client, tenant, owners_app):
    log_in(client, "owner@acme.test")
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.post(reverse("logout")).url == reverse("login")
    assert "_auth_user_id" not in client.session


def require_two_factor(tenant) -> None:
    tenant.require_two_factor = True
    tenant.save()


def test_a_tenant_requiring_it_sends_a_member_without_an_app_to_set_one_up(
    client, tenant, teammate
):
    require_two_factor(tenant)
    log_in(client, teammate.email)
    response = client.get("/t/acme/customers/")
    assert response.url == f"{reverse('account_security')}?next=/t/acme/customers/"
    page = client.get(response.url).content.decode()
    assert "Acme Trading requires two-factor sign-in" in page
    assert client.get("/t/acme/reminders/outbox/").status_code == 302


def test_a_member_with_a_confirmed_app_goes_in(client, tenant, owners_app):
    require_two_factor(tenant)
    device, _ = owners_app
    log_in(client, "owner@acme.test")
    give_code(client, app_code(device, steps_ahead=1))
    assert client.get("/t/acme/customers/").status_code == 200


def test_an_outsider_still_gets_404_from_a_tenant_requiring_it(client, tenant, outsider):
    require_two_factor(tenant)
    log_in(client, outsider.email)
    assert client.get(OVERVIEW).status_code == 404
    assert client.get("/t/globex/").status_code == 200


def test_only_the_tenant_requiring_it_asks(client, tenant, other_tenant, teammate):
    Membership.objects.create(tenant=other_tenant, user=teammate, role=Role.VIEWER)
    require_two_factor(tenant)
    log_in(client, teammate.email)
    assert client.get("/t/globex/").status_code == 200
    assert client.get(OVERVIEW).status_code == 302
