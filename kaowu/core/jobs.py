"""Background jobs with progress a page can poll.

A job is a django-tasks task (database backend, run by `kaowu worker`) plus a JobProgress row
that the task updates as it goes. Imports, batch PDFs and solvers use the same pair.
"""

from django.db import transaction
from django.db.models import F

from kaowu.core.audit import CoreAction
from kaowu.core.models import JobProgress
from kaowu.core.services import audit_record


@transaction.atomic
def job_start(*, task, title: str, owner, total: int = 0, **kwargs) -> JobProgress:
    """Enqueue `task` with `kwargs` and the row its progress is reported in; both commit together."""
    result = task.enqueue(**kwargs)
    progress = JobProgress.objects.create(task_id=str(result.id), title=title, owner=owner, total=total)
    audit_record(action=CoreAction.JOB_START, actor=owner, target=progress, after={"task": task.name, "title": title})
    return progress


def job_progress_report(task_id: str, *, done: int | None = None, total: int | None = None,
                        message: str | None = None, result=None, advance: int = 0) -> None:
    """Called from inside a task; each call commits at once so pollers see it."""
    fields: dict = {}
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
    if fields:
        JobProgress.objects.filter(task_id=task_id).update(**fields)


def job_status(progress: JobProgress) -> str:
    """READY / RUNNING / SUCCESSFUL / FAILED, as the task backend knows it."""
    from django_tasks_db.models import DBTaskResult

    status = DBTaskResult.objects.filter(pk=progress.task_id).values_list("status", flat=True).first()
    return status or "UNKNOWN"
