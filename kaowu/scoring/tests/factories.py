"""The worlds the scoring tests build (the API's and the certificates' tests use them too): one builder per
world here; the fixtures that hand them to tests are in the sub-areas' conftest.py.

The entry world (`entry_world_build`, fixture `ew`): exam_build's 成都 plan, arranged, dispatched and published,
its sessions moved to yesterday (scores are entered after the exam). The 育婴员 practical room has a group of
three assessors (the leader first) with logins `grp0` (leader), `grp1`, `grp2`; the `assessor` fixture's login
belongs to an assessor of the registry who is not in the group. The sessions get their catalogue subjects:
育婴员 四级 理论知识 and 技能操作, 企业人力资源管理师 三级 理论知识 (whose parts are 职业道德 10 + 理论知识 90).

The release world (`release_world_build`, fixture `rw`): exam_build's 成都 plan, arranged, with a registry
(staffing's world_build), its sessions given their catalogue subjects and held on EXAM_DAY, and a published
assessor group of three for the 育婴员 practical room (made with the ORM: the release does not care how the
dispatch came about). `scores_complete` then writes, with the ORM, what score entry would have: attendance
and a score for every seated candidate, a matching second check by another clerk (R-CQ-11), three signed
sheets and the signed summary's photo for the practical room (R-FJ-10).

`xlsx` and `full_rows` make the theory import's Excel files (the import and the entry pages test them)."""

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import Workbook

from conftest import make_user
from kaowu.accounts.models import Role
from kaowu.arrangement.models import SeatAssignment
from kaowu.arrangement.services import tickets_publish
from kaowu.catalog.models import AnswerMode, Subject
from kaowu.plans.models import Session
from kaowu.registration.models import Application, Candidate
from kaowu.scoring.entry import services
from kaowu.scoring.entry.selectors import room_group, session_candidates
from kaowu.scoring.models import Attendance, ScoreCheck, ScoreSheet, ScoreSummary, SubjectScore
from kaowu.staffing.dispatch.services import dispatch_generate, dispatch_publish
from kaowu.staffing.models import DispatchAssignment, DispatchRun, StaffMember
from kaowu.staffing.tests.factories import world_build

EXAM_DAY = date(2026, 11, 10)  # a Tuesday: report due Friday 13 November (R-FJ-10)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def subjects_assign(exam) -> None:
    """Give exam_build's sessions their catalogue subjects: 育婴员 四级 理论知识 and 技能操作, 企业人力资源管理师
    三级 理论知识. The catalogue's 辽宁 scheme has 育婴员 answer its 技能操作 on computers (附件2); these worlds
    examine it hands-on in 实操室A, so that it is scored by the room's assessor group (R-CQ-11): the answer
    mode, not the room, decides (catalog.ASSESSOR_SCORED_MODES)."""
    practical = Subject.objects.get(scheme__occupation__name="育婴员", scheme__level=4, kind="practical")
    Subject.objects.filter(pk=practical.pk).update(answer_mode=AnswerMode.HANDS_ON)
    subjects = {
        "infant_theory": Subject.objects.get(scheme__occupation__name="育婴员", scheme__level=4, kind="theory"),
        "infant_practical": practical,
        "hr_theory": Subject.objects.get(scheme__occupation__name="企业人力资源管理师", scheme__level=3, kind="theory"),
    }
    for key, subject in subjects.items():
        Session.objects.filter(pk=exam.sessions[key].pk).update(subject=subject)


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
    subjects_assign(world.exam)
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


def checker_make(institution) -> object:
    """The institution's second clerk (何核), who checks the scores another person entered (R-CQ-11)."""
    return make_user("cd01_clerk2", Role.INSTITUTION_CLERK, institution, "何核")


def release_world_complete(institution_clerk, chengdu_reviewer, chengdu_institution) -> ReleaseWorld:
    """The release world with everything score entry leaves behind, entered by the clerk and checked by
    `checker_make`'s second clerk: ready to submit."""
    rw = release_world_build(institution_clerk, chengdu_reviewer)
    scores_complete(rw, entered_by=institution_clerk, checked_by=checker_make(chengdu_institution))
    return rw


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


@dataclass
class EntryWorld:
    world: object
    run: object
    group: list = field(default_factory=list)  # DispatchAssignments, the leader first
    users: list = field(default_factory=list)  # their logins, in the same order
    outsider: object = None  # an assessor login outside the group

    @property
    def exam(self):
        return self.world.exam

    @property
    def plan(self):
        return self.world.plan

    @property
    def practical(self) -> Session:
        return Session.objects.select_related("plan", "subject").get(pk=self.exam.sessions["infant_practical"].pk)

    @property
    def theory(self) -> Session:
        return Session.objects.select_related("plan", "subject").get(pk=self.exam.sessions["hr_theory"].pk)

    @property
    def infant_theory(self) -> Session:
        return Session.objects.select_related("plan", "subject").get(pk=self.exam.sessions["infant_theory"].pk)

    @property
    def room(self):
        return self.exam.practical_room

    @property
    def leader(self):
        return self.users[0]

    def candidates(self, session=None):
        return session_candidates(session or self.practical, room=None)


def dispatch_by_hand(world, reviewer, *, size: int = 3) -> DispatchRun:
    """A published dispatch of the practical room's group (the first `size` assessors, the first the leader).
    Made directly rather than by the solver: these tests are about what the group does with it."""
    now = timezone.now()
    session = world.exam.sessions["infant_practical"]
    room = world.exam.practical_room
    run = DispatchRun.objects.create(plan=world.plan, center=world.center, status=DispatchRun.Status.PUBLISHED,
                                     started_by=reviewer, started_at=now, finished_at=now, published_at=now,
                                     published_by=reviewer)
    for n, member in enumerate(world.assessors[:size]):
        DispatchAssignment.objects.create(
            run=run, staff=member, post_id=f"room:{session.pk}:{room.pk}", post_label=f"{room.name} 考评员",
            role=DispatchAssignment.Role.ASSESSOR, leader=n == 0, date=session.date, session=session, room=room,
            site=room.site, status=DispatchAssignment.Status.CONFIRMED if n else DispatchAssignment.Status.PROPOSED)
    return run


def entry_world_build(institution_clerk, chengdu_reviewer, assessor=None, *, solver: bool = False) -> EntryWorld:
    """The world; `solver` dispatches through the real solver and publishing instead of by hand."""
    world = world_build(institution_clerk)
    tickets_publish(plan=world.plan, by=institution_clerk)
    if solver:
        run = dispatch_generate(plan=world.plan, by=chengdu_reviewer, time_limit=10)
        dispatch_publish(run=run, by=chengdu_reviewer)
    else:
        run = dispatch_by_hand(world, chengdu_reviewer)
    sessions = world.exam.sessions
    subjects_assign(world.exam)
    # The exam took place yesterday.
    Session.objects.filter(plan=world.plan).update(date=timezone.localdate() - timedelta(days=1))
    practical = Session.objects.get(pk=sessions["infant_practical"].pk)
    group = room_group(practical, world.exam.practical_room)
    assert len(group) == 3 and group[0].leader
    users = []
    for n, assignment in enumerate(group):
        user = make_user(f"grp{n}", Role.ASSESSOR, world.center, assignment.staff.name)
        StaffMember.objects.filter(pk=assignment.staff_id).update(user=user)
        users.append(user)
    group = room_group(practical, world.exam.practical_room)
    outsider = None
    if assessor is not None:
        spare = next(m for m in world.assessors if m.pk not in {a.staff_id for a in group})
        StaffMember.objects.filter(pk=spare.pk).update(user=assessor)
        outsider = assessor
    return EntryWorld(world=world, run=run, group=group, users=users, outsider=outsider)


def fill_sheet(ew: EntryWorld, user, value_of=lambda n: Decimal(70 + n)) -> object:
    """Open `user`'s sheet and score every candidate of the room who sat (value_of(index))."""
    session = ew.practical
    sheet = services.sheet_open(session=session, room=ew.room, by=user)
    rows = [c for c in session_candidates(session, room=ew.room) if c.scored]
    services.sheet_save(sheet=sheet, by=user,
                        scores={(c.application_id, 0): value_of(n) for n, c in enumerate(rows)})
    return sheet


def sign_all(ew: EntryWorld, values=(lambda n: Decimal(70 + n), lambda n: Decimal(72 + n),
                                     lambda n: Decimal(74 + n))) -> list:
    sheets = []
    for user, value_of in zip(ew.users, values, strict=True):
        sheet = fill_sheet(ew, user, value_of)
        services.sheet_sign(sheet=sheet, by=user)
        sheets.append(sheet)
    return sheets


HEADER = ["准考证号", "身份证号", "姓名", "成绩", "缺考"]


def xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "成绩"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def full_rows(ew):
    rows = session_candidates(ew.theory)
    out = [[r.ticket, "", r.name, 60 + n, ""] for n, r in enumerate(rows)]
    out[-1][3], out[-1][4] = None, "是"
    return rows, out
