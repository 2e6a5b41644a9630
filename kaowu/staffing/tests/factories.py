"""Builders shared by the staffing tests (and scoring's): the solver's inputs (posts, people, cards; no
database), and a batch ready to staff: exam_build's 成都 plan, arranged, and a registry that can staff it.

Posts of the batch: the 育婴员 practical room (12 stations → 3 assessors with a leader), the theory room(s)
(2 invigilators each), the site's supervisor for the day, the batch's chief examiner."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from kaowu.arrangement.services import arrangement_run
from kaowu.arrangement.tests.factories import exam_build
from kaowu.catalog.models import Occupation
from kaowu.core.ids import id_make
from kaowu.staffing.models import AssessorCard, StaffMember
from kaowu.staffing.solver import CardSpec, PostSpec, StaffSpec

# The solver's inputs --------------------------------------------------------------------------------

DAY = date(2026, 12, 5)
HERE = "510104"  # 成都 锦江区: the posts' district
FAR = "510704"  # 绵阳: same province, another city (travel 10 instead of 0)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def post(pid: str, role: str = "assessor", count: int = 1, *, plan: int = 1, institution: int = 10,
         day: date = DAY, start: int = 9, end: int = 11, leader: bool = False, item: str | None = "infant",
         level: int | None = 3, candidates=(), conflicts=(), orgs=None, region: str = HERE,
         label: str | None = None) -> PostSpec:
    return PostSpec(
        id=pid, role=role, count=count, plan_id=plan, institution_id=institution, day=day,
        intervals=((at(start, day=day), at(end, day=day)),), label=label or f"{day:%Y-%m-%d} {start:02d}:00 {pid}",
        leader=leader, site_id=1, region_code=region, item_key=item if role == "assessor" else None,
        level=level if role == "assessor" else None, item_label="育婴员三级" if role == "assessor" else "",
        candidate_ids=frozenset(candidates), conflict_employer_keys=frozenset(conflicts),
        staff_organisation_ids=None if orgs is None else frozenset(orgs))


def card(item: str = "infant", level: int | None = 3, valid: date = date(2028, 1, 1), number: str = "K1") -> CardSpec:
    return CardSpec(item, level, number, valid)


def person(sid: int, roles=("assessor",), *, org: int = 100, region: str = HERE, cards=None, employers=(),
           unavailable=(), available_only=None, trained=(), related=(), recent=(), max_posts=None,
           name: str | None = None) -> StaffSpec:
    if cards is None:
        cards = (card(),) if "assessor" in roles else ()
    return StaffSpec(
        id=sid, name=name or f"人员{sid}", roles=frozenset(roles), organisation_id=org, region_code=region,
        employer_keys=frozenset(employers), cards=tuple(cards), unavailable=frozenset(unavailable),
        available_only=None if available_only is None else frozenset(available_only),
        trained_candidate_ids=frozenset(trained), related_candidate_ids=frozenset(related),
        recent_institution_ids=frozenset(recent), max_posts=max_posts)


# A batch ready to staff -----------------------------------------------------------------------------

VALID = date(2030, 12, 31)
_serial = iter(range(1, 10**6))


def staff_add(organisation, name: str, *, user=None, cards=(), region: str = "510104", employer: str = "",
              **roles) -> StaffMember:
    n = next(_serial)
    member = StaffMember.objects.create(
        organisation=organisation, user=user, name=name, region_code=region, employer_name=employer,
        id_number=id_make("510104", date(1993, 1, 1) + timedelta(days=n), n), **roles)
    for occupation, level, valid_until in cards:
        AssessorCard.objects.create(staff=member, occupation=occupation, level=level,
                                    number=f"KP{member.pk:05d}{level}{occupation.pk}", valid_until=valid_until)
    return member


@dataclass
class World:
    exam: object
    center: object
    institution: object
    infant: Occupation
    run: object = None
    mine: object = None
    assessors: list = field(default_factory=list)
    supervisors: list = field(default_factory=list)
    chiefs: list = field(default_factory=list)
    invigilators: list = field(default_factory=list)

    @property
    def plan(self):
        return self.exam.plan


def world_build(institution_clerk, *, assessors: int = 5, assessor_user=None) -> World:
    exam = exam_build(institution_clerk)
    arrangement_run(plan=exam.plan, by=institution_clerk, mode="full")
    center = exam.plan.reviewing_center
    institution = exam.plan.institution
    infant = Occupation.objects.get(name="育婴员")
    world = World(exam=exam, center=center, institution=institution, infant=infant)
    for n in range(assessors):
        world.assessors.append(staff_add(center, f"考评员{n + 1:02d}", is_assessor=True,
                                         user=assessor_user if n == 0 else None,
                                         cards=[(infant, 3, VALID)], employer=f"成都第{n + 1}幼儿园"))
    for n in range(2):
        world.supervisors.append(staff_add(center, f"督导员{n + 1:02d}", is_supervisor=True))
    for n in range(2):
        world.chiefs.append(staff_add(institution, f"主考{n + 1:02d}", is_chief=True))
    for n in range(6):
        world.invigilators.append(staff_add(institution, f"监考员{n + 1:02d}", is_invigilator=True))
    return world


def confirmed_world_build(institution_clerk, reviewer, assessor, chief_user) -> World:
    """world_build's batch dispatched and published, everyone confirmed: `assessor` (a login) in the practical
    room's group, `chief_user` the login of its only chief examiner. Sets `run` and `mine` (the assessor's
    assignment)."""
    from kaowu.staffing.dispatch import services
    from kaowu.staffing.models import DispatchAssignment

    live = (DispatchAssignment.Status.PROPOSED, DispatchAssignment.Status.CONFIRMED)
    world = world_build(institution_clerk, assessor_user=assessor)
    chief, spare = world.chiefs
    chief.user = chief_user
    chief.save()
    spare.is_active = False
    spare.save()
    run = services.dispatch_generate(plan=world.plan, by=reviewer, time_limit=10)
    people = list(run.assignments.filter(status__in=live).select_related("staff"))
    mine = next((a for a in people if a.staff.user_id == assessor.pk), None)
    if mine is None:
        group_member = next(a for a in people if a.role == "assessor")
        mine = services.assignment_replace(assignment=group_member, staff=world.assessors[0], by=reviewer)
    services.dispatch_publish(run=run, by=reviewer)
    services.assignment_confirm(assignment=mine, by=assessor)
    run.assignments.filter(status=DispatchAssignment.Status.PROPOSED).update(
        status=DispatchAssignment.Status.CONFIRMED)  # the others, at once
    world.run, world.mine = run, mine
    return world


def practical_move(world: World, clerk, reviewer, *, day: date, start: str, end: str, today: date):
    """Move the batch's practical session by an approved plan change (R-CQ-8)."""
    from kaowu.plans import services as plan_services

    session = world.exam.sessions["infant_practical"]
    change = plan_services.plan_change_request(
        plan=world.plan, by=clerk, reason="实操室停电检修", today=today,
        sessions=[{"id": session.pk, "date": day.isoformat(), "start": start, "end": end}])
    return plan_services.plan_change_approve(change=change, by=reviewer, today=today)
