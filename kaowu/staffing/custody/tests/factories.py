"""The custody world the custody tests share: a plan reviewed by 成都 with one registered package and the
people of its chain; a clock for handover times; `hand` records one handover through the service."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from conftest import make_user
from kaowu.accounts.models import Role
from kaowu.arrangement.tests.factories import exam_build
from kaowu.core.ids import id_make
from kaowu.staffing.custody import services
from kaowu.staffing.models import PaperPackage, StaffMember


def staff_make(organisation, name: str, n: int, user=None, **flags) -> StaffMember:
    return StaffMember.objects.create(organisation=organisation, user=user, name=name, region_code="510104",
                                      id_number=id_make("510104", date(1993, 1, 1) + timedelta(days=n), n), **flags)


@dataclass
class World:
    exam: object
    plan: object
    session: object
    room: object
    custodian: StaffMember
    supervisor: StaffMember
    chief: StaffMember
    invigilator: StaffMember
    other_supervisor: StaffMember
    chief_user: object
    package: PaperPackage


def custody_world(*, institution_clerk, chengdu, chengdu_institution, chengdu_reviewer, supervisor, invigilator):
    """A plan (reviewed by 成都) with one package registered by the center, and the people of its chain:
    the custodian and supervisors in 成都's registry, the chief and the invigilator in the institution's.
    The supervisor, the chief and the invigilator log in."""
    exam = exam_build(institution_clerk, infant=2, hr=2)
    chief_user = make_user("cd01_chief01", Role.INVIGILATOR, chengdu_institution, "钱主考")
    world = World(
        exam=exam, plan=exam.plan, session=exam.sessions["infant_theory"], room=exam.theory_rooms[0],
        custodian=staff_make(chengdu, "孙保管", 1, is_custodian=True),
        supervisor=staff_make(chengdu, "郑督导", 2, user=supervisor, is_supervisor=True),
        chief=staff_make(chengdu_institution, "钱主考", 3, user=chief_user, is_chief=True),
        invigilator=staff_make(chengdu_institution, "冯监考", 4, user=invigilator, is_invigilator=True),
        other_supervisor=staff_make(chengdu, "林督导", 5, is_supervisor=True),
        chief_user=chief_user, package=None,
    )
    world.package = services.package_register(
        session=world.session, room=world.room, number="CD-2026-001", paper_count=30, seal_number="FT-0001",
        custodian=world.custodian, by=chengdu_reviewer)
    return world


class Clock:
    """Handover times an hour apart, all in the past."""

    def __init__(self):
        self.at = timezone.now() - timedelta(days=1)

    def __call__(self):
        self.at += timedelta(hours=1)
        return self.at


def hand(world, stage, giver, receiver, by, *, at, **overrides):
    values = {"count": 30, "seal_intact": True, "seal_number": "FT-0001", "giver_signed": True,
              "receiver_signed": True, "note": ""}
    values.update(overrides)
    return services.handover_record(package=world.package, stage=stage, giver=giver, receiver=receiver, at=at,
                                    by=by, **values)
