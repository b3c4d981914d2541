"""Start the web server with a Celery worker and beat beside it, for the embedded run.

Each child leads a process group of its own, and the runner stops whole groups, so nothing
a child started outlives it: on Ctrl-C, SIGTERM or SIGHUP, and as soon as any child ends.
On Linux each child is also sent SIGTERM when the runner itself dies, even by SIGKILL.
Beat runs as a child of its own and takes the beat lock (``kapittx.beat``): a second beat
refuses to start.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping

from django.conf import settings
from django.core.management.base import BaseCommand

from reminders.tasks import all_queues

#: Where runserver listens when ``--addr`` gives a port only.
LOCAL_HOST = "127.0.0.1"
#: Seconds the children get to stop after SIGTERM, before SIGKILL.
STOP_TIMEOUT = 15
_PR_SET_PDEATHSIG = 1


def public_url(addr: str, environ: Mapping[str, str]) -> str:
    """Return the base URL for links: ``KAPITTX_PUBLIC_URL`` when set, else the address served."""
    if explicit := environ.get("KAPITTX_PUBLIC_URL"):
        return explicit
    return f"http://{LOCAL_HOST}:{addr}" if addr.isdigit() else f"http://{addr}"


def child_commands(addr: str) -> dict[str, list[str]]:
    """Return each child's command line: the worker, beat and the web server."""
    celery = [sys.executable, "-m", "celery", "-A", "kapittx"]
    return {
        "worker": [
            *celery,
            "worker",
            "--pool=solo",
            "--loglevel=warning",
            "--queues",
            ",".join(all_queues()),
        ],
        "beat": [
            *celery,
            "beat",
            "--loglevel=warning",
            "--schedule",
            settings.CELERY_BEAT_SCHEDULE_FILENAME,
        ],
        "web server": [sys.executable, "manage.py", "runserver", "--noreload", addr],
    }


def dies_with(parent: int) -> Callable[[], None]:
    """Return what a child runs before its program: end when ``parent`` ends (Linux only)."""

    def arrange() -> None:
        if sys.platform != "linux":
            return
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the runner died before the request took hold
            os._exit(1)

    return arrange


def signal_group(child: subprocess.Popen, signum: int) -> None:
    """Send ``signum`` to the child's process group: the child and all it started."""
    with contextlib.suppress(ProcessLookupError):  # the whole group has ended
        os.killpg(child.pid, signum)


def stop_all(children: Mapping[str, subprocess.Popen]) -> None:
    """Stop every child's group: SIGTERM, a grace period, then SIGKILL to what is left."""
    for child in children.values():
        signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
    for child in children.values():
        signal_group(child, signal.SIGKILL)
        child.wait()


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and beat together; Ctrl-C stops all of them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, **opts) -> None:
        stop_requested = []
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, lambda *_: stop_requested.append(True))

        addr = opts["addr"]
        # Each child reads its settings afresh: links in messages must reach this server.
        environ = {**os.environ, "KAPITTX_PUBLIC_URL": public_url(addr, os.environ)}
        children = {
            name: subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=environ,
                # A group of its own: Ctrl-C reaches the runner only, which stops each group.
                process_group=0,
                preexec_fn=dies_with(os.getpid()),
            )
            for name, command in child_commands(addr).items()
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"\nKapittx is serving {addr}.\n"
                f"Links in messages go to {environ['KAPITTX_PUBLIC_URL'].rstrip('/')} "
                "(set KAPITTX_PUBLIC_URL to change it).\n"
                "Log in as demo@example.com with password kapittx-demo.\n"
                "Press Ctrl-C to stop the web server, the worker and beat.\n"
            )
        )
        ended = None
        while not stop_requested and ended is None:
            time.sleep(0.5)
            ended = next((name for name, c in children.items() if c.poll() is not None), None)
        stop_all(children)
        if ended is not None and not stop_requested:
            self.stderr.write(f"The {ended} stopped unexpectedly; everything was shut down.")
            sys.exit(1)
        self.stdout.write("Stopped.")
