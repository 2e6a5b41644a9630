"""A plan's results from submission to finality: what a submission needs (R-FJ-10, R-CQ-11), the center's
review, publication (R-CQ-12), rechecks of clerical errors only (R-FJ-11), the lock on scores after
submission, finality, and the overdue reminders."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kaowu.catalog.policy import policy_active
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.core.workflow import TransitionRefused
from kaowu.scoring import deadlines
from kaowu.scoring.entry import services as services_entry
from kaowu.scoring.models import RecheckRequest, Result, ResultRelease, ScoreCorrection, SubjectScore
from kaowu.scoring.release import selectors as sel
from kaowu.scoring.release import services
from kaowu.scoring.release.compose import results_compose
from kaowu.scoring.tests.factories import (
    EXAM_DAY,
    candidate_login,
    checker_make,
    release_world_build,
    scores_complete,
)

pytestmark = pytest.mark.django_db
Status = ResultRelease.Status
SUBMIT_DAY = date(2026, 11, 12)  # Thursday, within the 3 working days (R-FJ-10)
PUBLISH_DAY = date(2026, 11, 16)  # Monday


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def checker(chengdu_institution):
    """The second clerk who checks the scores (R-CQ-11)."""
    return checker_make(chengdu_institution)


@pytest.fixture
def rw(institution_clerk, chengdu_reviewer):
    return release_world_build(institution_clerk, chengdu_reviewer)


@pytest.fixture
def complete(rw, institution_clerk, checker):
    scores_complete(rw, entered_by=institution_clerk, checked_by=checker)
    return rw


def submitted(rw) -> ResultRelease:
    return services.results_submit(plan=rw.plan, by=rw.clerk, today=SUBMIT_DAY)


def published(rw, reviewer) -> ResultRelease:
    release = services.results_approve(release=submitted(rw), by=reviewer, today=SUBMIT_DAY)
    return services.results_publish(release=release, by=reviewer, today=PUBLISH_DAY)


def practical_score(rw, application_id: int) -> SubjectScore:
    return SubjectScore.objects.get(application_id=application_id, session=rw.practical)


# --- submission ----------------------------------------------------------------------------------

def test_r_fj_10_complete_scores_are_submitted_composed_and_the_center_has_3_working_days(complete):
    release = submitted(complete)

    assert release.status == Status.SUBMITTED and release.submitted_by == complete.clerk
    assert release.exam_end == EXAM_DAY and release.report_due == date(2026, 11, 13)
    assert release.confirm_due == deadlines.confirm_due(SUBMIT_DAY, 3) == date(2026, 11, 17)
    results = Result.objects.filter(release=release)
    assert results.count() == 12 and set(results.values_list("outcome", flat=True)) == {"passed"}
    event = AuditEvent.objects.get(action="scoring.release_submit")
    assert event.actor == complete.clerk and event.after["late"] is False and event.after["results"] == 12


def test_r_fj_10_a_missing_score_refuses_the_submission_and_says_where(rw, institution_clerk, checker):
    first = rw.seated(rw.practical)[0]
    scores_complete(rw, entered_by=institution_clerk, checked_by=checker, skip=(f"score:{first}",))

    with pytest.raises(RuleViolation) as refusal:
        submitted(rw)

    assert refusal.value.rule_id == "R-FJ-10"
    assert "技能操作" in refusal.value.message and "成绩未录入" in refusal.value.message
    assert not ResultRelease.objects.filter(plan=rw.plan, status=Status.SUBMITTED).exists()
    assert not Result.objects.exists()


def test_r_cq_11_unsigned_sheets_refuse_the_submission(rw, institution_clerk, checker):
    scores_complete(rw, entered_by=institution_clerk, checked_by=checker, skip=("sheets",))

    with pytest.raises(RuleViolation) as refusal:
        submitted(rw)

    assert refusal.value.rule_id == "R-CQ-11" and "评分表未签名" in refusal.value.message


def test_r_fj_10_a_practical_room_without_the_signed_summary_photo_refuses(rw, institution_clerk, checker):
    scores_complete(rw, entered_by=institution_clerk, checked_by=checker, skip=("summary",))

    with pytest.raises(RuleViolation) as refusal:
        submitted(rw)

    assert refusal.value.rule_id == "R-FJ-10" and "汇总表照片" in refusal.value.message


def test_r_cq_11_scores_without_a_second_check_refuse_when_the_profile_asks_for_it(rw, institution_clerk, checker):
    scores_complete(rw, entered_by=institution_clerk, checked_by=checker, skip=("checks",))

    with pytest.raises(RuleViolation) as refusal:
        submitted(rw)
    assert refusal.value.rule_id == "R-CQ-11" and "复核" in refusal.value.message

    profile = policy_active()
    profile.score_entry_double_signature_required = False
    profile.save()
    assert submitted(rw).status == Status.SUBMITTED


def test_r_cq_11_a_check_by_the_clerk_who_entered_the_score_does_not_count(rw, institution_clerk):
    scores_complete(rw, entered_by=institution_clerk, checked_by=institution_clerk)

    with pytest.raises(RuleViolation) as refusal:
        submitted(rw)

    assert refusal.value.rule_id == "R-CQ-11" and "24项成绩的复核人与录入人为同一人" in refusal.value.message


def test_r_cq_11_an_unsettled_spread_between_assessors_refuses(complete):
    score = practical_score(complete, complete.seated(complete.practical)[0])
    SubjectScore.objects.filter(pk=score.pk).update(spread=Decimal("15"), flagged=True)

    with pytest.raises(RuleViolation) as refusal:
        submitted(complete)
    assert refusal.value.rule_id == "R-CQ-11" and "评分差" in refusal.value.message

    SubjectScore.objects.filter(pk=score.pk).update(settle_reason="组长复看录像，按多数意见")
    assert submitted(complete).status == Status.SUBMITTED


def test_r_fj_10_a_paid_candidate_without_a_seat_or_a_score_refuses(complete):
    late = complete.exam.add(complete.exam.infant, 1)[0]

    with pytest.raises(RuleViolation) as refusal:
        submitted(complete)

    assert f"{late.candidate.name}未编排座位，也没有成绩或缺考登记" in refusal.value.message


def test_r_fj_10_only_the_plans_institution_submits(complete, other_institution_clerk, chengdu_reviewer,
                                                   institution_admin):
    for outsider in (other_institution_clerk, chengdu_reviewer):
        with pytest.raises(PermissionRefused):
            services.results_submit(plan=complete.plan, by=outsider, today=SUBMIT_DAY)
    assert services.results_submit(plan=complete.plan, by=institution_admin).status == Status.SUBMITTED


def test_r_fj_10_submitted_results_cannot_be_submitted_again(complete):
    submitted(complete)
    with pytest.raises(RuleViolation) as refusal:
        submitted(complete)
    assert refusal.value.rule_id == "R-FJ-10" and "已上报待审核" in refusal.value.message


def test_r_fj_10_a_late_submission_goes_through_and_is_recorded_as_late(complete):
    release = services.results_submit(plan=complete.plan, by=complete.clerk, today=date(2026, 11, 20))

    assert release.status == Status.SUBMITTED
    assert AuditEvent.objects.get(action="scoring.release_submit").after["late"] is True


# --- the lock on scores --------------------------------------------------------------------------

def test_r_fj_11_scores_are_locked_from_submission_and_open_again_when_returned(complete, chengdu_reviewer):
    session, first = complete.practical, complete.seated(complete.practical)[0]
    assert sel.scores_locked(complete.plan) is False

    release = submitted(complete)
    assert sel.scores_locked(complete.plan) is True
    with pytest.raises(ValidationError, match="R-FJ-11"):  # score entry asks the same question
        services_entry.attendance_record(session=session, rows={first: "absent"}, by=complete.clerk)

    services.results_return(release=release, reason="第1考场汇总表照片不清晰", by=chengdu_reviewer)
    assert sel.scores_locked(complete.plan) is False


# --- the center's review -------------------------------------------------------------------------

def test_r_fj_10_the_plans_center_or_the_province_confirms_nobody_else(complete, chengdu_reviewer, mianyang_reviewer,
                                                                      institution_admin, province_admin):
    release = submitted(complete)
    for outsider in (mianyang_reviewer, institution_admin):
        with pytest.raises(PermissionRefused):
            services.results_approve(release=release, by=outsider)

    release = services.results_approve(release=release, by=chengdu_reviewer, today=SUBMIT_DAY)

    assert release.status == Status.APPROVED and release.reviewed_by == chengdu_reviewer
    event = AuditEvent.objects.get(action="scoring.release_approve")
    assert event.after["late"] is False and event.before["status"] == "submitted"
    with pytest.raises(RuleViolation):
        services.results_approve(release=release, by=province_admin)


def test_r_fj_10_results_not_submitted_cannot_be_confirmed(complete, chengdu_reviewer):
    release = services.release_get_or_create(complete.plan)
    with pytest.raises(RuleViolation) as refusal:
        services.results_approve(release=release, by=chengdu_reviewer)
    assert "成绩录入中" in refusal.value.message


def test_a_return_needs_a_reason_and_the_institution_submits_again(complete, chengdu_reviewer):
    release = submitted(complete)
    with pytest.raises(ValidationError):
        services.results_return(release=release, reason="  ", by=chengdu_reviewer)

    release = services.results_return(release=release, reason="考生甲理论成绩与原始记录不符", by=chengdu_reviewer)
    assert release.status == Status.RETURNED and release.return_reason == "考生甲理论成绩与原始记录不符"

    release = submitted(complete)
    assert release.status == Status.SUBMITTED and release.return_reason == ""
    assert Result.objects.filter(release=release).count() == 12  # composed again, not twice


# --- publication (R-CQ-12) -----------------------------------------------------------------------

def test_r_cq_12_the_publication_lasts_5_working_days_and_opens_the_recheck_window(complete, chengdu_reviewer):
    release = published(complete, chengdu_reviewer)

    assert release.status == Status.PUBLISHED and release.published_at is not None
    assert release.publication_ends == deadlines.publication_ends(PUBLISH_DAY, 5) == date(2026, 11, 23)
    # R-FJ-11 ten days, R-CQ-12 one month: the later (16 December, a Wednesday).
    assert release.recheck_until == date(2026, 12, 16)
    event = AuditEvent.objects.get(action="scoring.release_publish")
    assert event.after["late"] is False and event.after["latest_start"] == "2026-11-24"


def test_r_cq_12_a_publication_after_the_latest_start_goes_ahead_recorded_as_late(complete, chengdu_reviewer):
    release = services.results_approve(release=submitted(complete), by=chengdu_reviewer)

    release = services.results_publish(release=release, by=chengdu_reviewer, today=date(2026, 11, 26))

    assert release.status == Status.PUBLISHED
    event = AuditEvent.objects.get(action="scoring.release_publish")
    assert event.after["late"] is True and event.after["late_days"] == 2


def test_r_cq_12_results_are_published_only_after_the_centers_confirmation(complete, chengdu_reviewer,
                                                                          institution_admin):
    release = submitted(complete)
    with pytest.raises(RuleViolation) as refusal:
        services.results_publish(release=release, by=chengdu_reviewer)
    assert refusal.value.rule_id == "R-CQ-12"
    release = services.results_approve(release=release, by=chengdu_reviewer)
    with pytest.raises(PermissionRefused):
        services.results_publish(release=release, by=institution_admin)


# --- rechecks (R-FJ-11) ----------------------------------------------------------------------------

def result_of(rw, application_id: int) -> Result:
    return Result.objects.select_related("application__candidate", "release").get(application_id=application_id)


def test_r_fj_11_the_candidate_asks_a_recheck_of_their_own_result_within_the_window(complete, chengdu_reviewer):
    published(complete, chengdu_reviewer)
    result = result_of(complete, complete.seated(complete.practical)[0])
    user = candidate_login(result.application)

    recheck = services.recheck_request(result=result, kind="miscounted", reason="技能操作分项合计有误", by=user,
                                       today=PUBLISH_DAY + timedelta(days=3))

    assert recheck.status == RecheckRequest.Status.PENDING and recheck.requested_by == user
    assert AuditEvent.objects.filter(action="scoring.recheck_request", object_id=str(recheck.pk)).exists()
    with pytest.raises(ValidationError, match="待处理"):  # one at a time
        services.recheck_request(result=result, kind="wrong", reason="再查", by=user, today=PUBLISH_DAY)


def test_r_fj_11_a_recheck_covers_only_missing_wrong_or_miscounted_scores(complete, chengdu_reviewer):
    published(complete, chengdu_reviewer)
    result = result_of(complete, complete.seated(complete.practical)[0])
    user = candidate_login(result.application)

    with pytest.raises(RuleViolation) as refusal:
        services.recheck_request(result=result, kind="other", reason="评分标准过严", by=user, today=PUBLISH_DAY)

    assert refusal.value.rule_id == "R-FJ-11" and "漏登、错登、错统" in refusal.value.message
    assert not RecheckRequest.objects.exists()


def test_r_fj_11_no_recheck_before_publication_or_after_the_window(complete, chengdu_reviewer):
    release = services.results_approve(release=submitted(complete), by=chengdu_reviewer)
    result = result_of(complete, complete.seated(complete.practical)[0])
    user = candidate_login(result.application)
    with pytest.raises(RuleViolation, match="R-FJ-11"):
        services.recheck_request(result=result, kind="wrong", reason="登错", by=user, today=SUBMIT_DAY)

    release = services.results_publish(release=release, by=chengdu_reviewer, today=PUBLISH_DAY)
    with pytest.raises(RuleViolation) as refusal:
        services.recheck_request(result=result, kind="wrong", reason="登错", by=user,
                                 today=release.recheck_until + timedelta(days=1))
    assert "2026年12月16日截止" in refusal.value.message


def test_r_fj_11_the_institution_asks_for_its_candidate_nobody_else_does(complete, chengdu_reviewer, candidate,
                                                                         other_institution_clerk):
    published(complete, chengdu_reviewer)
    result = result_of(complete, complete.seated(complete.practical)[0])
    for outsider in (candidate, other_institution_clerk, chengdu_reviewer):
        with pytest.raises(PermissionRefused):
            services.recheck_request(result=result, kind="wrong", reason="登错", by=outsider, today=PUBLISH_DAY)

    recheck = services.recheck_request(result=result, kind="missing", reason="考生称技能操作漏登", by=complete.clerk,
                                       today=PUBLISH_DAY)
    assert recheck.requested_by == complete.clerk


def test_r_fj_11_a_correction_changes_the_score_records_it_and_recomposes_the_result(complete, chengdu_reviewer):
    first = complete.seated(complete.practical)[0]
    SubjectScore.objects.filter(pk=practical_score(complete, first).pk).update(score=Decimal("50"))
    published(complete, chengdu_reviewer)
    result = result_of(complete, first)
    assert result.outcome == "failed"
    recheck = services.recheck_request(result=result, kind="miscounted", reason="分项合计应为75",
                                       by=complete.clerk, today=PUBLISH_DAY)

    correction = services.recheck_correct(recheck=recheck, subject_score=practical_score(complete, first),
                                          new_score="75", reason="汇总表分项合计75分，录入为50分", by=chengdu_reviewer)

    assert correction.before == Decimal("50") and correction.after == Decimal("75")
    assert practical_score(complete, first).score == Decimal("75")
    assert result_of(complete, first).outcome == "passed"
    recheck.refresh_from_db()
    assert recheck.status == RecheckRequest.Status.CORRECTED and recheck.decided_by == chengdu_reviewer
    event = AuditEvent.objects.get(action="scoring.score_correct")
    assert event.before["score"] == "50.00" and event.after["score"] == "75.00"
    decided = AuditEvent.objects.get(action="scoring.recheck_correct")
    assert decided.after["result_before"]["outcome"] == "failed"
    assert decided.after["result_after"]["outcome"] == "passed"


def test_r_fj_11_only_the_center_decides_and_only_on_the_candidates_own_scores(complete, chengdu_reviewer,
                                                                             mianyang_reviewer):
    published(complete, chengdu_reviewer)
    first, second = complete.seated(complete.practical)[:2]
    recheck = services.recheck_request(result=result_of(complete, first), kind="wrong", reason="登错",
                                       by=complete.clerk, today=PUBLISH_DAY)
    for outsider in (complete.clerk, mianyang_reviewer):
        with pytest.raises(PermissionRefused):
            services.recheck_uphold(recheck=recheck, reason="无误", by=outsider)
    with pytest.raises(ValidationError, match="考生本人"):
        services.recheck_correct(recheck=recheck, subject_score=practical_score(complete, second), new_score="80",
                                 reason="更正", by=chengdu_reviewer)
    with pytest.raises(ValidationError):
        services.recheck_uphold(recheck=recheck, reason="", by=chengdu_reviewer)

    recheck = services.recheck_uphold(recheck=recheck, reason="核对汇总表，登记无误", by=chengdu_reviewer)
    assert recheck.status == RecheckRequest.Status.UPHELD and not ScoreCorrection.objects.exists()


# --- finality ----------------------------------------------------------------------------------

def test_r_fj_11_results_become_final_only_after_the_window_with_every_recheck_decided(complete, chengdu_reviewer):
    release = published(complete, chengdu_reviewer)
    recheck = services.recheck_request(result=result_of(complete, complete.seated(complete.practical)[0]),
                                       kind="wrong", reason="登错", by=complete.clerk, today=PUBLISH_DAY)
    after = release.recheck_until + timedelta(days=1)
    with pytest.raises(RuleViolation, match="期满后"):
        services.results_finalise(release=release, today=release.recheck_until)
    with pytest.raises(RuleViolation, match="1项复查申请未处理"):
        services.results_finalise(release=release, today=after)
    assert services.results_finalise_due(today=after) == []

    services.recheck_uphold(recheck=recheck, reason="登记无误", by=chengdu_reviewer)
    assert services.results_finalise_due(today=after) == [release]

    release.refresh_from_db()
    assert release.status == Status.FINAL and release.finalised_at is not None
    assert set(Result.objects.filter(release=release).values_list("final", flat=True)) == {True}
    assert AuditEvent.objects.get(action="scoring.release_finalise").actor is None


def test_r_fj_11_nothing_changes_a_final_result(complete, chengdu_reviewer):
    release = published(complete, chengdu_reviewer)
    first = complete.seated(complete.practical)[0]
    recheck = services.recheck_request(result=result_of(complete, first), kind="wrong", reason="登错",
                                       by=complete.clerk, today=PUBLISH_DAY)
    services.recheck_uphold(recheck=recheck, reason="登记无误", by=chengdu_reviewer)
    release = services.results_finalise(release=release, by=chengdu_reviewer,
                                        today=release.recheck_until + timedelta(days=1))
    before = practical_score(complete, first).score

    with pytest.raises(RuleViolation, match="R-FJ-11"):
        services.recheck_request(result=result_of(complete, first), kind="wrong", reason="再查", by=complete.clerk)
    with pytest.raises(RuleViolation, match="R-FJ-11"):
        services.recheck_correct(recheck=recheck, subject_score=practical_score(complete, first), new_score="99",
                                 reason="改", by=chengdu_reviewer)
    with pytest.raises(RuleViolation):
        services.results_submit(plan=complete.plan, by=complete.clerk)
    with pytest.raises(RuleViolation):
        services.results_publish(release=release, by=chengdu_reviewer)
    with pytest.raises(RuleViolation, match="R-FJ-11"):
        results_compose(plan=complete.plan, by=chengdu_reviewer)
    assert sel.scores_locked(complete.plan) is True
    assert practical_score(complete, first).score == before


# --- overdue -----------------------------------------------------------------------------------

def test_r_fj_10_overdue_submissions_and_confirmations_reach_the_right_home_pages(
        complete, institution_clerk, other_institution_clerk, chengdu_reviewer, mianyang_reviewer, province_admin):
    due = date(2026, 11, 13)
    assert sel.overdue_releases(institution_clerk, due) == []
    rows = sel.overdue_releases(institution_clerk, due + timedelta(days=1))
    assert [(r.plan, r.what, r.due, r.days_late) for r in rows] == [(complete.plan, "report", due, 1)]
    assert sel.overdue_releases(other_institution_clerk, due + timedelta(days=1)) == []

    release = services.results_submit(plan=complete.plan, by=institution_clerk, today=date(2026, 11, 16))
    assert sel.overdue_releases(institution_clerk, date(2026, 11, 30)) == []
    late = release.confirm_due + timedelta(days=1)
    assert [r.what for r in sel.overdue_releases(chengdu_reviewer, late)] == ["confirm"]
    assert [r.what for r in sel.overdue_releases(province_admin, late)] == ["confirm"]
    assert sel.overdue_releases(mianyang_reviewer, late) == []
    services.results_approve(release=release, by=chengdu_reviewer)
    assert sel.overdue_releases(chengdu_reviewer, late) == []


# --- the transition tables ------------------------------------------------------------------------

def test_a_published_release_cannot_go_back_to_submitted(complete, chengdu_reviewer):
    release = published(complete, chengdu_reviewer)

    with pytest.raises(TransitionRefused) as refusal:
        services.result_release_transition(release=release, to=Status.SUBMITTED, by=complete.clerk)

    assert "成绩当前状态为“公示中”，不能变为“已上报待审核”" in refusal.value.messages[0]
    assert ResultRelease.objects.get(pk=release.pk).status == Status.PUBLISHED


def test_an_upheld_recheck_cannot_be_corrected_afterwards(complete, chengdu_reviewer):
    published(complete, chengdu_reviewer)
    result = result_of(complete, complete.seated(complete.practical)[0])
    recheck = services.recheck_request(result=result, kind="wrong", reason="登错", by=complete.clerk,
                                       today=PUBLISH_DAY)
    recheck = services.recheck_uphold(recheck=recheck, reason="核对无误", by=chengdu_reviewer)

    with pytest.raises(TransitionRefused) as refusal:
        services.recheck_transition(recheck=recheck, to=RecheckRequest.Status.CORRECTED, by=chengdu_reviewer,
                                    reason="再改")

    assert "复查申请当前状态为“维持原成绩”，不能变为“已更正”" in refusal.value.messages[0]
    assert RecheckRequest.objects.get(pk=recheck.pk).status == RecheckRequest.Status.UPHELD
