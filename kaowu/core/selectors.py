from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kaowu.core.models import JobProgress

# Core is the floor every app builds on, so it names the user by Django's base class, not accounts.User.


def job_progress_get_for_user(*, user: AbstractBaseUser, task_id: str) -> JobProgress:
    return get_object_or_404(JobProgress, task_id=task_id, owner=user)


def job_progress_recent(*, user: AbstractBaseUser, limit: int = 10) -> QuerySet[JobProgress]:
    return JobProgress.objects.filter(owner=user).order_by("-created_at")[:limit]


def job_arguments_get_for_user(*, user: AbstractBaseUser, task_id: str, task) -> tuple[JobProgress, dict]:
    """The user's own job of `task` and the keyword arguments it was started with; a job of another task (or
    of another user) is a 404, so that a page of one kind of job never shows another."""
    from django_tasks_db.models import DBTaskResult

    job = job_progress_get_for_user(user=user, task_id=task_id)
    enqueued = DBTaskResult.objects.filter(pk=job.task_id).values("task_path", "args_kwargs").first()
    if enqueued is None or enqueued["task_path"] != task.module_path:
        raise Http404("不是该类后台任务")
    return job, enqueued["args_kwargs"].get("kwargs", {})
