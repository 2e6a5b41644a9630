"""Fixtures of the score entry tests: exam_build's 成都 plan, arranged, dispatched and published, its sessions
moved to yesterday (scores are entered after the exam).

The 育婴员 practical room has a group of three assessors (the leader first) with logins `grp0` (leader),
`grp1`, `grp2`; the `assessor` fixture's login belongs to an assessor of the registry who is not in the group.
The sessions get their catalogue subjects: 育婴员 四级 理论知识 and 技能操作, 企业人力资源管理师 三级 理论知识
(whose parts are 职业道德 10 + 理论知识 90)."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from conftest import make_user
from kaowu.accounts.models import Role
from kaowu.arrangement.services import tickets_publish
from kaowu.catalog.models import Subject
from kaowu.plans.models import Session
from kaowu.scoring import services_entry as services
from kaowu.scoring.selectors_entry import room_group, session_candidates
from kaowu.staffing.dispatch.services import dispatch_generate, dispatch_publish
from kaowu.staffing.models import DispatchAssignment, DispatchRun, StaffMember
from kaowu.staffing.tests.factories import world_build


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
    subjects = {
        "infant_theory": Subject.objects.get(scheme__occupation__name="育婴员", scheme__level=4, kind="theory"),
        "infant_practical": Subject.objects.get(scheme__occupation__name="育婴员", scheme__level=4, kind="practical"),
        "hr_theory": Subject.objects.get(scheme__occupation__name="企业人力资源管理师", scheme__level=3, kind="theory"),
    }
    for key, subject in subjects.items():
        Session.objects.filter(pk=sessions[key].pk).update(subject=subject)
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
