"""The world of the release tests: exam_build's 成都 plan, arranged, with a registry (staffing's
world_build), its sessions given their catalogue subjects and held on EXAM_DAY, and a published
assessor group of three for the 育婴员 practical room (made with the ORM: the release does not care how
the dispatch came about).

`scores_complete` then writes, with the ORM, what score entry would have: attendance and a score for every
seated candidate, a matching second check by another clerk (R-CQ-11), three signed sheets and the signed
summary's photo for the practical room (R-FJ-10)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from conftest import make_user
from kaowu.accounts.models import Role
from kaowu.arrangement.models import SeatAssignment
from kaowu.catalog.models import Subject
from kaowu.plans.models import Session
from kaowu.registration.models import Application, Candidate
from kaowu.scoring.models import Attendance, ScoreCheck, ScoreSheet, ScoreSummary, SubjectScore
from kaowu.staffing.models import DispatchAssignment, DispatchRun
from kaowu.staffing.tests.factories import world_build

EXAM_DAY = date(2026, 11, 10)  # a Tuesday: report due Friday 13 November (R-FJ-10)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class ReleaseWorld:
    world: object
    run: object
    clerk: object
    group: list = field(default_factory=list)  # DispatchAssignments, the leader first

    @property
    def exam(self):
        return self.world.exam

    @property
    def plan(self):
        return self.world.plan

    def session(self, key: str) -> Session:
        return Session.objects.select_related("plan", "subject").get(pk=self.exam.sessions[key].pk)

    @property
    def practical(self) -> Session:
        return self.session("infant_practical")

    @property
    def room(self):
        return self.exam.practical_room

    def seated(self, session: Session) -> list[int]:
        return list(SeatAssignment.objects.filter(session=session).order_by("application_id")
                    .values_list("application_id", flat=True))


def release_world_build(institution_clerk, chengdu_reviewer) -> ReleaseWorld:
    world = world_build(institution_clerk)
    # The 企业人力资源管理师 item has no session for its second subject (专业能力) in exam_build: its
    # candidates withdraw, so that the batch can be complete.
    hr = Application.objects.filter(item=world.exam.hr)
    SeatAssignment.objects.filter(application__in=hr).delete()
    hr.update(status=Application.Status.WITHDRAWN)
    sessions = world.exam.sessions
    subjects = {
        "infant_theory": Subject.objects.get(scheme__occupation__name="育婴员", scheme__level=4, kind="theory"),
        "infant_practical": Subject.objects.get(scheme__occupation__name="育婴员", scheme__level=4, kind="practical"),
        "hr_theory": Subject.objects.get(scheme__occupation__name="企业人力资源管理师", scheme__level=3, kind="theory"),
    }
    for key, subject in subjects.items():
        Session.objects.filter(pk=sessions[key].pk).update(subject=subject)
    Session.objects.filter(plan=world.plan).update(date=EXAM_DAY)
    now = timezone.now()
    run = DispatchRun.objects.create(plan=world.plan, center=world.center, status=DispatchRun.Status.PUBLISHED,
                                     started_by=chengdu_reviewer, started_at=now, finished_at=now, published_at=now,
                                     published_by=chengdu_reviewer)
    practical = Session.objects.get(pk=sessions["infant_practical"].pk)
    group = [DispatchAssignment.objects.create(
        run=run, staff=member, post_id=f"assessor-{n}", post_label="育婴员实操考评员",
        role=DispatchAssignment.Role.ASSESSOR, leader=n == 0, date=EXAM_DAY, session=practical,
        room=world.exam.practical_room, status=DispatchAssignment.Status.CONFIRMED)
        for n, member in enumerate(world.assessors[:3])]
    return ReleaseWorld(world=world, run=run, clerk=institution_clerk, group=group)


def candidate_login(application) -> object:
    """A portal login for the application's candidate (username = the ID number, as on sign-up)."""
    candidate = application.candidate
    user = make_user(candidate.id_number, Role.CANDIDATE, None, candidate.name)
    Candidate.objects.filter(pk=candidate.pk).update(user=user)
    return user


def scores_complete(rw: ReleaseWorld, *, entered_by, checked_by, score=lambda n: Decimal(70 + n % 25),
                    skip: tuple[str, ...] = ()) -> None:
    """Everything score entry leaves behind before a submission. `skip` leaves out parts of it:
    "checks", "sheets", "summary", or "score:<application id>"."""
    now = timezone.now()
    for key in ("infant_theory", "infant_practical"):
        session = rw.session(key)
        source = SubjectScore.Source.ASSESSORS if key == "infant_practical" else SubjectScore.Source.IMPORT
        for n, application_id in enumerate(rw.seated(session)):
            Attendance.objects.create(session=session, application_id=application_id, status="present",
                                      recorded_by=entered_by, recorded_at=now)
            if f"score:{application_id}" in skip:
                continue
            value = score(n)
            subject_score = SubjectScore.objects.create(
                application_id=application_id, session=session, subject=session.subject, score=value,
                source=source, status=SubjectScore.Status.ENTERED if "checks" in skip else SubjectScore.Status.VERIFIED,
                entered_by=entered_by, entered_at=now)
            if "checks" not in skip:
                ScoreCheck.objects.create(subject_score=subject_score, entered_score=value, matches=True,
                                          checked_by=checked_by, checked_at=now)
    practical = rw.practical
    for assignment in rw.group:
        ScoreSheet.objects.create(session=practical, room=rw.room, assessor=assignment.staff, leader=assignment.leader,
                                  status=ScoreSheet.Status.DRAFT if "sheets" in skip else ScoreSheet.Status.SIGNED,
                                  signed_at=None if "sheets" in skip else now)
    if "summary" not in skip:
        summary = ScoreSummary(session=practical, room=rw.room, uploaded_by=entered_by)
        summary.photo.save("summary.png", ContentFile(PNG), save=False)
        summary.save()
