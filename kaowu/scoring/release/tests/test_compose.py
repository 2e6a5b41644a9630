"""results_compose against the database: a 成都 plan (育婴员 四级 theory + practical, 企业人力资源管理师 三级) with
subject scores written directly; results, the release and its R-FJ-10 deadline, the final guard (R-FJ-11),
retakes (R-CQ-13), one audit event per batch and a query count that does not grow with the plan."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaowu.arrangement.tests.factories import EXAM_DAY, exam_build
from kaowu.catalog.models import Subject
from kaowu.catalog.policy import policy_active
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.registration.models import Application
from kaowu.scoring.models import Result, ResultRelease, SubjectScore
from kaowu.scoring.release.compose import raw_scores_read, results_build, results_compose

pytestmark = pytest.mark.django_db
Source = SubjectScore.Source


def subject(occupation: str, level: int, kind: str) -> Subject:
    return Subject.objects.get(scheme__occupation__name=occupation, scheme__level=level, kind=kind,
                               scheme__is_active=True)


@pytest.fixture
def exam(institution_clerk):
    exam = exam_build(institution_clerk, infant=4, hr=3)
    policy_active()  # the profile exists before anything counts queries
    exam.infant_apps = list(Application.objects.filter(item=exam.infant).order_by("pk"))
    exam.hr_apps = list(Application.objects.filter(item=exam.hr).order_by("pk"))
    exam.hr_practical = subject("企业人力资源管理师", 3, "practical")
    return exam


def score(application, *, session=None, subject=None, value=None, parts=None, attendance="present",
          source=Source.ASSESSORS, **kwargs) -> SubjectScore:
    return SubjectScore.objects.create(application=application, session=session, subject=subject,
                                       score=D(value) if value is not None else None, parts=parts or {},
                                       attendance=attendance, source=source, **kwargs)


def infant_scores(exam, application, theory, practical, **kwargs):
    """The 育婴员 sessions name no subject: they take the scheme's subjects in the order of their times."""
    score(application, session=exam.sessions["infant_theory"], value=theory, source=Source.IMPORT, **kwargs)
    score(application, session=exam.sessions["infant_practical"], value=practical, **kwargs)


def hr_scores(exam, application, parts, practical):
    score(application, session=exam.sessions["hr_theory"], parts=parts, source=Source.IMPORT)
    score(application, subject=exam.hr_practical, value=practical, source=Source.IMPORT)


def scored(exam):
    a, b, c, d = exam.infant_apps
    infant_scores(exam, a, "88", "91.5")  # passed
    infant_scores(exam, b, "60", "59.99")  # failed in the practical
    infant_scores(exam, c, None, None, attendance="absent")  # absent in both
    score(d, session=exam.sessions["infant_theory"], value="75", source=Source.IMPORT)
    score(d, session=exam.sessions["infant_practical"], attendance="absent")  # absent in one
    x, y, z = exam.hr_apps
    hr_scores(exam, x, {"1": "8", "2": "70"}, "66")  # theory 78 from its parts: passed
    hr_scores(exam, y, {"1": "9.5", "2": "50.25"}, "95")  # theory 59.75: failed
    score(z, session=exam.sessions["hr_theory"], value="80", source=Source.IMPORT)
    score(z, subject=exam.hr_practical, attendance="cancelled", source=Source.IMPORT)  # cancelled
    return exam


def outcomes(exam) -> list[str]:
    results = {r.application_id: r for r in Result.objects.all()}
    return [results[a.pk].outcome for a in exam.infant_apps + exam.hr_apps]


def test_every_paid_candidate_gets_a_result_and_the_release_its_r_fj_10_deadline(exam, institution_clerk):
    scored(exam)
    exam.add(exam.infant, 1, status=Application.Status.SUBMITTED)  # not paid: no result

    written = results_compose(plan=exam.plan, by=institution_clerk)

    assert written == 7 and Result.objects.count() == 7
    assert outcomes(exam) == ["passed", "failed", "absent", "failed", "passed", "failed", "cancelled"]
    release = ResultRelease.objects.get(plan=exam.plan)
    assert release.status == ResultRelease.Status.ENTERING and release.exam_end == EXAM_DAY
    assert release.report_due == date(2026, 12, 9)  # Saturday 5 December + 3 working days
    hr_passed = Result.objects.get(application=exam.hr_apps[0])
    assert hr_passed.subjects[0]["score"] == "78.00" and hr_passed.subjects[1]["score"] == "66.00"
    assert hr_passed.total is None and hr_passed.grade == ""  # 附件2: each subject 100%, no grade for occupations
    absent_one = Result.objects.get(application=exam.infant_apps[3])
    assert [(s["name"], s["attendance"]) for s in absent_one.subjects] == [("理论知识", "present"),
                                                                           ("技能操作", "absent")]


def test_one_audit_event_records_the_batch(exam, institution_clerk):
    scored(exam)

    results_compose(plan=exam.plan, by=institution_clerk)

    event = AuditEvent.objects.get(action="scoring.results_compose")
    assert AuditEvent.objects.filter(action__startswith="scoring.").count() == 1
    assert event.actor == institution_clerk and event.organisation_id == exam.plan.institution_id
    assert event.after["results"] == 7 and event.after["created"] == 7 and event.after["scores"] == 14
    assert (event.after["passed"], event.after["failed"], event.after["absent"], event.after["cancelled"]) == (
        2, 3, 1, 1)


def test_composing_again_updates_the_same_rows(exam, institution_clerk):
    scored(exam)
    results_compose(plan=exam.plan, by=institution_clerk)
    ids = set(Result.objects.values_list("pk", flat=True))
    SubjectScore.objects.filter(application=exam.infant_apps[1], session=exam.sessions["infant_practical"]).update(
        score=D("60"))

    assert results_compose(plan=exam.plan, by=institution_clerk) == 7

    assert set(Result.objects.values_list("pk", flat=True)) == ids
    assert Result.objects.get(application=exam.infant_apps[1]).outcome == "passed"


def test_r_fj_11_a_final_result_is_never_changed(exam, institution_clerk):
    scored(exam)
    results_compose(plan=exam.plan, by=institution_clerk)
    Result.objects.filter(application=exam.infant_apps[0]).update(final=True)
    results_compose(plan=exam.plan, by=institution_clerk)  # nothing would change: allowed
    SubjectScore.objects.filter(application=exam.infant_apps[0]).update(score=D("10"))
    SubjectScore.objects.filter(application=exam.infant_apps[1]).update(score=D("99"))

    with pytest.raises(RuleViolation) as caught:
        results_compose(plan=exam.plan, by=institution_clerk)

    assert caught.value.rule_id == "R-FJ-11" and "已确认" in caught.value.message
    assert outcomes(exam)[:2] == ["passed", "failed"]  # neither the final row nor any other was written


def test_r_fj_11_a_final_release_is_not_composed_again(exam, institution_clerk):
    scored(exam)
    results_compose(plan=exam.plan, by=institution_clerk)
    ResultRelease.objects.filter(plan=exam.plan).update(status=ResultRelease.Status.FINAL)

    with pytest.raises(RuleViolation, match="已确认"):
        results_compose(plan=exam.plan, by=institution_clerk)


def test_r_cq_13_a_retake_with_a_carried_subject_is_not_absent(exam, institution_clerk):
    scored(exam)
    retake = exam.add(exam.infant, 1)[0]
    original = exam.infant_apps[1]
    Application.objects.filter(pk=retake.pk).update(retake_of=original)
    theory = SubjectScore.objects.get(application=original, session=exam.sessions["infant_theory"])
    score(retake, subject=subject("育婴员", 4, "theory"), value="60", source=Source.CARRIED, carried_from=theory)
    score(retake, session=exam.sessions["infant_practical"], attendance="absent")

    results_compose(plan=exam.plan, by=institution_clerk)

    result = Result.objects.get(application=retake)
    assert result.outcome == "failed"
    assert [(s["carried"], s["attendance"]) for s in result.subjects] == [(True, "present"), (False, "absent")]


def test_a_score_beyond_full_marks_stops_the_composition_naming_the_subject(exam, institution_clerk):
    scored(exam)
    SubjectScore.objects.filter(application=exam.hr_apps[0], subject=exam.hr_practical).update(score=D("105"))

    with pytest.raises(ValidationError) as caught:
        results_compose(plan=exam.plan, by=institution_clerk)

    who = f"考生{exam.hr_apps[0].candidate.name}（报名{exam.hr_apps[0].pk}）"
    assert f"{who}科目“专业能力”成绩须在0至100分之间（填写的是105）" in caught.value.messages[0]
    assert not Result.objects.exists() and not ResultRelease.objects.exists()


def test_a_theory_paper_with_a_part_missing_stops_the_composition_naming_the_part(exam, institution_clerk):
    scored(exam)
    SubjectScore.objects.filter(application=exam.hr_apps[0], session=exam.sessions["hr_theory"]).update(
        parts={"1": "8"})

    with pytest.raises(ValidationError, match="分项“理论知识”成绩未录入"):
        results_compose(plan=exam.plan, by=institution_clerk)

    assert not Result.objects.exists()


def test_a_score_in_a_session_without_a_subject_it_can_take_is_refused(exam, institution_clerk):
    scored(exam)
    # A third 育婴员 session without a subject: the scheme has only two subjects to hand out.
    extra = exam.sessions["infant_practical"]
    extra.pk = None
    extra.save()
    score(exam.infant_apps[0], session=extra, value="70")

    with pytest.raises(ValidationError, match="未指定科目"):
        results_compose(plan=exam.plan, by=institution_clerk)


def test_the_query_count_does_not_grow_with_the_plan(exam, institution_clerk):
    scored(exam)
    with CaptureQueriesContext(connection) as first:
        results_compose(plan=exam.plan, by=institution_clerk)
    with CaptureQueriesContext(connection) as again:
        results_compose(plan=exam.plan, by=institution_clerk)
    for application in exam.add(exam.infant, 30):
        infant_scores(exam, application, "70", "70")
    with CaptureQueriesContext(connection) as bigger:
        assert results_compose(plan=exam.plan, by=institution_clerk) == 37

    # The savepoint pair; reads: policy, items, the schemes' subjects with their parts, sessions, applications,
    # scores, the release; then the release's insert (first time) or its existing results, one INSERT of the
    # new results, one UPDATE of the existing ones (a batch each 5,000 rows), the audit event.
    assert len(first) == 12  # release inserted, results inserted
    assert len(again) == 12  # existing results read, results updated
    assert len(bigger) == 13  # existing results read, 30 new inserted, 7 updated
    assert len(raw_scores_read(exam.plan)) == 14 + 60


def test_results_build_composes_without_writing(exam):
    scored(exam)

    built = results_build(exam.plan)

    assert len(built.composed) == 7 and built.exam_end == EXAM_DAY and built.scores == 14
    assert not Result.objects.exists() and not ResultRelease.objects.exists()


def test_the_reviewing_center_and_the_province_may_compose(exam, chengdu_reviewer, province_admin):
    scored(exam)

    assert results_compose(plan=exam.plan, by=chengdu_reviewer) == 7
    assert results_compose(plan=exam.plan, by=province_admin) == 7


@pytest.mark.parametrize("outsider", ["other_institution_clerk", "mianyang_reviewer", "candidate", "assessor"])
def test_an_outsider_may_not_compose(exam, outsider, request):
    scored(exam)

    with pytest.raises(PermissionRefused):
        results_compose(plan=exam.plan, by=request.getfixturevalue(outsider))

    assert not Result.objects.exists()
