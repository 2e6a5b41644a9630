from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet
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


PARTIAL_NUMBER_MIN = 4  # fewer digits than this would match half the list


def person_text_q(text: str, *, prefix: str = "", phone: bool = True) -> Q:
    """What a clerk types to find a candidate: part of the name, or part of the ID number (the last 6 digits, a
    middle part) or of the phone (4 digits or more); the caller's queryset is already scoped to the user."""
    text = text.strip().replace(" ", "")
    match = Q(**{f"{prefix}name__contains": text})
    number = text.upper()
    if len(number) >= PARTIAL_NUMBER_MIN and number.rstrip("X").isdigit():
        match |= Q(**{f"{prefix}id_number__contains": number})
        if number.isdigit() and phone:
            match |= Q(**{f"{prefix}phone__contains": number})
    return match
