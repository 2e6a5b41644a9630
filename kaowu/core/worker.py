"""`kaowu worker`: django-tasks-db's worker, made to survive what a province's servers go through.

- While it runs a job, a monitor thread records the job's heartbeat every KAOWU_JOB_HEARTBEAT_SECONDS
  (on its own database connection), so that a job whose worker was killed is found out (core.jobs).
- At start-up and every few beats it marks failed the running jobs whose worker stopped beating.
- A lost database connection (the server restarted, a backend terminated) does not end the process: it
  closes its connections, waits (1 s, doubling up to BACKOFF_MAX_SECONDS), and goes on with the queue;
  the job it was running when the connection broke is marked interrupted once the database answers again.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.management.commands.db_worker import Worker

from kaowu.core.jobs import job_heartbeat, job_interrupted_mark, jobs_interrupted_fail

logger = logging.getLogger("kaowu.worker")

DATABASE_ERRORS = (OperationalError, InterfaceError)
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0
SWEEP_EVERY_BEATS = 6
LOST_CONNECTION_MESSAGE = "后台任务中断（数据库连接中断），未写入任何数据，请重新运行"


def connections_close() -> None:
    """Close this thread's database connections, even broken ones (closing a dead socket may raise)."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - a broken connection is dropped whatever it says
            connection.connection = None


class JobMonitor(threading.Thread):
    """Beats for the job the worker is running and, every SWEEP_EVERY_BEATS beats, fails stale jobs."""

    def __init__(self, interval: float):
        super().__init__(name="kaowu-job-monitor", daemon=True)
        self.interval = interval
        self.current: str | None = None
        self.stopped = threading.Event()

    def beat(self) -> None:
        task_id = self.current
        if task_id is not None:
            job_heartbeat(task_id)

    def run(self) -> None:
        beats = 0
        while not self.stopped.wait(self.interval):
            beats += 1
            try:
                self.beat()
                if beats % SWEEP_EVERY_BEATS == 0:
                    jobs_interrupted_fail()
            except Exception:  # noqa: BLE001 - the monitor must outlive any database trouble
                logger.warning("心跳记录失败，稍后重试", exc_info=True)
            finally:
                connections_close()


class ResilientWorker(Worker):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.monitor = JobMonitor(settings.KAOWU_JOB_HEARTBEAT_SECONDS)
        self.broken_task: str | None = None

    def run(self) -> None:
        self.monitor.start()
        delay = BACKOFF_FIRST_SECONDS
        try:
            while True:
                try:
                    self.recover()
                    delay = BACKOFF_FIRST_SECONDS  # the database answered
                    super().run()
                    return
                except DATABASE_ERRORS as exc:
                    if not self.running:
                        return
                    logger.warning("数据库连接中断（%s），%.0f 秒后重新连接", type(exc).__name__, delay)
                    connections_close()
                    time.sleep(delay)
                    delay = min(delay * 2, BACKOFF_MAX_SECONDS)
                    self.startup_delay = False
        finally:
            self.monitor.stopped.set()

    def recover(self) -> None:
        """Before taking jobs: the job cut off by a lost connection, then every job whose worker died."""
        if self.broken_task is not None:
            job_interrupted_mark(self.broken_task, message=LOST_CONNECTION_MESSAGE)
            self.broken_task = None
        jobs_interrupted_fail()

    def run_task(self, db_task_result) -> None:
        task_id = str(db_task_result.id)
        self.monitor.current = task_id
        try:
            job_heartbeat(task_id)
            super().run_task(db_task_result)
        except DATABASE_ERRORS:
            # Not even its failure could be recorded: the connection is gone. Mark it once it is back.
            self.broken_task = task_id
            raise
        finally:
            self.monitor.current = None
