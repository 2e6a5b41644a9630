"""The release pages: the institution sees what blocks its submission and submits (R-FJ-10, R-CQ-11), the
center reviews the evidence (sheets, summary photos, checks), approves, returns, publishes (R-CQ-12) and
decides rechecks (R-FJ-11); outsiders get 404 (another city, another institution) or 403 (wrong role)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kaowu.core.models import AuditEvent
from kaowu.plans.models import Session
from kaowu.scoring.models import RecheckRequest, Result, ResultRelease, ScoreSummary, SubjectScore
from kaowu.scoring.release import services
from kaowu.scoring.tests.factories import checker_make, release_world_build, scores_complete

pytestmark = pytest.mark.django_db
Status = ResultRelease.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def rw(institution_clerk, chengdu_reviewer, chengdu_institution):
    rw = release_world_build(institution_clerk, chengdu_reviewer)
    rw.checker = checker_make(chengdu_institution)
    return rw


def complete(rw, **kwargs):
    scores_complete(rw, entered_by=rw.clerk, checked_by=rw.checker, **kwargs)


def page(client, login, user, url, **kwargs):
    login(user)
    return client.get(url, **kwargs)


def test_r_cq_11_the_institution_sees_what_blocks_its_submission_and_the_refusal_names_the_rule(
        client, login, rw, institution_clerk):
    complete(rw, skip=("sheets",))
    url = f"/scores/release/plans/{rw.plan.pk}/"

    response = page(client, login, institution_clerk, url)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="gaps"' in html and "评分表未签名" in html and "（R-CQ-11）" in html

    response = client.post(f"/scores/release/plans/{rw.plan.pk}/submit/", follow=True)
    html = response.content.decode()
    assert "成绩尚不能上报" in html and "规则 R-CQ-11" in html
    assert not ResultRelease.objects.filter(status=Status.SUBMITTED).exists()


def test_r_fj_10_the_institution_submits_and_the_center_reviews_the_evidence(
        client, login, rw, institution_clerk, chengdu_reviewer):
    complete(rw)
    login(institution_clerk)
    response = client.post(f"/scores/release/plans/{rw.plan.pk}/submit/", follow=True)
    assert "成绩已上报成都市职业技能鉴定指导中心审核" in response.content.decode()
    release = ResultRelease.objects.get(plan=rw.plan)
    assert release.status == Status.SUBMITTED

    html = page(client, login, chengdu_reviewer, f"/scores/release/plans/{rw.plan.pk}/").content.decode()
    summary = ScoreSummary.objects.get()
    assert 'id="approve-results"' in html and f"/scores/release/summaries/{summary.pk}/photo/" in html
    assert html.count("已签名") >= 3 and "何核" in html  # signatures and the second checker (R-CQ-11)

    photo = client.get(f"/scores/release/summaries/{summary.pk}/photo/")
    assert photo.status_code == 200 and photo["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="scoring.summary_download")
    assert event.actor == chengdu_reviewer and event.object_id == str(summary.pk)

    client.post(f"/scores/release/{release.pk}/approve/")
    release.refresh_from_db()
    assert release.status == Status.APPROVED


def test_outsiders_cannot_see_the_plans_results_or_its_evidence(
        client, login, rw, mianyang_reviewer, other_institution_clerk, candidate, assessor):
    complete(rw)
    release = services.results_submit(plan=rw.plan, by=rw.clerk)
    summary = ScoreSummary.objects.get()
    for outsider in (mianyang_reviewer, other_institution_clerk):
        login(outsider)
        assert client.get(f"/scores/release/plans/{rw.plan.pk}/").status_code == 404
        assert client.get(f"/scores/release/summaries/{summary.pk}/photo/").status_code == 404
        assert rw.plan.name not in client.get("/scores/release/").content.decode()
    login(mianyang_reviewer)
    assert client.post(f"/scores/release/{release.pk}/approve/").status_code == 404
    for wrong_role in (candidate, assessor):
        login(wrong_role)
        assert client.get(f"/scores/release/plans/{rw.plan.pk}/").status_code == 403
        assert client.get(f"/scores/release/summaries/{summary.pk}/photo/").status_code == 403
    assert not AuditEvent.objects.filter(action="scoring.summary_download").exists()
    release.refresh_from_db()
    assert release.status == Status.SUBMITTED


def test_r_fj_10_the_institution_cannot_approve_its_own_results(client, login, rw, institution_admin):
    complete(rw)
    release = services.results_submit(plan=rw.plan, by=rw.clerk)
    login(institution_admin)
    assert client.post(f"/scores/release/{release.pk}/approve/").status_code == 403
    release.refresh_from_db()
    assert release.status == Status.SUBMITTED


def test_the_center_returns_with_a_reason_and_the_institution_sees_it(
        client, login, rw, chengdu_reviewer, institution_clerk):
    complete(rw)
    release = services.results_submit(plan=rw.plan, by=rw.clerk)
    login(chengdu_reviewer)
    client.post(f"/scores/release/{release.pk}/return/", {"reason": ""})
    release.refresh_from_db()
    assert release.status == Status.SUBMITTED

    client.post(f"/scores/release/{release.pk}/return/", {"reason": "汇总表照片模糊，请重新上传"})
    release.refresh_from_db()
    assert release.status == Status.RETURNED

    html = page(client, login, institution_clerk, f"/scores/release/plans/{rw.plan.pk}/").content.decode()
    assert "审核中心退回：汇总表照片模糊，请重新上传" in html and 'id="submit-results"' in html


def publish_now(rw, reviewer) -> ResultRelease:
    release = services.results_submit(plan=rw.plan, by=rw.clerk)
    release = services.results_approve(release=release, by=reviewer)
    return services.results_publish(release=release, by=reviewer)


def test_r_cq_12_the_center_publishes_from_the_page_with_the_dates_shown(client, login, rw, chengdu_reviewer):
    complete(rw)
    release = services.results_approve(release=services.results_submit(plan=rw.plan, by=rw.clerk),
                                       by=chengdu_reviewer)
    # An exam that ended more than 10 working days ago: the page warns before publishing.
    ResultRelease.objects.filter(pk=release.pk).update(exam_end=timezone.localdate() - timedelta(days=40))
    html = page(client, login, chengdu_reviewer, f"/scores/release/plans/{rw.plan.pk}/").content.decode()
    assert 'id="publish-results"' in html and 'id="late-warning"' in html

    response = client.post(f"/scores/release/{release.pk}/publish/", follow=True)

    release.refresh_from_db()
    assert release.status == Status.PUBLISHED
    assert f"公示期至{release.publication_ends:%Y年%m月%d日}" in response.content.decode()
    assert "已超过最迟公示日期" in response.content.decode()


def test_r_fj_11_the_institution_asks_a_recheck_and_the_center_corrects_the_score(
        client, login, rw, chengdu_reviewer, institution_clerk, other_institution_clerk):
    complete(rw)
    first = rw.seated(rw.practical)[0]
    score = SubjectScore.objects.get(application_id=first, session=rw.practical)
    SubjectScore.objects.filter(pk=score.pk).update(score=Decimal("55"))
    publish_now(rw, chengdu_reviewer)
    result = Result.objects.get(application_id=first)
    assert result.outcome == "failed"

    login(other_institution_clerk)
    assert client.get(f"/scores/release/results/{result.pk}/recheck/").status_code == 404
    login(institution_clerk)
    response = client.post(f"/scores/release/results/{result.pk}/recheck/",
                           {"kind": "other", "reason": "考生认为评分过严"})
    assert response.status_code == 200 and "R-FJ-11" in response.content.decode()
    client.post(f"/scores/release/results/{result.pk}/recheck/", {"kind": "wrong", "reason": "技能操作应为65分"})
    recheck = RecheckRequest.objects.get()
    assert recheck.kind == "wrong" and recheck.requested_by == institution_clerk

    assert client.post(f"/scores/release/rechecks/{recheck.pk}/",
                       {"decision": "uphold", "reason": "无误"}).status_code == 403
    login(chengdu_reviewer)
    html = client.get(f"/scores/release/rechecks/{recheck.pk}/").content.decode()
    assert 'id="decision-form"' in html and "技能操作应为65分" in html
    response = client.post(f"/scores/release/rechecks/{recheck.pk}/", {
        "decision": "correct", "subject_score": score.pk, "new_score": "65", "reason": "原始评分表为65分，录入错误"})
    assert response.status_code == 302

    recheck.refresh_from_db()
    assert recheck.status == RecheckRequest.Status.CORRECTED
    assert SubjectScore.objects.get(pk=score.pk).score == Decimal("65")
    assert Result.objects.get(pk=result.pk).outcome == "passed"


def test_the_recheck_pages_are_scoped(client, login, rw, chengdu_reviewer, mianyang_reviewer,
                                      other_institution_clerk, candidate):
    complete(rw)
    publish_now(rw, chengdu_reviewer)
    result = Result.objects.get(application_id=rw.seated(rw.practical)[0])
    recheck = services.recheck_request(result=result, kind="missing", reason="漏登", by=rw.clerk)
    for outsider in (mianyang_reviewer, other_institution_clerk):
        login(outsider)
        assert client.get(f"/scores/release/rechecks/{recheck.pk}/").status_code == 404
        assert f"/scores/release/rechecks/{recheck.pk}/" not in client.get("/scores/release/rechecks/").content.decode()
    login(candidate)
    assert client.get("/scores/release/rechecks/").status_code == 403


def test_the_center_finalises_from_the_page_once_the_window_has_passed(client, login, rw, chengdu_reviewer):
    complete(rw)
    release = publish_now(rw, chengdu_reviewer)
    html = page(client, login, chengdu_reviewer, f"/scores/release/plans/{rw.plan.pk}/").content.decode()
    assert 'id="finalise-results"' not in html and "期满且复查处理完毕后确认最终成绩" in html

    yesterday = timezone.localdate() - timedelta(days=1)
    ResultRelease.objects.filter(pk=release.pk).update(recheck_until=yesterday, publication_ends=yesterday)
    html = client.get(f"/scores/release/plans/{rw.plan.pk}/").content.decode()
    assert 'id="finalise-results"' in html
    client.post(f"/scores/release/{release.pk}/finalise/")
    release.refresh_from_db()
    assert release.status == Status.FINAL and Result.objects.filter(final=False).count() == 0


def test_the_list_shows_overdue_submissions_to_the_institution(client, login, rw, institution_clerk):
    Session.objects.filter(plan=rw.plan).update(date=timezone.localdate() - timedelta(days=20))
    html = page(client, login, institution_clerk, "/scores/release/").content.decode()
    assert rw.plan.name in html and 'id="overdue"' in html and "成绩上报逾期" in html
