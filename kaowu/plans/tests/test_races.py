"""Two decisions on one plan, or on one change request, at the same moment: one wins, the other is refused (#15).

Each call gets the object as it was loaded before either wrote, as two reviewers' open pages do; the services
lock the row and re-read its status under the lock.
"""

from datetime import date

import pytest

from kaowu.core.models import AuditEvent
from kaowu.core.testing.races import message_of, one_refused, postgres_only, race
from kaowu.plans import services
from kaowu.plans.models import Plan, PlanChangeRequest
from kaowu.plans.tests.factories import make_plan
from kaowu.plans.tests.test_plan_workflow import approved_plan

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_filed_plan_approved_and_returned_at_once_is_either_approved_or_returned(
        catalogue, institution_clerk, site, chengdu_reviewer):
    plan = make_plan(institution_clerk, site, sessions=[date(2024, 11, 18)])
    services.plan_file(plan=plan, by=institution_clerk, today=date(2024, 11, 1))
    first, second = Plan.objects.get(pk=plan.pk), Plan.objects.get(pk=plan.pk)

    won, refused = one_refused(race(
        lambda: services.plan_approve(plan=first, by=chengdu_reviewer, today=date(2024, 11, 1)),
        lambda: services.plan_return(plan=second, by=chengdu_reviewer, reason="考场信息不全"),
    ))
    plan.refresh_from_db()
    assert plan.status == won.value.status
    assert message_of(refused.error) == (
        f"计划当前状态为“{plan.get_status_display()}”，不能变为"
        f"“{'已退回' if plan.status == Plan.Status.APPROVED else '已批准'}”")
    decisions = AuditEvent.objects.filter(object_id=str(plan.pk), action__in=["plan.approved", "plan.returned"])
    assert [event.action for event in decisions] == [f"plan.{plan.status}"]


def test_a_change_request_approved_and_rejected_at_once_is_decided_once(
        catalogue, institution_clerk, site, chengdu_reviewer):
    plan = approved_plan(institution_clerk, site, chengdu_reviewer)
    session = plan.sessions.get()
    change = services.plan_change_request(
        plan=plan, by=institution_clerk, reason="考场检修", today=date(2024, 11, 4),
        sessions=[{"id": session.pk, "date": "2024-11-20", "start": "14:00", "end": "15:30"}])
    first, second = (PlanChangeRequest.objects.select_related("plan").get(pk=change.pk) for _ in range(2))

    won, refused = one_refused(race(
        lambda: services.plan_change_approve(change=first, by=chengdu_reviewer, today=date(2024, 11, 4)),
        lambda: services.plan_change_reject(change=second, by=chengdu_reviewer, reason="已公告，不宜改期"),
    ))
    change.refresh_from_db()
    session.refresh_from_db()
    assert change.status == won.value.status
    assert "该变更申请已处理" in message_of(refused.error)
    moved = change.status == PlanChangeRequest.Status.APPROVED
    assert session.date == (date(2024, 11, 20) if moved else date(2024, 11, 18))
    decisions = AuditEvent.objects.filter(object_id=str(change.pk),
                                          action__in=["plan.change_approved", "plan.change_rejected"])
    assert decisions.count() == 1
