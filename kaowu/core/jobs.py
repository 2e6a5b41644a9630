"""Background jobs with progress a page can poll.

A job is a django-tasks task (database backend, run by `kaowu worker`) plus a JobProgress row
that the task updates as it goes. Imports, batch PDFs and solvers use the same pair.

A worker that dies (kill -9, a lost machine) cannot say so: while `kaowu worker` runs a job it records
a heartbeat on the job's row (`job_heartbeat`, and every progress report counts as one). A running job
with no sign of life for KAOWU_JOB_STALE_SECONDS is interrupted: pages show it as failed with
JOB_INTERRUPTED_MESSAGE at once (`job_status`), the workers mark it failed in the database
(`jobs_interrupted_fail`, at start-up and every few beats) and its owner can run it again (`job_rerun`).
The tasks write all or nothing, so an interrupted job has written nothing.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kaowu.core.audit import CoreAction
from kaowu.core.models import JobProgress
from kaowu.core.services import audit_record

JOB_INTERRUPTED_MESSAGE = "后台任务中断（处理进程已停止），未写入任何数据，请重新运行"
# What the task backend records as the failure of an interrupted job (exception_class_path).
JOB_INTERRUPTED = "kaowu.core.jobs.JobInterrupted"


class JobInterrupted(Exception):
    """The worker running a job stopped (killed, or its database connection lost) before the job ended."""


@transaction.atomic
def job_start(*, task, title: str, owner, total: int = 0, **kwargs) -> JobProgress:
    """Enqueue `task` with `kwargs` and the row its progress is reported in; both commit together."""
    result = task.enqueue(**kwargs)
    progress = JobProgress.objects.create(task_id=str(result.id), title=title, owner=owner, total=total)
    audit_record(action=CoreAction.JOB_START, actor=owner, target=progress, after={"task": task.name, "title": title})
    return progress


def job_progress_report(task_id: str, *, done: int | None = None, total: int | None = None,
                        message: str | None = None, result=None, advance: int = 0) -> None:
    """Called from inside a task; each call commits at once so pollers see it. It counts as a heartbeat."""
    fields: dict = {"heartbeat_at": timezone.now()}
    if done is not None:
        fields["done"] = done
    if advance:
        fields["done"] = F("done") + advance
    if total is not None:
        fields["total"] = total
    if message is not None:
        fields["message"] = message[:300]
    if result is not None:
        fields["result"] = result
    JobProgress.objects.filter(task_id=task_id).update(**fields)


def job_heartbeat(task_id: str) -> None:
    """The worker running `task_id` is alive (called by `kaowu worker` every KAOWU_JOB_HEARTBEAT_SECONDS)."""
    JobProgress.objects.filter(task_id=task_id).update(heartbeat_at=timezone.now())


def _stale_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(seconds=settings.KAOWU_JOB_STALE_SECONDS)


def _is_stale(heartbeat_at: datetime | None, started_at: datetime | None, cutoff: datetime) -> bool:
    """No sign of life since `cutoff`: neither a heartbeat nor the start itself."""
    alive = max((moment for moment in (heartbeat_at, started_at) if moment is not None), default=None)
    return alive is None or alive < cutoff


def job_status(progress: JobProgress) -> str:
    """READY / RUNNING / SUCCESSFUL / FAILED, as the task backend knows it.

    A running job whose worker stopped beating is FAILED, and `progress.message` says it was interrupted
    (only in memory: reading never writes; the workers and `job_rerun` record it). `progress.interrupted`
    tells the page that the job may simply be run again, `progress.queued_long` that it has waited so long
    for a worker that none may be running.
    """
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.filter(pk=progress.task_id).values(
        "status", "started_at", "enqueued_at", "exception_class_path").first()
    progress.interrupted = progress.queued_long = False
    if row is None:
        return "UNKNOWN"
    if row["status"] == "READY":
        # Waiting longer than a stale job is allowed to be silent: probably no worker is running at all.
        progress.queued_long = row["enqueued_at"] < _stale_before()
    if row["status"] == "RUNNING" and _is_stale(progress.heartbeat_at, row["started_at"], _stale_before()):
        progress.interrupted = True
        progress.message = JOB_INTERRUPTED_MESSAGE
        return "FAILED"
    progress.interrupted = row["status"] == "FAILED" and row["exception_class_path"] == JOB_INTERRUPTED
    return row["status"]


def _interrupt(task_ids: list[str], *, message: str, now: datetime) -> int:
    """Mark these running jobs failed (unless they finished meanwhile); one audit event each."""
    from django_tasks_db.models import DBTaskResult

    failed = 0
    for task_id in task_ids:
        changed = DBTaskResult.objects.filter(pk=task_id, status="RUNNING").update(
            status="FAILED", finished_at=now, exception_class_path=JOB_INTERRUPTED, traceback=message,
            return_value=None)
        if not changed:
            continue
        failed += 1
        progress = JobProgress.objects.select_related("owner").filter(task_id=task_id).first()
        if progress is None:
            continue
        JobProgress.objects.filter(pk=progress.pk).update(message=message[:300])
        audit_record(action=CoreAction.JOB_INTERRUPT, target=progress, username="kaowu worker",
                     organisation_id=getattr(progress.owner, "organisation_id", None),
                     after={"title": progress.title, "message": message})
    return failed


@transaction.atomic
def jobs_interrupted_fail(*, now: datetime | None = None) -> int:
    """Mark failed every running job whose worker stopped beating; returns how many. Run by the workers."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = _stale_before(now)
    running = dict(DBTaskResult.objects.filter(status="RUNNING").values_list("id", "started_at"))
    if not running:
        return 0
    beats = dict(JobProgress.objects.filter(task_id__in=[str(pk) for pk in running])
                 .values_list("task_id", "heartbeat_at"))
    stale = [str(pk) for pk, started_at in running.items() if _is_stale(beats.get(str(pk)), started_at, cutoff)]
    return _interrupt(stale, message=JOB_INTERRUPTED_MESSAGE, now=now)


@transaction.atomic
def job_interrupted_mark(task_id: str, *, message: str = JOB_INTERRUPTED_MESSAGE) -> bool:
    """Mark one running job failed at once: its worker knows it could not finish it (database lost)."""
    return bool(_interrupt([task_id], message=message, now=timezone.now()))


@transaction.atomic
def job_rerun(*, progress: JobProgress, by) -> JobProgress:
    """Run a failed (or interrupted) job again with the same arguments, as a new job of the same owner.

    Asked twice for the same failed job, it answers the job already started for it."""
    from django_tasks_db.models import DBTaskResult

    if progress.owner_id != getattr(by, "pk", None):
        raise ValidationError("只能重新运行自己发起的后台任务")
    progress = JobProgress.objects.select_for_update().get(pk=progress.pk)
    if progress.rerun_task_id:
        return JobProgress.objects.get(task_id=progress.rerun_task_id)
    if job_status(progress) != "FAILED":
        raise ValidationError("该后台任务没有失败，不能重新运行")
    if progress.interrupted:
        _interrupt([progress.task_id], message=JOB_INTERRUPTED_MESSAGE, now=timezone.now())
    enqueued = DBTaskResult.objects.get(pk=progress.task_id)
    again = job_start(task=enqueued.task, title=progress.title, owner=by, total=progress.total,
                      **enqueued.args_kwargs.get("kwargs", {}))
    progress.rerun_task_id = again.task_id
    progress.save(update_fields=["rerun_task_id", "updated_at"])
    audit_record(action=CoreAction.JOB_RERUN, actor=by, target=progress, after={"task_id": again.task_id})
    return again
