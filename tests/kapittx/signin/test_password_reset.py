"""Password reset by email: the link sets a new password once and expires; an unknown
address gets the same answer and no mail; requests are throttled; a reset ends a lockout."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD, log_in

NEW_PASSWORD = "a-new-and-long-passphrase"
RESET = reverse("password_reset")


def ask_for_link(client, email: str, address: str = "127.0.0.1"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def link_in(message) -> str:
    [link] = re.findall(r"https?://\S+", message.body)
    return link


def emailed_path() -> str:
    """Return the path of the link in the one reset mail sent."""
    [message] = mail.outbox
    return urlsplit(link_in(message)).path


def set_password(client, link: str, password: str = NEW_PASSWORD):
    """Open the emailed link and choose ``password``; return the last answer."""
    form = client.get(link, follow=True)
    return client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": password, "new_password2": password},
    )


def test_the_login_page_links_to_password_reset(client, db):
    assert f'href="{RESET}"' in client.get(reverse("login")).content.decode()


def test_a_known_address_gets_a_link_that_sets_a_new_password(client, owner, settings):
    settings.KAPITTX_PUBLIC_URL = "https://ar.example.com"
    response = ask_for_link(client, "Owner@Acme.test")
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    [message] = mail.outbox
    assert message.to == [owner.email]
    link = link_in(message)
    assert link.startswith("https://ar.example.com/password-reset/")
    response = set_password(client, link.removeprefix("https://ar.example.com"))
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    assert not log_in(client, owner.email, PASSWORD)
    assert log_in(client, owner.email, NEW_PASSWORD)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, owner):
    known = ask_for_link(client, owner.email)
    unknown = ask_for_link(client, "nobody@acme.test")
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_the_link_works_once(client, owner):
    ask_for_link(client, owner.email)
    link = emailed_path()
    assert set_password(client, link).status_code == 302
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_the_link_expires(client, owner, settings, monkeypatch):
    ask_for_link(client, owner.email)
    link = emailed_path()
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    page = client.get(link, follow=True).content.decode()
    assert "This link no longer works" in page
    assert log_in(client, owner.email, PASSWORD)


def test_one_address_asking_too_often_is_told_to_wait(client, owner, settings):
    limit = settings.KAPITTX_RESET_REQUESTS_PER_ADDRESS
    answers = [ask_for_link(client, f"x{n}@acme.test").status_code for n in range(limit)]
    assert answers == [302] * limit
    response = ask_for_link(client, owner.email)
    assert response.status_code == 429
    assert "Too many reset requests" in response.content.decode()
    assert mail.outbox == []
    assert ask_for_link(client, owner.email, address="198.51.100.7").status_code == 302


def test_one_inbox_gets_a_few_mails_an_hour_and_the_same_answer_after(client, owner, settings):
    limit = settings.KAPITTX_RESET_REQUESTS_PER_EMAIL
    answers = {
        ask_for_link(client, owner.email, address=f"198.51.100.{n}").url for n in range(limit + 2)
    }
    assert answers == {reverse("password_reset_done")}
    assert len(mail.outbox) == limit


def test_a_reset_ends_the_lockout_of_that_account(client, owner):
    for _ in range(5):
        client.post(reverse("login"), {"username": owner.email, "password": "wrong"})
    assert not log_in(client, owner.email, PASSWORD)
    ask_for_link(client, owner.email)
    set_password(client, emailed_path())
    assert log_in(client, owner.email, NEW_PASSWORD)


@pytest.mark.parametrize("page", ["password_reset", "password_reset_done"])
def test_the_reset_pages_look_like_the_login_page(client, db, page):
    html = client.get(reverse(page)).content.decode()
    assert 'class="card narrow"' in html and "kapittx/app.css" in html
