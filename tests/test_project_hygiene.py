"""The tree stays lint-clean and formatted, the migrations match the models, and the lock
file pins every dependency."""

import re
import shutil
import subprocess
import sys
import tomllib
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


def test_migrations_match_models(db):
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:
        pytest.fail(f"models have changes without migrations:\n{out.getvalue()}")


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is part of the dev extra"
    result = subprocess.run(
        [ruff, "check", "."], cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    result = subprocess.run(
        [ruff, "format", "--check", "."], cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_lock_file_pins_every_dependency():
    root = Path(settings.BASE_DIR)
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    wanted = {
        _name(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    }
    pinned = {
        match[1].lower()
        for match in re.finditer(
            r"^([A-Za-z0-9_.-]+)==", (root / "requirements.lock").read_text(), re.M
        )
    }
    assert wanted <= pinned, f"not in requirements.lock (run make lock): {sorted(wanted - pinned)}"
