"""One beat at a time: a second beat refuses to start while the first holds the lock, and
the lock is free again once the first has ended, even by SIGKILL."""

import signal

import pytest

from kapittx.beat import AdvisoryLock, BeatAlreadyRunning
from tests.workers import beat_lock_is_free, beat_runs, embedded_env, start_beat, wait_until


def test_a_second_beat_refuses_to_start_while_the_first_runs(tmp_path):
    env = embedded_env(tmp_path)
    first = start_beat(env)
    try:
        wait_until(lambda: beat_runs(tmp_path), "the first beat runs")
        assert first.poll() is None and not beat_lock_is_free(tmp_path)
        second = start_beat(env)
        output, _ = second.communicate(timeout=60)
        assert second.returncode != 0
        assert "another beat holds" in output
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
    assert beat_lock_is_free(tmp_path)


def test_beat_stopped_politely_frees_the_lock(tmp_path):
    first = start_beat(embedded_env(tmp_path))
    wait_until(lambda: beat_runs(tmp_path), "beat runs")
    first.terminate()
    first.communicate(timeout=30)
    assert beat_lock_is_free(tmp_path)


def test_on_postgresql_one_session_holds_the_lock(postgres):
    first = AdvisoryLock()
    with pytest.raises(BeatAlreadyRunning):
        AdvisoryLock()
    first.release()
    AdvisoryLock().release()
