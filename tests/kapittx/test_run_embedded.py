"""The embedded run: the web server and the worker it starts link to the address it serves."""

import signal
import subprocess
import time
from io import StringIO
from typing import ClassVar

import pytest
from django.core.management import call_command


class FakeChild:
    """A child process that records how it was started and has already ended."""

    started: ClassVar[list["FakeChild"]] = []

    def __init__(self, args: list[str], **kwargs) -> None:
        self.args, self.env = args, kwargs.get("env")
        self.started.append(self)

    def poll(self) -> int:
        return 0

    def send_signal(self, signum: int) -> None:
        raise AssertionError("an ended child gets no signal")

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def kill(self) -> None:
        raise AssertionError("an ended child is not killed")


@pytest.fixture
def children(monkeypatch) -> list[FakeChild]:
    FakeChild.started = []
    monkeypatch.setattr(subprocess, "Popen", FakeChild)
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
    names = {"runserver": "web", "celery": "worker"}
    return {
        next(names[word] for word in child.args if word in names): (child.env or {}).get(
            "KAPITTX_PUBLIC_URL", ""
        )
        for child in children
    }


def test_the_children_link_to_the_address_served(children):
    printed = run_embedded("--addr", "0.0.0.0:9000")
    assert public_urls(children) == {"web": "http://0.0.0.0:9000", "worker": "http://0.0.0.0:9000"}
    web = next(child for child in children if "runserver" in child.args)
    assert web.args[-1] == "0.0.0.0:9000"
    assert "Links in messages go to http://0.0.0.0:9000" in printed


def test_the_default_address_is_the_default_url(children):
    run_embedded()
    assert public_urls(children) == {
        "web": "http://127.0.0.1:8000",
        "worker": "http://127.0.0.1:8000",
    }


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
