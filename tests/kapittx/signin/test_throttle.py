"""Wrong passwords are counted per user and address and per address; past the limit signing
in is paused, with the right password too, on the app's and the admin's login page alike,
until the cool-off ends. Every attempt stays on record for the admin."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import RequestFactory
from django.urls import reverse

from kapittx.models import User
from kapittx.signin.throttle import client_address
from tests.conftest import PASSWORD

WRONG = "not-the-password"
LOGIN = reverse("login")
ADMIN_LOGIN = "/admin/login/"


def try_password(client, email: str, password: str, page: str = LOGIN, address="127.0.0.1"):
    return client.post(page, {"username": email, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_sixth_try_is_locked_out_even_with_the_right_password(client, owner):
    answers = [try_password(client, owner.email, WRONG).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    response = try_password(client, owner.email, PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "Sign-in paused" in page and "Try again after" in page
    assert reverse("password_reset") in page


def test_the_admin_login_is_locked_out_likewise(client, db):
    staff = User.objects.create_superuser("admin@kapittx.test", PASSWORD)
    for _ in range(5):
        try_password(client, staff.email, WRONG, ADMIN_LOGIN)
    response = try_password(client, staff.email, PASSWORD, ADMIN_LOGIN)
    assert response.status_code == 429 and "Sign-in paused" in response.content.decode()
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, owner, settings):
    for _ in range(5):
        try_password(client, owner.email, WRONG)
    assert try_password(client, owner.email, PASSWORD).status_code == 429
    # The cool-off counts from the last attempt: move every attempt back past it.
    past = settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - past)
    response = try_password(client, owner.email, PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_four_wrong_passwords_still_let_the_right_one_in(client, owner):
    for _ in range(4):
        try_password(client, owner.email, WRONG)
    assert try_password(client, owner.email, PASSWORD).status_code == 302


def test_changing_the_case_of_the_email_is_the_same_user(client, owner):
    for typed in ["owner@acme.test", "OWNER@acme.test", "Owner@Acme.Test", " owner@acme.test"]:
        try_password(client, typed, WRONG)
    try_password(client, "oWnEr@acme.test", WRONG)
    assert try_password(client, owner.email, PASSWORD).status_code == 429


def test_the_user_is_not_locked_out_from_another_address(client, owner):
    for _ in range(5):
        try_password(client, owner.email, WRONG, address="203.0.113.9")
    assert try_password(client, owner.email, PASSWORD, address="198.51.100.7").status_code == 302


def test_an_address_trying_many_users_is_locked_out_at_its_own_limit(client, owner, settings):
    assert settings.KAPITTX_LOGIN_ADDRESS_FAILURE_LIMIT == 20
    for n in range(19):  # four wrong passwords each for five users, less one
        try_password(client, f"user{n % 5}@acme.test", WRONG)
    assert try_password(client, owner.email, PASSWORD).status_code == 302
    client.logout()
    try_password(client, "user4@acme.test", WRONG)
    assert try_password(client, owner.email, PASSWORD).status_code == 429


def test_every_attempt_is_on_record_for_the_admin(client, owner, db):
    try_password(client, owner.email, WRONG)
    try_password(client, owner.email, PASSWORD)
    failure = AccessFailureLog.objects.get()
    assert (failure.username, failure.ip_address) == (owner.email, "127.0.0.1")
    assert AccessLog.objects.get().username == owner.email
    assert "not-the-password" not in AccessAttempt.objects.get().post_data
    client.logout()
    User.objects.create_superuser("admin@kapittx.test", PASSWORD)
    try_password(client, "admin@kapittx.test", PASSWORD, ADMIN_LOGIN)
    for model in ("accessattempt", "accessfailurelog", "accesslog"):
        page = client.get(f"/admin/axes/{model}/")
        assert page.status_code == 200 and owner.email in page.content.decode()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.1"),  # no proxy: the header is the client's own word
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the left entry was forged
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (2, "198.51.100.7", "10.0.0.1"),  # fewer hops than proxies: not trusted
    ],
)
def test_the_client_address_is_taken_from_the_trusted_proxies_only(
    settings, proxies, forwarded, expected
):
    settings.KAPITTX_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
