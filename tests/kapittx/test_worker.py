"""A real Celery worker process handles the beat tick, on Redis and on the embedded broker."""

import subprocess
import time

import pytest

from kapittx.celery import app
from kapittx.models import WorkerHeartbeat
from tests.workers import start_worker, stop

pytestmark = pytest.mark.services


def _wait_for_heartbeat(worker: subprocess.Popen, timeout: float = 60) -> WorkerHeartbeat:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        beat = WorkerHeartbeat.objects.first()
        if beat is not None:
            return beat
        assert worker.poll() is None, "the worker exited"
        time.sleep(0.3)
    raise AssertionError("no worker handled the tick in time")


def test_worker_on_redis_records_the_tick(postgres, redis_url, transactional_db):
    worker = start_worker({"REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url})
    try:
        with app.connection_for_write(redis_url) as conn:
            app.send_task("kapittx.tasks.tick", connection=conn)
        beat = _wait_for_heartbeat(worker)
    finally:
        stop(worker)
    assert beat.name.startswith("celery@")


def test_worker_on_embedded_broker_records_the_tick(postgres, transactional_db, tmp_path):
    env = {"KAPITTX_VAR_DIR": str(tmp_path), "CELERY_BROKER_URL": "filesystem://", "REDIS_URL": ""}
    worker = start_worker(env)
    try:
        folder = tmp_path / "broker"
        folder.mkdir(exist_ok=True)
        with app.connection_for_write("filesystem://") as conn:
            conn.transport_options.update(
                data_folder_in=str(folder),
                data_folder_out=str(folder),
                control_folder=str(tmp_path / "broker-control"),
            )
            app.send_task("kapittx.tasks.tick", connection=conn)
        beat = _wait_for_heartbeat(worker)
    finally:
        stop(worker)
    assert beat.name.startswith("celery@")
