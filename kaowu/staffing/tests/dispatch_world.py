"""A batch ready to staff: exam_build's 成都 plan, arranged, and a registry that can staff it.

Posts: the 育婴员 practical room (12 stations → 3 assessors with a leader), the theory room(s) (2 invigilators
each), the site's supervisor for the day, the batch's chief examiner."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from kaowu.arrangement.services import arrangement_run
from kaowu.arrangement.tests.factories import exam_build
from kaowu.catalog.models import Occupation
from kaowu.core.ids import id_make
from kaowu.staffing.models import AssessorCard, StaffMember

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
