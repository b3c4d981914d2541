"""Bulk writes sent while the caller goes on checking the next rows.

An import spends about as long in Python, checking and building rows, as PostgreSQL spends
writing them; done one after the other, each waits for the other while the machine has a
core for both. Inside ``write_behind()``, the statements of ``kapittx.bulk``, and those sent
through ``execute`` (whose result nothing reads), are queued for a thread of their own that
runs them one by one over the same connection, and so in the same transaction, while the
caller goes on. Any other statement on the connection (the ORM's, a cursor's) first waits for
every statement queued, as does leaving the block. Statements therefore run in the order they
were issued, and an error in one is raised in the caller at the next of those points, where
the transaction rolls back as usual. Only a statement that depends on no write, sent through
``read_ahead`` (new keys from a sequence), waits just for the one in flight.

Foreign keys are checked at the end of each queued statement (``SET CONSTRAINTS ALL
IMMEDIATE`` around it) rather than all together at commit, so that their checks, too, run
while the caller works. Rows written inside the block must therefore follow their parents.

Elsewhere than PostgreSQL, statements run at once, as outside the block.
"""

import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress

from django.db import connection

_IMMEDIATE = "SET CONSTRAINTS ALL IMMEDIATE"
_DEFERRED = "SET CONSTRAINTS ALL DEFERRED"
#: Statements queued at most; the caller waits for the oldest beyond them.
QUEUED = 8


class _Behind:
    """The statements sent on one connection and not yet known to be done, and the thread
    that sends them, in order."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.raw = connection.connection
        # Taken here: ``connection`` names another thread's connection on the thread.
        self.errors = connection.wrap_database_errors
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="write-behind")
        self.pending: list[tuple[str, Future]] = []
        self.failed = False

    def send(self, sql: str, params: list) -> None:
        if len(self.pending) >= QUEUED:  # the caller is ahead: keep what it holds bounded
            self._wait_for(self.pending.pop(0))
        self.pending.append((sql, self.thread.submit(self._execute, sql, params)))

    def read_ahead(self, sql: str, params: list) -> list[tuple]:
        started = time.perf_counter()
        try:
            # Here the connection is shared with the thread, each statement in turn.
            with self.errors, self.raw.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
        except Exception:
            self.wait()  # a queued statement failed first, aborting the transaction: its error
            raise
        self._log(sql, time.perf_counter() - started)
        return rows

    def _execute(self, sql: str, params: list) -> float | None:
        if self.failed:  # the transaction is aborted: the error raised is the first one's
            return None
        started = time.perf_counter()
        try:
            with self.errors, self.raw.cursor() as cursor:
                cursor.execute(f"{_IMMEDIATE}; {sql}; {_DEFERRED}", params)
        except BaseException:
            self.failed = True
            raise
        return time.perf_counter() - started

    def wait(self) -> None:
        """Return once every statement sent is done; raise the error of the first that
        failed."""
        pending, self.pending = self.pending, []
        error = None
        for sent in pending:
            try:
                self._wait_for(sent)
            except Exception as exc:
                error = error or exc
        if error is not None:
            raise error

    def _wait_for(self, sent: tuple[str, Future]) -> None:
        sql, done = sent
        elapsed = done.result()
        if elapsed is not None:
            self._log(sql, elapsed)

    @staticmethod
    def _log(sql: str, elapsed: float) -> None:
        if connection.queries_logged:
            connection.queries_log.append({"sql": sql, "time": f"{elapsed:.3f}"})

    def settle(self) -> None:
        """Return once every statement sent is done, whatever became of them (the block is
        failing already, and its transaction will roll back)."""
        with suppress(Exception):  # the block's own error is the one to raise
            self.wait()

    def before_statement(self, execute, sql, params, many, context):
        self.wait()
        return execute(sql, params, many, context)


_local = threading.local()


def active() -> _Behind | None:
    """The write-behind of the block the caller is in, if any."""
    return getattr(_local, "behind", None)


def execute(sql: str, params: list) -> None:
    """Execute a statement whose result nothing reads: at once, or inside a block in the
    background."""
    behind = active()
    if behind is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    else:
        behind.send(sql, params)


def read_ahead(sql: str, params: list) -> list[tuple]:
    """Run a statement that depends on no write (taking a sequence's next values) and return
    its rows: inside a block, as soon as the statement in flight is done, ahead of those
    queued."""
    behind = active()
    if behind is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    return behind.read_ahead(sql, params)


@contextmanager
def write_behind() -> Iterator[None]:
    """Send ``kapittx.bulk``'s statements in the background until the block ends (within a
    transaction, on PostgreSQL); a block inside another shares it."""
    if active() is not None or connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("write_behind() needs a transaction: open one with atomic() first")
    behind = _local.behind = _Behind()
    try:
        with connection.execute_wrapper(behind.before_statement):
            try:
                yield
            except BaseException:
                behind.settle()
                raise
            behind.wait()
    finally:
        _local.behind = None
        behind.thread.shutdown(wait=True)
