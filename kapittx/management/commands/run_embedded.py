"""Start the web server with a Celery worker and beat beside it, for the embedded run."""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from reminders.tasks import all_queues


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and beat together; Ctrl-C stops all of them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, **opts) -> None:
        stop_requested = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop_requested.append(True))

        python = sys.executable
        children = {
            "worker": subprocess.Popen(
                [python, "-m", "celery", "-A", "kapittx", "worker", "--beat", "--pool=solo",
                 "--loglevel=warning", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME,
                 "--queues", ",".join(all_queues())],
                cwd=settings.BASE_DIR,
            ),
            "web server": subprocess.Popen(
                [python, "manage.py", "runserver", "--noreload", opts["addr"]],
                cwd=settings.BASE_DIR,
            ),
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"\nKapittx is running at http://{opts['addr']}/\n"
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
