"""Start the web server with a Celery worker and beat beside it, for the embedded run."""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and beat together; Ctrl-C stops all of them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, **opts) -> None:
        python = sys.executable
        worker = subprocess.Popen(
            [python, "-m", "celery", "-A", "kapittx", "worker", "--beat", "--pool=solo",
             "--loglevel=warning", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME],
        )
        web = subprocess.Popen(
            [python, "manage.py", "runserver", "--noreload", opts["addr"]],
            cwd=settings.BASE_DIR,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"\nKapittx is running at http://{opts['addr']}/\n"
                "Log in as demo@example.com with password kapittx-demo.\n"
                "Press Ctrl-C to stop the web server, the worker and beat.\n"
            )
        )
        children = {"web server": web, "worker": worker}
        ended = None
        try:
            while ended is None:
                time.sleep(0.5)
                ended = next((n for n, c in children.items() if c.poll() is not None), None)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children.values():
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        if ended is not None:
            self.stderr.write(f"The {ended} stopped unexpectedly; everything was shut down.")
            sys.exit(1)
