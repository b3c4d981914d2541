import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

#: Variables of the test run that a production process would not have.
NOT_IN_PRODUCTION = {
    "DEBUG",
    "SECRET_KEY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "ANYMAIL_WEBHOOK_SECRET",
    "KAPITTX_ENCRYPTION_KEY",
    "KAPITTX_PUBLIC_URL",
}
#: What production must set besides SECRET_KEY and its host names.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-production-like-secret-key-value-0123456789",
    "ALLOWED_HOSTS": "ar.example.com",
    "ANYMAIL_WEBHOOK_SECRET": "postmark:a-long-random-webhook-password",
    "KAPITTX_ENCRYPTION_KEY": "p7_Yw8cA3yH2iQYj1cCwS0vA9u2a0b5kJxq8fGzT0mE=",
    "KAPITTX_PUBLIC_URL": "https://ar.example.com",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_deploy_check_is_clean_with_production_env(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, STATIC_ROOT=str(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("missing", "reported"),
    [
        ("ANYMAIL_WEBHOOK_SECRET", "reminders.E001"),
        ("KAPITTX_ENCRYPTION_KEY", "reminders.E003"),
        ("KAPITTX_PUBLIC_URL", "reminders.E005"),
    ],
)
def test_production_refuses_to_start_without_a_required_setting(tmp_path, missing, reported):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}

    result = _manage("check", "--deploy", "--fail-level", "ERROR", **env, STATIC_ROOT=str(tmp_path))

    assert result.returncode != 0
    assert reported in result.stderr and missing in result.stderr


def test_the_web_process_refuses_to_start_without_the_webhook_secret(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "ANYMAIL_WEBHOOK_SECRET"}
    clean = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}

    result = subprocess.run(
        [sys.executable, "-c", "import kapittx.wsgi"],
        cwd=settings.BASE_DIR,
        env={**clean, **env, "STATIC_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "Refusing to start" in result.stderr and "reminders.E001" in result.stderr


def test_the_production_start_checks_the_settings_before_anything_runs():
    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    migrate = compose[compose.index("\n  migrate:") : compose.index("\n  web:")]
    # Web, workers and beat wait for this service to succeed.
    assert "python manage.py check --deploy --fail-level ERROR\n" in migrate
    assert compose.count("condition: service_completed_successfully") == 3
    for name in ("ANYMAIL_WEBHOOK_SECRET", "KAPITTX_ENCRYPTION_KEY", "KAPITTX_PUBLIC_URL"):
        assert f"    {name}: ${{{name}:?set {name}}}\n" in compose
