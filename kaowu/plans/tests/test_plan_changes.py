"""An R-CQ-8 change obeys the rules of a new session: no day in the past (R-CQ-1), filed N working days ahead
(R-CQ-1), a 等级认定 time announced N months ahead (R-CQ-2), unless the center approves an exception and
says why (kept on the request, shown on the review page, audited)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kaowu.catalog.models import AssessmentType
from kaowu.core.errors import RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.plans import services
from kaowu.plans.models import PlanChangeRequest
from kaowu.plans.tests.factories import make_plan

pytestmark = pytest.mark.django_db


def approved(clerk, site, reviewer, *, assessment_type=AssessmentType.QUALIFICATION, day=date(2024, 12, 16)):
    plan = make_plan(clerk, site, assessment_type=assessment_type, sessions=[day])
    services.plan_file(plan=plan, by=clerk, today=date(2024, 9, 2))
    return services.plan_approve(plan=plan, by=reviewer, today=date(2024, 9, 2))


def ask(plan, clerk, day: date, today: date) -> PlanChangeRequest:
    return services.plan_change_request(
        plan=plan, by=clerk, reason="考点停电", today=today,
        sessions=[{"id": plan.sessions.get().pk, "date": day.isoformat(), "start": "09:00", "end": "10:30"}])


def test_r_cq_1_a_change_to_a_past_day_is_refused(catalogue, institution_clerk, site, chengdu_reviewer):
    plan = approved(institution_clerk, site, chengdu_reviewer)
    with pytest.raises(RuleViolation) as refused:
        ask(plan, institution_clerk, date(2024, 11, 1), today=date(2024, 11, 20))
    assert refused.value.rule_id == "R-CQ-1"
    assert "2024年11月01日" in refused.value.message and "已过去的日期" in refused.value.message
    assert not PlanChangeRequest.objects.exists()


def test_r_cq_1_a_day_that_passed_while_the_change_waited_is_refused_even_with_a_reason(
        catalogue, institution_clerk, site, chengdu_reviewer):
    plan = approved(institution_clerk, site, chengdu_reviewer)
    change = ask(plan, institution_clerk, date(2024, 12, 2), today=date(2024, 11, 1))
    with pytest.raises(RuleViolation) as refused:
        services.plan_change_approve(change=change, by=chengdu_reviewer, today=date(2024, 12, 3),
                                     exception_reason="中心同意")
    assert refused.value.rule_id == "R-CQ-1"
    change.refresh_from_db()
    assert change.status == PlanChangeRequest.Status.PENDING
    assert plan.sessions.get().date == date(2024, 12, 16)


def test_r_cq_1_a_change_filed_nine_working_days_ahead_needs_an_exception(catalogue, institution_clerk, site,
                                                                         chengdu_reviewer):
    plan = approved(institution_clerk, site, chengdu_reviewer)
    change = ask(plan, institution_clerk, date(2024, 11, 18), today=date(2024, 11, 5))  # 9 working days
    with pytest.raises(RuleViolation) as refused:
        services.plan_change_approve(change=change, by=chengdu_reviewer, today=date(2024, 11, 6))
    assert refused.value.rule_id == "R-CQ-1"
    assert "只有9个工作日" in refused.value.message and "例外批准原因" in refused.value.message
    assert plan.sessions.get().date == date(2024, 12, 16)

    services.plan_change_approve(change=change, by=chengdu_reviewer, today=date(2024, 11, 6),
                                 exception_reason="考点遭受暴雨，经中心研究同意提前")
    change.refresh_from_db()
    assert change.status == PlanChangeRequest.Status.APPROVED
    assert change.exception_rules == ["R-CQ-1"] and change.exception_reason.startswith("考点遭受暴雨")
    assert plan.sessions.get().date == date(2024, 11, 18)
    event = AuditEvent.objects.get(action="plan.change_approved")
    assert event.after["exception"] == {"rules": ["R-CQ-1"], "reason": "考点遭受暴雨，经中心研究同意提前"}


def test_r_cq_2_a_skill_level_time_is_announced_two_months_ahead(catalogue, institution_clerk, site,
                                                               chengdu_reviewer):
    plan = approved(institution_clerk, site, chengdu_reviewer, assessment_type=AssessmentType.SKILL_LEVEL)
    change = ask(plan, institution_clerk, date(2024, 12, 23), today=date(2024, 11, 1))
    with pytest.raises(RuleViolation) as refused:
        services.plan_change_approve(change=change, by=chengdu_reviewer, today=date(2024, 11, 1))
    assert refused.value.rule_id == "R-CQ-2" and "2025年01月01日" in refused.value.message
    # Two months and more: accepted without an exception, and none is recorded.
    ok = ask(plan, institution_clerk, date(2025, 1, 6), today=date(2024, 11, 1))
    services.plan_change_approve(change=ok, by=chengdu_reviewer, today=date(2024, 11, 1),
                                 exception_reason="不需要")
    ok.refresh_from_db()
    assert ok.status == PlanChangeRequest.Status.APPROVED and ok.exception_rules == [] and not ok.exception_reason
    assert "exception" not in AuditEvent.objects.get(action="plan.change_approved").after


def test_the_review_page_names_the_rules_and_takes_the_exception_reason(catalogue, institution_clerk, site,
                                                                         chengdu_reviewer, login):
    today = timezone.localdate()
    plan = make_plan(institution_clerk, site, sessions=[today + timedelta(days=60)])
    services.plan_file(plan=plan, by=institution_clerk, today=today)
    services.plan_approve(plan=plan, by=chengdu_reviewer, today=today)
    change = ask(plan, institution_clerk, today + timedelta(days=3), today=today)

    client = login(chengdu_reviewer)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "change-problems" in page and "（R-CQ-1）" in page and 'name="exception_reason"' in page
    refused = client.post(f"/plans/{plan.pk}/changes/{change.pk}/review/", {"decision": "approve"}, follow=True)
    assert "R-CQ-1" in refused.content.decode()
    change.refresh_from_db()
    assert change.status == PlanChangeRequest.Status.PENDING

    client.post(f"/plans/{plan.pk}/changes/{change.pk}/review/",
                {"decision": "approve", "exception_reason": "考点临时征用，中心同意提前"})
    change.refresh_from_db()
    assert change.status == PlanChangeRequest.Status.APPROVED
    page = login(institution_clerk).get(f"/plans/{plan.pk}/").content.decode()
    assert "例外批准" in page and "考点临时征用，中心同意提前" in page
