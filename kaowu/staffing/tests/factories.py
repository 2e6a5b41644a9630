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
