"""Start the web server with a Celery worker and beat beside it, for the embedded run."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping

from django.conf import settings
from django.core.management.base import BaseCommand

from reminders.tasks import all_queues

#: Where runserver listens when ``--addr`` gives a port only.
LOCAL_HOST = "127.0.0.1"


def public_url(addr: str, environ: Mapping[str, str]) -> str:
    """Return the base URL for links: ``KAPITTX_PUBLIC_URL`` when set, else the address served."""
    if explicit := environ.get("KAPITTX_PUBLIC_URL"):
        return explicit
    return f"http://{LOCAL_HOST}:{addr}" if addr.isdigit() else f"http://{addr}"


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and beat together; Ctrl-C stops all of them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, **opts) -> None:
        stop_requested = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop_requested.append(True))

        addr = opts["addr"]
        # Each child reads its settings afresh: links in messages must reach this server.
        environ = {**os.environ, "KAPITTX_PUBLIC_URL": public_url(addr, os.environ)}
        python = sys.executable
        children = {
            "worker": subprocess.Popen(
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "kapittx",
                    "worker",
                    "--beat",
                    "--pool=solo",
                    "--loglevel=warning",
                    "--schedule",
                    settings.CELERY_BEAT_SCHEDULE_FILENAME,
                    "--queues",
                    ",".join(all_queues()),
                ],
                cwd=settings.BASE_DIR,
                env=environ,
            ),
            "web server": subprocess.Popen(
                [python, "manage.py", "runserver", "--noreload", addr],
                cwd=settings.BASE_DIR,
                env=environ,
            ),
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
        # A stop request is checked first: on Ctrl-C the children get the signal too and
        # may be gone before this loop wakes up.
        while not stop_requested and ended is None:
            time.sleep(0.5)
            ended = next((name for name, c in children.items() if c.poll() is not None), None)
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        if ended is not None and not stop_requested:
            self.stderr.write(f"The {ended} stopped unexpectedly; everything was shut down.")
            sys.exit(1)
        self.stdout.write("Stopped.")
