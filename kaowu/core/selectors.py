from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kaowu.core.models import JobProgress

# Core is the floor every app builds on, so it names the user by Django's base class, not accounts.User.


def job_progress_get_for_user(*, user: AbstractBaseUser, task_id: str) -> JobProgress:
    return get_object_or_404(JobProgress, task_id=task_id, owner=user)


def job_progress_recent(*, user: AbstractBaseUser, limit: int = 10) -> QuerySet[JobProgress]:
    return JobProgress.objects.filter(owner=user).order_by("-created_at")[:limit]
