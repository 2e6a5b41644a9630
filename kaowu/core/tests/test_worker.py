"""`kaowu worker` as a process: a job it was running when it was killed (-9) ends up failed and can be run
again; a worker whose database connection is cut goes on running new jobs."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.db.utils import OperationalError
from django_tasks_db.models import DBTaskResult

from kaowu.core import worker as worker_module
from kaowu.core.jobs import JOB_INTERRUPTED, JOB_INTERRUPTED_MESSAGE, job_start, job_status
from kaowu.core.models import JobProgress
from kaowu.core.tests.tasks import wait_for_release

HEARTBEAT, STALE = 0.2, 1.5


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def worker_process():
    """A real `kaowu worker` on the test database, beating every HEARTBEAT seconds."""
    env = {**os.environ, "DATABASE_URL": database_url(), "KAOWU_JOB_HEARTBEAT_SECONDS": str(HEARTBEAT),
           "KAOWU_JOB_STALE_SECONDS": str(STALE)}
    process = subprocess.Popen(
        [sys.executable, "-m", "kaowu.cli", "worker", "--no-startup-delay", "--interval", "0.1", "--no-reload"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stdout.close()


def wait_until(condition, *, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def task_status(job: JobProgress) -> str:
    return DBTaskResult.objects.filter(pk=job.task_id).values_list("status", flat=True).get()


@pytest.mark.django_db(transaction=True)
def test_a_job_of_a_worker_killed_mid_write_is_failed_and_runs_again(login, institution_clerk, settings,
                                                                     tmp_path):
    settings.KAOWU_JOB_STALE_SECONDS = STALE
    release = tmp_path / "go"
    client = login(institution_clerk)
    job = job_start(task=wait_for_release, title="测试导入", owner=institution_clerk, total=2, release=str(release))
    with worker_process() as first:
        wait_until(lambda: JobProgress.objects.filter(pk=job.pk, message="正在写入数据库").exists(),
                   what="the job to start writing")
        started_at = DBTaskResult.objects.get(pk=job.task_id).started_at
        # The live worker keeps the job alive well past the stale time.
        wait_until(lambda: (JobProgress.objects.get(pk=job.pk).heartbeat_at or started_at) - started_at
                   > timedelta(seconds=2 * STALE), what="heartbeats past the stale time")
        job.refresh_from_db()
        assert job_status(job) == "RUNNING"
        assert "执行中" in client.get(f"/tasks/{job.task_id}/progress/").content.decode()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

    def failed_page():
        text = client.get(f"/tasks/{job.task_id}/progress/").content.decode()
        return text if "执行失败" in text else None

    page = wait_until(failed_page, what="the page to show the job failed")
    assert JOB_INTERRUPTED_MESSAGE in page and "重新运行" in page and "hx-trigger" not in page

    with worker_process():
        # The next worker records the failure at start-up.
        wait_until(lambda: DBTaskResult.objects.filter(pk=job.task_id, status="FAILED",
                                                       exception_class_path=JOB_INTERRUPTED).exists(),
                   what="the new worker to mark the job failed")
        release.touch()
        response = client.post(f"/tasks/{job.task_id}/rerun/", {"next": f"/tasks/{job.task_id}/"})
        again = JobProgress.objects.exclude(pk=job.pk).get()
        assert response["Location"] == f"/tasks/{again.task_id}/"
        wait_until(lambda: task_status(again) == "SUCCESSFUL", what="the rerun to finish")
    assert "已完成" in client.get(f"/tasks/{again.task_id}/progress/").content.decode()


def other_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates the worker's PostgreSQL backend")
@pytest.mark.django_db(transaction=True)
def test_a_worker_whose_connection_is_terminated_reconnects_and_runs_the_next_job(institution_clerk, tmp_path):
    (tmp_path / "go").touch()

    def job():
        return job_start(task=wait_for_release, title="测试", owner=institution_clerk, release=str(tmp_path / "go"))

    with worker_process() as process:
        first = job()
        wait_until(lambda: task_status(first) == "SUCCESSFUL", what="the first job")
        pids = wait_until(other_backends, what="the worker's connection")
        with connection.cursor() as cursor:  # what a database restart does to the worker's sessions
            for pid in pids:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        second = job()
        wait_until(lambda: task_status(second) == "SUCCESSFUL", what="the job after the connection was cut")
        assert process.poll() is None, process.stdout.read()


def test_the_worker_survives_a_lost_connection_and_marks_the_job_it_lost(monkeypatch):
    """Unit level (any database): the first pass of the loop loses the connection while a job runs."""
    calls = []

    def loop(self):
        calls.append("run")
        if len(calls) == 1:
            self.broken_task = "job-1"  # what run_task leaves when not even the failure could be written
            raise OperationalError("server closed the connection unexpectedly")

    marked = []
    monkeypatch.setattr(worker_module.Worker, "run", loop)
    monkeypatch.setattr(worker_module, "job_interrupted_mark", lambda task_id, message: marked.append(message))
    monkeypatch.setattr(worker_module, "jobs_interrupted_fail", lambda: 0)
    monkeypatch.setattr(worker_module, "connections_close", lambda: calls.append("close"))
    with mock.patch.object(worker_module.time, "sleep") as sleep:
        worker = worker_module.ResilientWorker(queue_names=["default"], interval=0, batch=True,
                                               backend_name="default", startup_delay=False, max_tasks=None,
                                               worker_id="w", excluded_queue_names=[])
        worker.run()
    assert calls == ["run", "close", "run"]
    sleep.assert_called_once_with(worker_module.BACKOFF_FIRST_SECONDS)
    assert marked == [worker_module.LOST_CONNECTION_MESSAGE]
