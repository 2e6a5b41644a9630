"""Retakes (R-CQ-13): the passed subject is carried over, only the failed one is sat again, at the same
institution, within the validity period, once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kaowu.arrangement.services import arrangement_input_load
from kaowu.arrangement.tests.factories import exam_build
from kaowu.catalog.models import Subject
from kaowu.core.errors import RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.plans.models import Plan, Session
from kaowu.registration.models import Application
from kaowu.scoring.models import Result, ResultRelease, SubjectScore
from kaowu.scoring.retake.services import retake_apply, retake_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(institution_clerk):
    """A published result: 育婴员 四级 theory passed (72), practical failed (41)."""
    exam = exam_build(institution_clerk, infant=1, hr=0)
    subjects = {s.kind: s for s in Subject.objects.filter(scheme__occupation__name="育婴员", scheme__level=4)}
    theory, practical = exam.sessions["infant_theory"], exam.sessions["infant_practical"]
    Session.objects.filter(pk=theory.pk).update(subject=subjects["theory"])
    Session.objects.filter(pk=practical.pk).update(subject=subjects["practical"])
    application = exam.made[0]
    published = timezone.now()
    release = ResultRelease.objects.create(plan=exam.plan, status=ResultRelease.Status.PUBLISHED,
                                           exam_end=theory.date, report_due=theory.date, published_at=published)
    SubjectScore.objects.create(application=application, session=theory, subject=subjects["theory"],
                                score=Decimal("72"), source=SubjectScore.Source.IMPORT)
    SubjectScore.objects.create(application=application, session=practical, subject=subjects["practical"],
                                score=Decimal("41"), source=SubjectScore.Source.ASSESSORS)
    Result.objects.create(application=application, release=release, outcome=Result.Outcome.FAILED, subjects=[
        {"subject": subjects["theory"].pk, "name": "理论知识", "score": "72", "pass_mark": "60", "passed": True},
        {"subject": subjects["practical"].pk, "name": "操作技能", "score": "41", "pass_mark": "60", "passed": False},
    ])
    exam.subjects = subjects
    exam.application = application
    return exam


def open_plan_like(exam, clerk, name="一站第03批次"):
    later = exam_build(clerk, infant=0, hr=0, plan_name=name, site=exam.site)
    Plan.objects.filter(pk=later.plan.pk).update(status=Plan.Status.REGISTRATION_OPEN)
    later.plan.refresh_from_db()
    for session in later.sessions.values():
        kind = "practical" if session.start.hour >= 12 else "theory"
        if session.item.occupation.name == "育婴员":
            Session.objects.filter(pk=session.pk).update(subject=exam.subjects[kind])
    return later


def test_a_retake_carries_the_passed_subject_and_sits_only_the_failed_one_R_CQ_13(failed, institution_clerk):
    later = open_plan_like(failed, institution_clerk)
    retake = retake_apply(original=failed.application, item=later.infant, by=institution_clerk,
                          today=timezone.localdate())

    assert retake.retake_of_id == failed.application.pk
    assert retake.carried_subjects == [failed.subjects["theory"].pk]
    carried = SubjectScore.objects.get(application=retake)
    assert carried.source == SubjectScore.Source.CARRIED and carried.score == Decimal("72")
    assert carried.carried_from.application_id == failed.application.pk
    assert AuditEvent.objects.filter(action="application.retake", object_id=str(retake.pk)).exists()

    # Paid, the retake is seated in the practical session only.
    Application.objects.filter(pk=retake.pk).update(status=Application.Status.PAID)
    data = arrangement_input_load(plan=later.plan, mode="full")
    (spec,) = [c for c in data.candidates if c.application_id == retake.pk]
    assert spec.session_ids == (later.sessions["infant_practical"].pk,)


def test_a_second_retake_is_refused_R_CQ_13(failed, institution_clerk):
    later = open_plan_like(failed, institution_clerk)
    retake_apply(original=failed.application, item=later.infant, by=institution_clerk, today=timezone.localdate())
    again = open_plan_like(failed, institution_clerk, name="一站第04批次")
    with pytest.raises(RuleViolation) as refused:
        retake_apply(original=failed.application, item=again.infant, by=institution_clerk,
                     today=timezone.localdate())
    assert refused.value.rule_id == "R-CQ-13" and "只能补考1次" in refused.value.message


def test_the_passed_subject_expires_after_the_validity_period_R_CQ_13(failed):
    published = failed.application.result.release.published_at.date()
    assert retake_offer(failed.application, on=published + timedelta(days=364)).valid_until
    with pytest.raises(RuleViolation) as refused:
        retake_offer(failed.application, on=published + timedelta(days=367))
    assert refused.value.rule_id == "R-CQ-13" and "已过期" in refused.value.message


def test_a_retake_is_at_the_same_institution_and_only_after_a_failed_result(failed, institution_clerk,
                                                                          other_institution_clerk):
    elsewhere = exam_build(other_institution_clerk, infant=0, hr=0, plan_name="他站第01批次")
    Plan.objects.filter(pk=elsewhere.plan.pk).update(status=Plan.Status.REGISTRATION_OPEN)
    with pytest.raises(RuleViolation) as refused:
        retake_apply(original=failed.application, item=elsewhere.infant, by=other_institution_clerk,
                     today=timezone.localdate())
    assert refused.value.rule_id == "R-CQ-13" and "原考核机构" in refused.value.message

    later = open_plan_like(failed, institution_clerk)
    with pytest.raises(ValidationError):
        retake_apply(original=failed.application, item=later.hr, by=institution_clerk, today=timezone.localdate())

    Result.objects.filter(application=failed.application).update(outcome=Result.Outcome.PASSED)
    with pytest.raises(RuleViolation) as refused:
        retake_offer(failed.application, on=timezone.localdate())
    assert "合格" in refused.value.message


def test_the_candidate_is_offered_the_retake_on_their_results_page_and_applies(failed, institution_clerk, candidate,
                                                                             login):
    from kaowu.registration.models import Candidate

    Candidate.objects.filter(pk=failed.application.candidate_id).update(user=candidate)
    ResultRelease.objects.filter(pk=failed.application.result.release_id).update(
        status=ResultRelease.Status.PUBLISHED)
    later = open_plan_like(failed, institution_clerk)
    client = login(candidate)

    page = client.get("/scores/me/").content.decode()
    assert "可申请补考（R-CQ-13）" in page and "理论知识 72" in page and later.plan.name in page

    response = client.post(f"/scores/me/results/{failed.application.result.pk}/retake/",
                           {"item": later.infant.pk})
    retake = Application.objects.get(retake_of=failed.application)
    assert response.status_code == 302 and response["Location"].endswith(f"/me/applications/{retake.pk}/")
    assert retake.candidate_id == failed.application.candidate_id and retake.status == Application.Status.DRAFT

    # A second retake is refused on the page with the rule.
    again = open_plan_like(failed, institution_clerk, name="一站第04批次")
    page = client.get("/scores/me/").content.decode()
    assert "只能补考1次" in page and again.plan.name not in page


def test_another_candidate_cannot_retake_someone_elses_result(failed, institution_clerk, candidate, login):
    later = open_plan_like(failed, institution_clerk)
    client = login(candidate)  # not linked to the failed application's candidate
    response = client.post(f"/scores/me/results/{failed.application.result.pk}/retake/",
                           {"item": later.infant.pk})
    assert response.status_code == 404
    assert not Application.objects.filter(retake_of=failed.application).exists()
