"""Real Celery worker and beat processes for tests, and what became of them."""

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

from kapittx.beat import BeatAlreadyRunning, FileLock


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


def start_beat(env: dict[str, str]) -> subprocess.Popen:
    """Start ``celery beat`` as production does; its output is kept for the test to read."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kapittx", "beat", "--loglevel=info"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stat(pid: int) -> list[str] | None:
    """Return the fields of /proc/<pid>/stat after the command name, or None."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def is_running(pid: int) -> bool:
    """Return whether ``pid`` is a live process (a zombie has ended)."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def descendants(pid: int, depth: int | None = None) -> dict[int, str]:
    """Return the live processes below ``pid`` (down to ``depth`` levels), with their
    command lines."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) and fields[0] != "Z":
            parents[int(entry)] = int(fields[1])
    found, frontier = {}, [(pid, 0)]
    while frontier:
        parent, level = frontier.pop()
        if depth is not None and level >= depth:
            continue
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                try:
                    with open(f"/proc/{child}/cmdline", "rb") as cmdline:
                        found[child] = cmdline.read().replace(b"\0", b" ").decode()
                except FileNotFoundError:  # it ended meanwhile
                    continue
                frontier.append((child, level + 1))
    return found


def embedded_env(folder: Path) -> dict[str, str]:
    """Settings of an embedded run of its own: SQLite database and broker under ``folder``."""
    return {
        "KAPITTX_VAR_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'kapittx.sqlite3'}",
        "CELERY_BROKER_URL": "filesystem://",
        "REDIS_URL": "",
    }


def beat_runs(folder: Path) -> bool:
    """Return whether beat holds the lock of the embedded run in ``folder``: it opens the
    schedule file only once it does."""
    return any(folder.glob("celerybeat-schedule*"))


def beat_lock_is_free(folder: Path) -> bool:
    try:
        FileLock(folder / "kapittx.sqlite3.beat.lock").release()
    except BeatAlreadyRunning:
        return False
    return True


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.2)
