"""A large plan's dispatch runs as a background job: the page shows its progress, the worker makes the same
proposal the request would have made, and nobody but the center that started it sees the job."""

import pytest
from django.core.management import call_command

from kaowu.core.models import JobProgress
from kaowu.staffing.dispatch import services
from kaowu.staffing.models import DispatchRun
from kaowu.staffing.tests.factories import world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(institution_clerk, assessor, monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_ROOM_SESSIONS", 0)  # this small plan counts as large
    return world_build(institution_clerk, assessor_user=assessor)


def start(client, world):
    response = client.post(f"/staffing/dispatch/plans/{world.plan.pk}/generate/")
    job = JobProgress.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staffing/dispatch/plans/{world.plan.pk}/jobs/{job.task_id}/"
    return job


@pytest.mark.django_db(transaction=True)
def test_the_center_starts_a_background_dispatch_and_sees_it_finish(world, chengdu_reviewer, login):
    client = login(chengdu_reviewer)
    job = start(client, world)
    assert not DispatchRun.objects.exists()
    page = client.get(f"/staffing/dispatch/plans/{world.plan.pk}/jobs/{job.task_id}/").content.decode()
    assert "生成派遣方案" in page and "排队中" in page and 'hx-trigger="every 1s"' in page

    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload")
    fragment = client.get(f"/staffing/dispatch/plans/{world.plan.pk}/jobs/{job.task_id}/progress/").content.decode()
    run = DispatchRun.objects.get()
    assert "已完成" in fragment and "hx-trigger" not in fragment
    assert f"查看派遣方案（{run.get_status_display()}）" in fragment
    assert run.status == DispatchRun.Status.PROPOSED and run.started_by == chengdu_reviewer
    job.refresh_from_db()
    assert job.result == {"plan": world.plan.pk, "run": run.pk, "status": "proposed"}
    assert (job.done, job.total) == (services.PROGRESS_STEPS, services.PROGRESS_STEPS)

    # The same proposal as in the request: every post filled, at the same (optimal) cost.
    in_request = services.dispatch_generate(plan=world.plan, by=chengdu_reviewer, time_limit=10)
    assert in_request.status == run.status and in_request.objective == run.objective
    assert in_request.assignments.count() == run.assignments.count() == sum(p["count"] for p in run.posts)


def test_a_small_plan_is_still_dispatched_in_the_request(institution_clerk, assessor, chengdu_reviewer, login):
    world = world_build(institution_clerk, assessor_user=assessor)
    response = login(chengdu_reviewer).post(f"/staffing/dispatch/plans/{world.plan.pk}/generate/", follow=True)
    assert "已生成派遣方案" in response.content.decode()
    assert DispatchRun.objects.count() == 1 and not JobProgress.objects.exists()


def test_outsiders_cannot_start_or_see_a_dispatch_job(world, chengdu_reviewer, mianyang_reviewer, province_admin,
                                                       institution_clerk, candidate, login):
    job = start(login(chengdu_reviewer), world)
    page = f"/staffing/dispatch/plans/{world.plan.pk}/jobs/{job.task_id}/"
    assert login(mianyang_reviewer).get(page).status_code == 404  # another city's reviewer
    assert login(mianyang_reviewer).post(f"/staffing/dispatch/plans/{world.plan.pk}/generate/").status_code == 404
    assert login(province_admin).get(page).status_code == 404  # not the one who started it
    for user in (institution_clerk, candidate):
        assert login(user).get(page).status_code == 403
        assert login(user).get(page + "progress/").status_code == 403
    assert JobProgress.objects.count() == 1

