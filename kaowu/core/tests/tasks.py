"""A task for the worker tests: it reports progress, then waits until its release file exists (a job a
test can kill in the middle, and that finishes at once when run again after the file was made)."""

import time
from pathlib import Path

from django_tasks import task

from kaowu.core.jobs import job_progress_report


@task(takes_context=True)
def wait_for_release(context, *, release: str) -> dict:
    task_id = str(context.task_result.id)
    job_progress_report(task_id, done=1, total=2, message="正在写入数据库")
    while not Path(release).exists():
        time.sleep(0.05)
    job_progress_report(task_id, done=2, total=2, message="完成")
    return {"released": True}
