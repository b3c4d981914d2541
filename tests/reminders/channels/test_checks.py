"""The system checks production must pass: the platform's webhook password, a credential key
of its own, an https public address; the embedded run needs none of them."""

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks

KEY = Fernet.generate_key().decode()


def reported(settings, *, debug: bool = False, **changes) -> set[str]:
    production = {
        "ANYMAIL": {"WEBHOOK_SECRET": "postmark:a-long-random-webhook-password"},
        "KAPITTX_ENCRYPTION_KEY": KEY,
        "KAPITTX_PUBLIC_URL": "https://ar.example.com",
        "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
    }
    for name, value in {**production, **changes, "DEBUG": debug}.items():
        setattr(settings, name, value)
    return {m.id for m in run_checks(tags=["security"]) if m.id.startswith("reminders.")}


def test_production_settings_pass(settings):
    assert reported(settings) == set()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"ANYMAIL": {}}, "reminders.E001"),
        ({"ANYMAIL": {"WEBHOOK_SECRET": ["no-colon-here"]}}, "reminders.E002"),
        ({"KAPITTX_ENCRYPTION_KEY": ""}, "reminders.E003"),
        ({"KAPITTX_ENCRYPTION_KEY": f"{KEY},not-a-key"}, "reminders.E004"),
        ({"KAPITTX_PUBLIC_URL": "http://127.0.0.1:8000"}, "reminders.E005"),
    ],
)
def test_production_without_a_required_setting_fails_the_checks(settings, changes, problem):
    assert reported(settings, **changes) == {problem}


def test_the_embedded_run_needs_none_of_them(settings):
    assert (
        reported(
            settings,
            debug=True,
            ANYMAIL={},
            KAPITTX_ENCRYPTION_KEY="",
            KAPITTX_PUBLIC_URL="http://127.0.0.1:8000",
        )
        == set()
    )


def test_a_malformed_key_is_an_error_even_in_the_embedded_run(settings):
    assert reported(settings, debug=True, KAPITTX_ENCRYPTION_KEY="nope") == {"reminders.E004"}


def test_a_platform_esp_that_signs_its_reports_wants_its_key(settings):
    mailgun = "anymail.backends.mailgun.EmailBackend"
    assert reported(settings, EMAIL_BACKEND=mailgun) == {"reminders.W001"}
    signed = {"WEBHOOK_SECRET": "mg:pw", "MAILGUN_WEBHOOK_SIGNING_KEY": "key"}
    assert reported(settings, EMAIL_BACKEND=mailgun, ANYMAIL=signed) == set()
