"""Beat, the minute tick, runs once: a second beat refuses to start while one runs.

The lock lives where every beat of a deployment can see it and where it dies with its
holder: on PostgreSQL a session advisory lock on a connection of beat's own (released
when that connection closes, however beat ends); on the embedded SQLite database an
exclusive ``flock`` on a file beside the database file (released by the kernel when the
process ends), since every process using that file runs on the same machine.
"""

import fcntl
import zlib
from pathlib import Path

from celery.beat import PersistentScheduler
from django.conf import settings
from django.db import connections

#: The advisory lock's key: any fixed 64-bit number the application uses for nothing else.
ADVISORY_KEY = zlib.crc32(b"kapittx.beat")


class BeatAlreadyRunning(RuntimeError):
    """Another beat holds the lock."""


class FileLock:
    """An exclusive ``flock`` on ``path``, held until released or the process ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("a+")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            raise BeatAlreadyRunning(f"another beat holds {path}") from None

    def release(self) -> None:
        fcntl.flock(self._file, fcntl.LOCK_UN)
        self._file.close()


class AdvisoryLock:
    """A PostgreSQL session advisory lock, on a connection kept open for it alone."""

    def __init__(self, alias: str = "default") -> None:
        self._connection = connections.create_connection(alias)
        with self._connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
            (held,) = cursor.fetchone()
        if not held:
            self._connection.close()
            raise BeatAlreadyRunning("another beat holds the database's beat lock")

    def release(self) -> None:
        # Closing the session releases its advisory locks.
        self._connection.close()


def hold_beat_lock() -> FileLock | AdvisoryLock:
    """Take the one beat lock of this database, or raise BeatAlreadyRunning."""
    if connections["default"].vendor == "postgresql":
        return AdvisoryLock()
    return FileLock(Path(f"{settings.DATABASES['default']['NAME']}.beat.lock"))


class SingleBeatScheduler(PersistentScheduler):
    """Celery's file-backed scheduler, run by one beat at a time (``beat_scheduler``)."""

    def __init__(self, *args, **kwargs) -> None:
        # Beat also builds a lazy scheduler, only to print its banner; that one runs nothing.
        self._beat_lock = None if kwargs.get("lazy") else hold_beat_lock()
        super().__init__(*args, **kwargs)

    def close(self) -> None:
        super().close()
        if self._beat_lock is not None:
            self._beat_lock.release()
            self._beat_lock = None
