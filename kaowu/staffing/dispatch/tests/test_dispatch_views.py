"""The dispatch pages refuse outsiders: another city's reviewer, an institution's clerk, a candidate, and an
assessor acting on someone else's assignment. Nothing changes when they try."""

import pytest

from kaowu.staffing.dispatch import services
from kaowu.staffing.models import DispatchAssignment, DispatchRun
from kaowu.staffing.tests.factories import world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(institution_clerk, chengdu_reviewer, assessor):
    world = world_build(institution_clerk, assessor_user=assessor)
    run = services.dispatch_generate(plan=world.plan, by=chengdu_reviewer, time_limit=10)
    services.dispatch_publish(run=run, by=chengdu_reviewer)
    world.run = run
    world.assignment = run.assignments.filter(role="assessor").first()
    return world


def center_urls(world) -> list[tuple[str, str]]:
    run, a = world.run, world.assignment
    return [
        ("get", f"/staffing/dispatch/plans/{world.plan.pk}/"),
        ("post", f"/staffing/dispatch/plans/{world.plan.pk}/generate/"),
        ("post", f"/staffing/dispatch/runs/{run.pk}/publish/"),
        ("post", f"/staffing/dispatch/runs/{run.pk}/letters/staff/{a.staff_id}/"),
        ("post", f"/staffing/dispatch/runs/{run.pk}/letters/sites/{world.exam.site.pk}/"),
        ("post", f"/staffing/dispatch/assignments/{a.pk}/replace/"),
    ]


def test_another_citys_reviewer_gets_404_on_every_center_page(published, mianyang_reviewer, login):
    client = login(mianyang_reviewer)
    for method, url in center_urls(published):
        assert getattr(client, method)(url, {"staff": published.assessors[-1].pk}).status_code == 404, url
    assert DispatchRun.objects.count() == 1
    assert not DispatchAssignment.objects.filter(manual=True).exists()


@pytest.mark.parametrize("who", ["institution_clerk", "candidate"])
def test_clerks_and_candidates_are_refused_the_center_pages(published, who, request, login):
    client = login(request.getfixturevalue(who))
    for method, url in center_urls(published):
        assert getattr(client, method)(url).status_code == 403, url
    assert client.get("/staffing/dispatch/").status_code == 403


def test_a_hand_edit_only_takes_someone_from_the_plans_pool(published, chengdu_reviewer, login, mianyang):
    from kaowu.staffing.tests.factories import VALID, staff_add

    elsewhere = staff_add(mianyang, "绵阳考评员", is_assessor=True, cards=[(published.infant, 3, VALID)])
    client = login(chengdu_reviewer)
    response = client.post(f"/staffing/dispatch/assignments/{published.assignment.pk}/replace/",
                           {"staff": elsewhere.pk}, follow=True)
    assert "请从本计划可派遣的人员中选择" in response.content.decode()
    assert not DispatchAssignment.objects.filter(staff=elsewhere).exists()


def test_an_assessor_cannot_confirm_decline_or_download_someone_elses_assignment(published, assessor, login):
    other = published.run.assignments.exclude(staff__user=assessor).first()
    client = login(assessor)
    assert client.post(f"/staffing/dispatch/mine/{other.pk}/confirm/").status_code == 404
    assert client.post(f"/staffing/dispatch/mine/{other.pk}/decline/", {"reason": "不去"}).status_code == 404
    other.refresh_from_db()
    assert other.status == DispatchAssignment.Status.PROPOSED
    mine = published.run.assignments.filter(staff__user=assessor)
    expected = 200 if mine.exists() else 404
    assert client.post(f"/staffing/dispatch/mine/letters/{published.run.pk}/").status_code == expected


def test_a_letter_is_downloaded_by_post_and_the_download_is_audited(published, chengdu_reviewer, login):
    from kaowu.core.models import AuditEvent

    client = login(chengdu_reviewer)
    url = f"/staffing/dispatch/runs/{published.run.pk}/letters/staff/{published.assignment.staff_id}/"
    assert client.get(url).status_code == 405  # a GET never writes
    assert not AuditEvent.objects.filter(action="dispatch.letter_download").exists()
    response = client.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(action="dispatch.letter_download")
    assert event.after == {"letter": f"staff:{published.assignment.staff_id}", "rows": 1}
