"""Plan filing and review: R-CQ-1, R-CQ-2, R-SC24-13, R-SC24-4, R-SC24-12, R-FJ-2, scoping."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from kaowu.catalog.models import AssessmentType, SpecialItem
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.plans import services
from kaowu.plans.models import CalendarEntry, Plan, PlanKind
from kaowu.plans.tests.factories import make_plan
from kaowu.sites.models import FacilityFiling, ReviewStatus, Site

pytestmark = pytest.mark.django_db


def test_r_cq_1_a_plan_filed_9_working_days_ahead_is_refused_with_the_latest_date(catalogue, institution_clerk, site):
    plan = make_plan(institution_clerk, site, sessions=[date(2024, 11, 18)])
    with pytest.raises(RuleViolation) as refused:
        services.plan_file(plan=plan, by=institution_clerk, today=date(2024, 11, 5))
    assert refused.value.rule_id == "R-CQ-1"
    assert "最晚应于2024年11月04日报备" in refused.value.message
    assert "10个工作日" in refused.value.message
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_r_cq_1_ten_working_days_ahead_is_accepted(catalogue, institution_clerk, site):
    plan = make_plan(institution_clerk, site, sessions=[date(2024, 11, 18)])
    services.plan_file(plan=plan, by=institution_clerk, today=date(2024, 11, 4))
    assert plan.status == Plan.Status.FILED


def test_r_cq_1_the_national_day_holiday_moves_the_filing_deadline_earlier(catalogue, institution_clerk, site):
    """Ten working days before Monday 14 October 2024 reach back over 国庆 to 25 September
    (19 calendar days), while before Monday 18 November they reach 4 November (14 days)."""
    after_holiday = make_plan(institution_clerk, site, sessions=[date(2024, 10, 14)])
    with pytest.raises(RuleViolation) as refused:
        services.plan_file(plan=after_holiday, by=institution_clerk, today=date(2024, 9, 26))
    assert "最晚应于2024年09月25日报备" in refused.value.message
    services.plan_file(plan=after_holiday, by=institution_clerk, today=date(2024, 9, 25))
    after_holiday.refresh_from_db()
    assert after_holiday.status == Plan.Status.FILED


def test_r_cq_2_a_skill_level_plan_needs_two_months_of_announcement(catalogue, institution_clerk, site):
    plan = make_plan(institution_clerk, site, assessment_type=AssessmentType.SKILL_LEVEL,
                     sessions=[date(2024, 12, 2)])
    with pytest.raises(RuleViolation) as refused:
        services.plan_file(plan=plan, by=institution_clerk, today=date(2024, 10, 8))
    assert refused.value.rule_id == "R-CQ-2" and "2024年12月08日" in refused.value.message
    services.plan_file(plan=plan, by=institution_clerk, today=date(2024, 10, 2))
    assert plan.status == Plan.Status.FILED


@pytest.fixture
def daily_calendar(db):
    CalendarEntry.objects.create(region_code="510000", year=2024, number=17, kind=PlanKind.DAILY,
                                 assessment_type=AssessmentType.SPECIAL_ABILITY,
                                 registration_deadline=date(2024, 9, 13), exam_date=date(2024, 10, 19))


def daily_plan(clerk, site, day):
    return make_plan(clerk, site, kind=PlanKind.DAILY, assessment_type=AssessmentType.SPECIAL_ABILITY,
                     sessions=[day], item={"special_item": SpecialItem.objects.get(name="大数据清洗")})


def test_r_sc24_13_a_daily_exam_within_seven_days_of_the_calendar_date_is_accepted(
    catalogue, daily_calendar, institution_clerk, site
):
    plan = daily_plan(institution_clerk, site, date(2024, 10, 26))
    services.plan_file(plan=plan, by=institution_clerk, today=date(2024, 9, 20))
    assert plan.status == Plan.Status.FILED


def test_r_sc24_13_a_daily_exam_outside_the_calendar_is_refused(catalogue, daily_calendar, institution_clerk, site):
    plan = daily_plan(institution_clerk, site, date(2024, 10, 27))
    with pytest.raises(RuleViolation) as refused:
        services.plan_file(plan=plan, by=institution_clerk, today=date(2024, 9, 20))
    assert refused.value.rule_id == "R-SC24-13" and "2024年10月27日" in refused.value.message


def test_r_sc24_4_an_exception_is_filed_with_a_reason_and_must_be_approved_explicitly(
    catalogue, daily_calendar, institution_clerk, site, chengdu_reviewer
):
    plan = daily_plan(institution_clerk, site, date(2024, 10, 27))
    plan.schedule_exception, plan.schedule_exception_reason = True, "考核量较大，增加一次考核"
    plan.save()
    services.plan_file(plan=plan, by=institution_clerk, today=date(2024, 9, 20))
    with pytest.raises(RuleViolation) as refused:
        services.plan_approve(plan=plan, by=chengdu_reviewer, today=date(2024, 9, 21))
    assert refused.value.rule_id == "R-SC24-4"
    services.plan_approve(plan=plan, by=chengdu_reviewer, today=date(2024, 9, 21), approve_schedule_exception=True)
    assert plan.status == Plan.Status.APPROVED and plan.announced_at


def test_chengdu_reviewer_approves_and_the_institution_cannot(catalogue, institution_clerk, institution_admin, site,
                                                            chengdu_reviewer, mianyang_reviewer):
    plan = make_plan(institution_clerk, site, sessions=[date(2024, 11, 18)])
    services.plan_file(plan=plan, by=institution_clerk, today=date(2024, 11, 1))
    for outsider in (institution_admin, institution_clerk, mianyang_reviewer):
        with pytest.raises(PermissionRefused):
            services.plan_approve(plan=plan, by=outsider, today=date(2024, 11, 1))
    services.plan_approve(plan=plan, by=chengdu_reviewer, today=date(2024, 11, 1))
    assert plan.status == Plan.Status.APPROVED
    actions = list(AuditEvent.objects.filter(object_type="plans.Plan").values_list("action", flat=True))
    assert {"plan.create", "plan.filed", "plan.approved"} <= set(actions)


def test_a_returned_plan_needs_a_reason_and_can_be_filed_again(catalogue, institution_clerk, site, chengdu_reviewer):
    plan = make_plan(institution_clerk, site, sessions=[date(2024, 11, 18)])
    services.plan_file(plan=plan, by=institution_clerk, today=date(2024, 11, 1))
    with pytest.raises(ValidationError):
        services.plan_return(plan=plan, by=chengdu_reviewer, reason=" ")
    services.plan_return(plan=plan, by=chengdu_reviewer, reason="考场安排不足")
    assert plan.status == Plan.Status.RETURNED and plan.review_reason == "考场安排不足"
    services.plan_file(plan=plan, by=institution_clerk, today=date(2024, 11, 1))
    assert plan.status == Plan.Status.FILED


def test_r_fj_2_an_item_without_an_approved_facility_filing_cannot_open_registration(
    catalogue, institution_clerk, site, chengdu_reviewer
):
    plan = make_plan(institution_clerk, site, sessions=[date(2024, 11, 18)])
    services.plan_file(plan=plan, by=institution_clerk, today=date(2024, 11, 1))
    services.plan_approve(plan=plan, by=chengdu_reviewer, today=date(2024, 11, 1))
    with pytest.raises(RuleViolation) as refused:
        services.plan_open_registration(plan=plan, by=institution_clerk)
    assert refused.value.rule_id == "R-FJ-2" and "育婴员" in refused.value.message
    FacilityFiling.objects.create(institution=site.institution, site=site, occupation=plan.items.get().occupation,
                                  level=4, status=ReviewStatus.APPROVED)
    services.plan_open_registration(plan=plan, by=institution_clerk)
    assert plan.status == Plan.Status.REGISTRATION_OPEN


def test_r_sc24_12_a_plan_with_a_site_in_another_city_is_reviewed_there(catalogue, institution_clerk, mianyang,
                                                                       mianyang_reviewer, chengdu_reviewer):
    far_site = Site.objects.create(institution=institution_clerk.organisation, name="绵阳临时考点",
                                   address="涪城区临园路", region_code="510703", contact_name="陈录",
                                   contact_phone="0", safety_officer="王安")
    plan = make_plan(institution_clerk, far_site, sessions=[date(2024, 11, 18)])
    assert plan.reviewing_center == mianyang
    services.plan_file(plan=plan, by=institution_clerk, today=date(2024, 11, 1))
    with pytest.raises(PermissionRefused):
        services.plan_approve(plan=plan, by=chengdu_reviewer, today=date(2024, 11, 1))
    services.plan_approve(plan=plan, by=mianyang_reviewer, today=date(2024, 11, 1))
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED and plan.reviewed_by == mianyang_reviewer


def test_sessions_cannot_be_changed_after_filing(catalogue, institution_clerk, site):
    plan = make_plan(institution_clerk, site, sessions=[date(2024, 11, 18)])
    services.plan_file(plan=plan, by=institution_clerk, today=date(2024, 11, 1))
    with pytest.raises(ValidationError, match="R-CQ-8"):
        services.session_add(plan=plan, by=institution_clerk, item=plan.items.get(), day=date(2024, 11, 19),
                             start=time(9), end=time(10))


def test_an_institution_cannot_plan_on_another_institutions_site(catalogue, other_institution_clerk, site):
    with pytest.raises(PermissionRefused):
        make_plan(other_institution_clerk, site)


def approved_plan(clerk, site, reviewer):
    plan = make_plan(clerk, site, sessions=[date(2024, 11, 18)])
    services.plan_file(plan=plan, by=clerk, today=date(2024, 11, 1))
    return services.plan_approve(plan=plan, by=reviewer, today=date(2024, 11, 1))


def test_r_cq_8_a_time_change_applies_only_when_the_center_approves(catalogue, institution_clerk, site,
                                                                     chengdu_reviewer):
    plan = approved_plan(institution_clerk, site, chengdu_reviewer)
    session = plan.sessions.get()
    change = services.plan_change_request(
        plan=plan, by=institution_clerk, reason="考场检修",
        sessions=[{"id": session.pk, "date": "2024-11-20", "start": "14:00", "end": "15:30"}], today=date(2024, 11, 1),
    )
    session.refresh_from_db()
    assert session.date == date(2024, 11, 18), "the plan keeps its old values until approval"
    with pytest.raises(PermissionRefused):
        services.plan_change_approve(change=change, by=institution_clerk, today=date(2024, 11, 1))
    services.plan_change_approve(change=change, by=chengdu_reviewer, today=date(2024, 11, 1))
    session.refresh_from_db()
    assert (session.date, session.start) == (date(2024, 11, 20), time(14))
    event = AuditEvent.objects.get(action="plan.change_approved")
    assert event.before["sessions"][0]["date"] == "2024-11-18"


def test_r_cq_8_a_rejected_change_leaves_the_plan_as_it_was(catalogue, institution_clerk, site, chengdu_reviewer):
    plan = approved_plan(institution_clerk, site, chengdu_reviewer)
    session = plan.sessions.get()
    change = services.plan_change_request(
        plan=plan, by=institution_clerk, reason="改期",
        sessions=[{"id": session.pk, "date": "2024-11-25", "start": "09:00", "end": "10:30"}], today=date(2024, 11, 1),
    )
    services.plan_change_reject(change=change, by=chengdu_reviewer, reason="已公告，不宜改期")
    session.refresh_from_db()
    assert session.date == date(2024, 11, 18)
    with pytest.raises(ValidationError):
        services.plan_change_approve(change=change, by=chengdu_reviewer, today=date(2024, 11, 1))


def test_r_sc24_13_with_the_loaded_2024_calendar_a_daily_plan_outside_it_is_refused(catalogue, institution_clerk,
                                                                                    site):
    from kaowu.plans.calendar.services import calendar_load

    calendar_load()
    assert CalendarEntry.objects.filter(year=2024, kind=PlanKind.DAILY).count() == 22
    inside = daily_plan(institution_clerk, site, date(2024, 12, 20))  # 14 December + 6 days
    services.plan_file(plan=inside, by=institution_clerk, today=date(2024, 11, 20))
    outside = daily_plan(institution_clerk, site, date(2024, 12, 22))  # 14 December + 8 days
    with pytest.raises(RuleViolation) as refused:
        services.plan_file(plan=outside, by=institution_clerk, today=date(2024, 11, 20))
    assert refused.value.rule_id == "R-SC24-13"


def test_a_draft_plan_cannot_be_approved_before_it_is_filed(catalogue, institution_clerk, site, chengdu_reviewer):
    plan = make_plan(institution_clerk, site, sessions=[date(2024, 11, 18)])
    with pytest.raises(ValidationError) as refused:
        services.plan_transition(plan=plan, to=Plan.Status.APPROVED, by=chengdu_reviewer)
    assert "计划当前状态为“草稿”，不能变为“已批准”" in refused.value.messages
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert not AuditEvent.objects.filter(action="plan.approved").exists()


def test_an_approved_change_request_cannot_be_rejected_afterwards(catalogue, institution_clerk, site,
                                                                   chengdu_reviewer):
    plan = approved_plan(institution_clerk, site, chengdu_reviewer)
    session = plan.sessions.get()
    change = services.plan_change_request(
        plan=plan, by=institution_clerk, reason="考场检修",
        sessions=[{"id": session.pk, "date": "2024-11-20", "start": "14:00", "end": "15:30"}], today=date(2024, 11, 1),
    )
    services.plan_change_approve(change=change, by=chengdu_reviewer, today=date(2024, 11, 1))
    with pytest.raises(ValidationError) as refused:
        services.plan_change_request_transition(change=change, to=change.Status.REJECTED, by=chengdu_reviewer,
                                                reason="改主意了")
    assert "变更申请当前状态为“已批准”，不能变为“已驳回”" in refused.value.messages
    change.refresh_from_db()
    assert change.status == change.Status.APPROVED
