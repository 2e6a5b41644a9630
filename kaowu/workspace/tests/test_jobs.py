"""A background job runs in the worker and reports progress that its page shows."""

import pytest
from django.core.management import call_command

from kaowu.core.models import JobProgress

pytestmark = pytest.mark.django_db


def run_worker_once():
    # The worker commits and closes its connection like the real process does, which a test
    # wrapped in a transaction cannot survive: the tests that run it use transaction=True.
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


@pytest.mark.django_db(transaction=True)
def test_clerk_starts_the_census_and_sees_it_finish(login, institution_clerk, invigilator):
    client = login(institution_clerk)
    response = client.post("/tasks/start/")
    assert response.status_code == 302
    job = JobProgress.objects.get(owner=institution_clerk)

    waiting = client.get(f"/tasks/{job.task_id}/progress/").content.decode()
    assert "排队中" in waiting and 'hx-trigger="every 1s"' in waiting

    run_worker_once()
    done = client.get(f"/tasks/{job.task_id}/progress/").content.decode()
    assert "已完成" in done
    assert "成都市职业技能鉴定第一站" in done
    assert "hx-trigger" not in done, "a finished job stops polling"
    job.refresh_from_db()
    assert (job.done, job.total) == (1, 1)
    assert job.result["users"] == 2  # the clerk and the invigilator of the institution


def test_another_users_job_is_not_found(login, institution_clerk, other_institution_clerk):
    login(institution_clerk).post("/tasks/start/")
    job = JobProgress.objects.get(owner=institution_clerk)
    client = login(other_institution_clerk)
    assert client.get(f"/tasks/{job.task_id}/").status_code == 404
    assert client.get(f"/tasks/{job.task_id}/progress/").status_code == 404


@pytest.mark.parametrize("outsider", ["candidate", "assessor"])
def test_roles_outside_offices_cannot_start_jobs(request, login, outsider):
    client = login(request.getfixturevalue(outsider))
    assert client.post("/tasks/start/").status_code == 403
    assert not JobProgress.objects.exists()


def test_starting_a_job_needs_post(login, institution_clerk):
    assert login(institution_clerk).get("/tasks/start/").status_code == 405
