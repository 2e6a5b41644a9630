"""The subject's answer mode, not its kind or its room, decides how it is scored: 企业人力资源管理师's 专业能力
is a 上机考试 (辽宁 附件2), so in a 机考考场 with invigilators only it is imported and reported like theory;
a hands-on 实操 subject still needs its published assessor group and signed sheets (R-CQ-11)."""

from datetime import date

import pytest
from django.urls import reverse

from kaowu.arrangement.models import SeatAssignment
from kaowu.catalog.models import AnswerMode, Subject
from kaowu.core.errors import RuleViolation
from kaowu.plans.models import Session
from kaowu.scoring.entry import services as entry_services
from kaowu.scoring.entry.selectors import entry_blockers, session_is_assessed
from kaowu.scoring.entry.theory_api import theory_scores_record
from kaowu.scoring.models import Result, ResultRelease, SubjectScore
from kaowu.scoring.release import services
from kaowu.scoring.tests.factories import EXAM_DAY, checker_make, release_world_build, scores_complete
from kaowu.sites.models import Room, RoomKind
from kaowu.staffing.models import DispatchAssignment
from kaowu.staffing.needs import dispatch_input_load

pytestmark = pytest.mark.django_db
SUBMIT_DAY = date(2026, 11, 12)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def checker(chengdu_institution):
    return checker_make(chengdu_institution)


@pytest.fixture
def rw(institution_clerk, chengdu_reviewer):
    return release_world_build(institution_clerk, chengdu_reviewer)


def hr_sessions(rw) -> tuple[Session, Session, Room]:
    """Four 企业人力资源管理师 三级 candidates seated in its 理论知识 (a theory room) and in its 专业能力, held in a
    new 机考考场 with nobody but invigilators (nobody is dispatched to it here at all)."""
    exam = rw.exam
    hr_practical = Session.objects.create(
        plan=rw.plan, item=exam.hr, date=EXAM_DAY, start=exam.sessions["infant_practical"].start,
        end=exam.sessions["infant_practical"].end,
        subject=Subject.objects.get(scheme__occupation__name="企业人力资源管理师", scheme__level=3, kind="practical"))
    computer_room = Room.objects.create(site=exam.site, name="机房1", kind=RoomKind.COMPUTER, capacity=30, desks=30)
    hr_practical.rooms.set([computer_room])
    run = SeatAssignment.objects.filter(session__plan=rw.plan).first().run
    hr_theory = rw.session("hr_theory")
    for n, application in enumerate(exam.add(exam.hr, 4), start=1):
        SeatAssignment.objects.create(run=run, application=application, session=hr_theory,
                                      room=exam.theory_rooms[0], seat_number=n)
        SeatAssignment.objects.create(run=run, application=application, session=hr_practical, room=computer_room,
                                      seat_number=n)
    return hr_theory, Session.objects.select_related("plan", "subject").get(pk=hr_practical.pk), computer_room


def imported_and_checked(session: Session, *, by, checker, base: int) -> None:
    rows = [{"application_id": pk, "score": str(base + n)} for n, pk in enumerate(
        SeatAssignment.objects.filter(session=session).order_by("pk").values_list("application_id", flat=True))]
    theory_scores_record(session=session, rows=rows, by=by)
    for score in SubjectScore.objects.filter(session=session):
        entry_services.score_check(subject_score=score, entered=score.score, by=checker)


def test_a_computer_answered_professional_subject_is_imported_and_reported(rw, institution_clerk, checker,
                                                                           client):
    hr_theory, hr_practical, _room = hr_sessions(rw)
    assert hr_practical.subject.answer_mode == AnswerMode.COMPUTER and hr_practical.subject.name == "专业能力"
    scores_complete(rw, entered_by=institution_clerk, checked_by=checker)

    # The plan page offers the import for 专业能力, as for 理论知识.
    client.force_login(institution_clerk)
    page = client.get(reverse("score_entry_plan", args=[rw.plan.pk])).content.decode()
    assert reverse("score_import_upload", args=[hr_practical.pk]) in page

    imported_and_checked(hr_theory, by=institution_clerk, checker=checker, base=70)
    imported_and_checked(hr_practical, by=institution_clerk, checker=checker, base=80)

    assert not session_is_assessed(hr_practical)
    assert entry_blockers(rw.plan) == []
    release = services.results_submit(plan=rw.plan, by=institution_clerk, today=SUBMIT_DAY)

    assert release.status == ResultRelease.Status.SUBMITTED
    hr_results = Result.objects.filter(release=release, application__item=rw.exam.hr)
    assert hr_results.count() == 4 and set(hr_results.values_list("outcome", flat=True)) == {"passed"}
    assert set(SubjectScore.objects.filter(session=hr_practical).values_list("source", flat=True)) == {"import"}


def test_r_cq_11_a_hands_on_subject_still_needs_its_published_assessor_group(rw, institution_clerk, checker):
    assert rw.practical.subject.answer_mode == AnswerMode.HANDS_ON
    scores_complete(rw, entered_by=institution_clerk, checked_by=checker)
    DispatchAssignment.objects.filter(pk__in=[a.pk for a in rw.group]).delete()

    with pytest.raises(RuleViolation) as refusal:
        services.results_submit(plan=rw.plan, by=institution_clerk, today=SUBMIT_DAY)

    assert refusal.value.rule_id == "R-CQ-11" and "有考场没有已发布的考评组" in refusal.value.message


def test_r_cq_11_scores_of_a_hands_on_subject_cannot_be_imported(rw, institution_clerk):
    with pytest.raises(RuleViolation) as refusal:
        theory_scores_record(session=rw.practical, rows=[{"application_id": rw.seated(rw.practical)[0],
                                                          "score": "80"}], by=institution_clerk)
    assert refusal.value.rule_id == "R-CQ-11"


def test_dispatch_gives_the_computer_answered_subject_invigilators_and_a_hands_on_one_assessors(rw):
    _hr_theory, hr_practical, room = hr_sessions(rw)

    posts = {post.id: post for post in dispatch_input_load(rw.plan).posts}

    assert posts[f"room:{hr_practical.pk}:{room.pk}"].role == "invigilator"
    assert posts[f"room:{rw.practical.pk}:{rw.room.pk}"].role == "assessor"
    # The answer mode decides, not the room: the same 专业能力 in the 实操考场 is invigilated too.
    SeatAssignment.objects.filter(session=hr_practical).update(room=rw.room)
    posts = {post.id: post for post in dispatch_input_load(rw.plan).posts}
    assert posts[f"room:{hr_practical.pk}:{rw.room.pk}"].role == "invigilator"
