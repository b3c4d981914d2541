"""Real Celery worker processes for tests, pointed at the test database."""

import os
import subprocess
import sys

from django.conf import settings
from django.db import connection


def database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def start_worker(env: dict[str, str], *, name: str = "w1", queues: str = "") -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "kapittx",
        "worker",
        "--pool=solo",
        "--loglevel=warning",
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"{name}@%h",
    ]
    if queues:
        command += ["--queues", queues]
    return subprocess.Popen(
        command, cwd=settings.BASE_DIR, env={**os.environ, "DATABASE_URL": database_url(), **env}
    )


def stop(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
