"""The dispatch workflows' tables: an illegal move is refused in Chinese, and publishing a new dispatch
supersedes the old one and withdraws its people in one bulk move, one audit event each."""

import pytest

from kaowu.core.models import AuditEvent
from kaowu.core.workflow import TransitionRefused
from kaowu.staffing.dispatch import services
from kaowu.staffing.models import DispatchAssignment, DispatchRun
from kaowu.staffing.tests.factories import world_build

Status = DispatchRun.Status
AStatus = DispatchAssignment.Status


def test_a_superseded_dispatch_cannot_be_published():
    run = DispatchRun(status=Status.SUPERSEDED)
    with pytest.raises(TransitionRefused) as refused:
        services.dispatch_run_transition(run=run, to=Status.PUBLISHED, by=None)
    assert "派遣方案当前状态为“已被取代”，不能变为“已发布”" in refused.value.message
    assert run.status == Status.SUPERSEDED


def test_a_declined_assignment_cannot_be_confirmed():
    assignment = DispatchAssignment(status=AStatus.DECLINED)
    with pytest.raises(TransitionRefused) as refused:
        services.dispatch_assignment_transition(assignment=assignment, to=AStatus.CONFIRMED, by=None)
    assert "派遣安排当前状态为“已谢绝”，不能变为“已确认”" in refused.value.message


@pytest.mark.django_db
def test_a_new_publication_supersedes_the_old_dispatch_and_withdraws_its_people(institution_clerk,
                                                                               chengdu_reviewer):
    world = world_build(institution_clerk)
    first = services.dispatch_generate(plan=world.plan, by=chengdu_reviewer, time_limit=10)
    services.dispatch_publish(run=first, by=chengdu_reviewer)
    people = set(first.assignments.values_list("pk", flat=True))
    second = services.dispatch_generate(plan=world.plan, by=chengdu_reviewer, time_limit=10)
    services.dispatch_publish(run=second, by=chengdu_reviewer)

    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    assert set(first.assignments.values_list("status", flat=True)) == {AStatus.WITHDRAWN}
    withdrawn = AuditEvent.objects.filter(action="dispatch.assignment_withdraw")
    assert {int(pk) for pk in withdrawn.values_list("object_id", flat=True)} == people
    assert AuditEvent.objects.filter(action="dispatch.supersede", object_id=str(first.pk)).count() == 1
    assert AuditEvent.objects.get(action="dispatch.publish", object_id=str(second.pk)).after["status"] == "published"
