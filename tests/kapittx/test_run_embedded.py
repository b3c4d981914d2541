"""The embedded run: the web server, the worker and beat it starts link to the address it
serves, each in a process group of its own that the runner stops as a whole."""

import os
import signal
import socket
import subprocess
import sys
import time
from io import StringIO
from typing import ClassVar

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.workers import (
    beat_lock_is_free,
    beat_runs,
    descendants,
    embedded_env,
    is_running,
    wait_until,
)


class FakeChild:
    """A child process that records how it was started and has already ended."""

    started: ClassVar[list["FakeChild"]] = []
    signalled: ClassVar[list[tuple[int, int]]] = []

    def __init__(self, args: list[str], **kwargs) -> None:
        self.args, self.env, self.kwargs = args, kwargs.get("env"), kwargs
        self.pid = 90000 + len(self.started)
        self.started.append(self)

    def poll(self) -> int:
        return 0

    def wait(self, timeout: float | None = None) -> int:
        return 0


@pytest.fixture
def children(monkeypatch) -> list[FakeChild]:
    FakeChild.started, FakeChild.signalled = [], []
    monkeypatch.setattr(subprocess, "Popen", FakeChild)
    monkeypatch.setattr(
        os, "killpg", lambda pgid, signum: FakeChild.signalled.append((pgid, signum))
    )
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    # The command handles Ctrl-C itself; the test run keeps its own handlers.
    monkeypatch.setattr(signal, "signal", lambda signum, handler: None)
    monkeypatch.delenv("KAPITTX_PUBLIC_URL", raising=False)
    return FakeChild.started


def run_embedded(*args: str) -> str:
    """Run the command until its (fake) children end; return what it printed."""
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("run_embedded", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def public_urls(children: list[FakeChild]) -> dict[str, str]:
    names = {"runserver": "web", "worker": "worker", "beat": "beat"}
    return {
        next(names[word] for word in child.args if word in names): (child.env or {}).get(
            "KAPITTX_PUBLIC_URL", ""
        )
        for child in children
    }


def test_the_children_link_to_the_address_served(children):
    printed = run_embedded("--addr", "0.0.0.0:9000")
    assert public_urls(children) == {
        "web": "http://0.0.0.0:9000",
        "worker": "http://0.0.0.0:9000",
        "beat": "http://0.0.0.0:9000",
    }
    web = next(child for child in children if "runserver" in child.args)
    assert web.args[-1] == "0.0.0.0:9000"
    assert "Links in messages go to http://0.0.0.0:9000" in printed


def test_the_default_address_is_the_default_url(children):
    run_embedded()
    assert set(public_urls(children).values()) == {"http://127.0.0.1:8000"}


def test_a_port_alone_is_served_on_the_local_address(children):
    run_embedded("--addr", "9001")
    assert set(public_urls(children).values()) == {"http://127.0.0.1:9001"}


def test_an_explicit_public_url_wins(children, monkeypatch):
    monkeypatch.setenv("KAPITTX_PUBLIC_URL", "https://ar.example.com/")
    printed = run_embedded("--addr", "0.0.0.0:9000")
    assert set(public_urls(children).values()) == {"https://ar.example.com/"}
    assert "Links in messages go to https://ar.example.com " in printed


def test_the_children_keep_the_rest_of_the_environment(children, monkeypatch):
    monkeypatch.setenv("KAPITTX_TEST_MARKER", "kept")
    run_embedded("--addr", "127.0.0.1:9002")
    assert all(child.env["KAPITTX_TEST_MARKER"] == "kept" for child in children)


def test_each_child_leads_a_group_of_its_own_and_every_group_is_stopped(children):
    run_embedded()
    assert len(children) == 3
    assert all(child.kwargs["process_group"] == 0 for child in children)
    assert {pgid for pgid, _ in FakeChild.signalled} == {child.pid for child in children}
    assert {signum for _, signum in FakeChild.signalled} == {signal.SIGTERM, signal.SIGKILL}


def test_beat_runs_apart_from_the_worker(children):
    run_embedded()
    worker, beat = (next(c for c in children if word in c.args) for word in ("worker", "beat"))
    assert "--beat" not in worker.args and "-B" not in worker.args
    assert beat.args[beat.args.index("--schedule") + 1].endswith("celerybeat-schedule")


# The real runner, its children and what is left of them after a kill.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def runner(tmp_path):
    """A real ``run_embedded`` with a database and broker of its own; yield it and every
    process below it once beat holds the lock."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_embedded", "--addr", str(free_port())],
        cwd=settings.BASE_DIR,
        env={**os.environ, **embedded_env(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children = {}
    try:
        wait_until(lambda: beat_runs(tmp_path), "beat runs")
        children = descendants(process.pid)
        yield process, children
    finally:
        for pid in [process.pid, *children]:  # whatever a failed test left running
            if is_running(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=30)


def started_by(process: subprocess.Popen, word: str) -> int:
    """Return the runner's own child whose command has ``word`` (not that child's children)."""
    own = descendants(process.pid, depth=1)
    [pid] = [pid for pid, command in own.items() if f" {word} " in f"{command} "]
    return pid


def test_killing_the_worker_stops_beat_and_the_web_server(runner, tmp_path):
    process, children = runner
    assert "runserver" in " ".join(children.values())
    os.kill(started_by(process, "worker"), signal.SIGKILL)
    assert process.wait(timeout=60) == 1
    wait_until(lambda: not any(map(is_running, children)), "every child has ended", 30)
    assert beat_lock_is_free(tmp_path)


def test_killing_the_runner_stops_everything_it_started(runner, tmp_path):
    process, children = runner
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    wait_until(lambda: not any(map(is_running, children)), "every child has ended", 30)
    assert beat_lock_is_free(tmp_path)


def test_the_runner_stops_everything_on_sigterm(runner, tmp_path):
    process, children = runner
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    assert not any(map(is_running, children))
