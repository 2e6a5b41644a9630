"""A job whose worker stopped beating is failed, says so in Chinese, and can be run again by its owner."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kaowu.core.jobs import (
    JOB_INTERRUPTED,
    JOB_INTERRUPTED_MESSAGE,
    job_progress_report,
    job_start,
    job_status,
    jobs_interrupted_fail,
)
from kaowu.core.models import AuditEvent, JobProgress
from kaowu.core.tests.tasks import wait_for_release

pytestmark = pytest.mark.django_db


def started(owner, release, *, last_beat_minutes_ago: float) -> JobProgress:
    """A job a worker claimed and reported into (`正在写入数据库`), last heard of that long ago."""
    job = job_start(task=wait_for_release, title="测试导入", owner=owner, total=2, release=str(release))
    then = timezone.now() - timedelta(minutes=last_beat_minutes_ago)
    DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING", started_at=then, worker_ids=["gone"])
    job_progress_report(job.task_id, done=2, total=2, message="正在写入数据库")
    JobProgress.objects.filter(pk=job.pk).update(heartbeat_at=then)
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_stopped_beating_is_shown_failed_and_stops_polling(login, institution_clerk, tmp_path):
    job = started(institution_clerk, tmp_path / "go", last_beat_minutes_ago=10)
    client = login(institution_clerk)
    fragment = client.get(f"/tasks/{job.task_id}/progress/").content.decode()
    assert "执行失败" in fragment and JOB_INTERRUPTED_MESSAGE in fragment
    assert "正在写入数据库" not in fragment
    assert "hx-trigger" not in fragment, "an interrupted job is not polled for ever"
    assert "重新运行" in fragment
    page = client.get(f"/tasks/{job.task_id}/").content.decode()
    assert JOB_INTERRUPTED_MESSAGE in page


def test_a_job_that_beats_stays_running(login, institution_clerk, tmp_path):
    job = started(institution_clerk, tmp_path / "go", last_beat_minutes_ago=0)
    fragment = login(institution_clerk).get(f"/tasks/{job.task_id}/progress/").content.decode()
    assert "执行中" in fragment and "正在写入数据库" in fragment and "hx-trigger" in fragment
    assert "重新运行" not in fragment


def test_the_workers_sweep_marks_stale_jobs_failed_and_leaves_live_ones(institution_clerk, tmp_path):
    stale = started(institution_clerk, tmp_path / "a", last_beat_minutes_ago=10)
    live = started(institution_clerk, tmp_path / "b", last_beat_minutes_ago=0)
    assert jobs_interrupted_fail() == 1
    assert DBTaskResult.objects.get(pk=stale.task_id).status == "FAILED"
    assert DBTaskResult.objects.get(pk=stale.task_id).exception_class_path == JOB_INTERRUPTED
    assert DBTaskResult.objects.get(pk=live.task_id).status == "RUNNING"
    stale.refresh_from_db()
    assert stale.message == JOB_INTERRUPTED_MESSAGE and job_status(stale) == "FAILED" and stale.interrupted
    assert AuditEvent.objects.filter(action="job.interrupt", object_id=str(stale.pk)).count() == 1
    assert jobs_interrupted_fail() == 0  # once


@pytest.mark.django_db(transaction=True)
def test_the_owner_reruns_an_interrupted_job_and_it_finishes(login, institution_clerk, tmp_path):
    release = tmp_path / "go"
    job = started(institution_clerk, release, last_beat_minutes_ago=10)
    client = login(institution_clerk)
    response = client.post(f"/tasks/{job.task_id}/rerun/", {"next": f"/tasks/{job.task_id}/"})
    again = JobProgress.objects.exclude(pk=job.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/tasks/{again.task_id}/"
    assert again.title == "测试导入" and again.owner == institution_clerk
    assert DBTaskResult.objects.get(pk=job.task_id).status == "FAILED"  # recorded by the rerun
    assert DBTaskResult.objects.get(pk=again.task_id).args_kwargs["kwargs"] == {"release": str(release)}
    # A second click opens the same new job instead of starting a third.
    assert client.post(f"/tasks/{job.task_id}/rerun/")["Location"] == f"/tasks/{again.task_id}/"
    assert JobProgress.objects.count() == 2
    assert AuditEvent.objects.filter(action="job.rerun", object_id=str(job.pk)).count() == 1

    release.touch()
    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload")
    page = client.get(f"/tasks/{again.task_id}/progress/").content.decode()
    assert "已完成" in page and "完成" in page


def test_a_running_or_finished_job_cannot_be_rerun(login, institution_clerk, tmp_path):
    job = started(institution_clerk, tmp_path / "go", last_beat_minutes_ago=0)
    response = login(institution_clerk).post(f"/tasks/{job.task_id}/rerun/", follow=True)
    assert "该后台任务没有失败，不能重新运行" in response.content.decode()
    assert JobProgress.objects.count() == 1


def test_someone_elses_job_cannot_be_rerun(login, institution_clerk, other_institution_clerk, chengdu_reviewer,
                                           tmp_path):
    job = started(institution_clerk, tmp_path / "go", last_beat_minutes_ago=10)
    for outsider in (other_institution_clerk, chengdu_reviewer):
        assert login(outsider).post(f"/tasks/{job.task_id}/rerun/").status_code == 404
    assert JobProgress.objects.count() == 1


@pytest.mark.parametrize("outsider", ["candidate", "assessor"])
def test_roles_outside_offices_cannot_rerun(request, login, institution_clerk, outsider, tmp_path):
    job = started(institution_clerk, tmp_path / "go", last_beat_minutes_ago=10)
    assert login(request.getfixturevalue(outsider)).post(f"/tasks/{job.task_id}/rerun/").status_code == 403
    assert JobProgress.objects.count() == 1


def test_a_job_queued_for_long_says_the_worker_may_not_be_running(login, institution_clerk, tmp_path):
    job = job_start(task=wait_for_release, title="测试导入", owner=institution_clerk, release=str(tmp_path / "go"))
    client = login(institution_clerk)
    assert "可能没有运行" not in client.get(f"/tasks/{job.task_id}/progress/").content.decode()
    DBTaskResult.objects.filter(pk=job.task_id).update(enqueued_at=timezone.now() - timedelta(minutes=10))
    fragment = client.get(f"/tasks/{job.task_id}/progress/").content.decode()
    assert "排队中" in fragment and "后台处理进程（<code>kaowu worker</code>）可能没有运行" in fragment
    assert "hx-trigger" in fragment, "it starts by itself once a worker runs"
