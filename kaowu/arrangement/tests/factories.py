"""Builders shared by tests: small solver inputs, and the exam world that arrangement, staffing and scoring
tests build on (a 成都 plan with two items, one site with theory rooms and a practical room, sessions on
EXAM_DAY and paid applications; moved here from arrangement/tests/test_services.py so that no test imports
another test module)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kaowu.arrangement.solver import CandidateSpec, Limits, RoomSpec, SessionSpec, arrangement_solve
from kaowu.catalog.loader import catalogue_load
from kaowu.catalog.models import Occupation
from kaowu.core.ids import id_make
from kaowu.plans.models import Plan, PlanItem, Session
from kaowu.plans.services import plan_create
from kaowu.registration.models import Application, Candidate
from kaowu.sites.models import Room, RoomKind, Site, Station

Status = Application.Status
EXAM_DAY = date(2026, 12, 5)
T0 = datetime(2026, 12, 5, 9, 0)


def session(id, start=T0, minutes=90, kind="theory", **kw):
    return SessionSpec(id, start, start + timedelta(minutes=minutes), kind, **kw)


def theory_room(id, site=1, capacity=30, **kw):
    return RoomSpec(id, site, "theory", capacity, **kw)


def practical_room(id, site=1, stations=20, **kw):
    return RoomSpec(id, site, "practical", kw.pop("capacity", 0), stations=stations, **kw)


def people(count, *session_ids, first=1, item="6-31-01-03", level=4, institution=1):
    return [CandidateSpec(first + n, item, level, institution, tuple(session_ids)) for n in range(count)]


def solve(sessions, rooms, candidates, seed=1, **limits):
    fixed = limits.pop("fixed", ())
    return arrangement_solve(sessions=sessions, rooms=rooms, candidates=candidates, seed=seed,
                             limits=Limits(**limits), fixed=fixed)



@dataclass
class Exam:
    """A 成都 plan: 育婴员 四级 (theory 09:00 + practical 14:00) and 企业人力资源管理师 三级 (theory 09:00),
    at one site with two theory rooms of 30 desks and a practical room of `stations` stations."""

    plan: Plan
    site: Site
    infant: PlanItem
    hr: PlanItem
    theory_rooms: list[Room]
    practical_room: Room
    sessions: dict[str, Session]
    clerk: object
    made: list[Application] = field(default_factory=list)

    def add(self, item: PlanItem, count: int, status: str = Status.PAID) -> list[Application]:
        new = []
        for _ in range(count):
            n = Candidate.objects.count() + 1
            candidate = Candidate.objects.create(
                name=f"考生{n:03d}", gender="男" if n % 2 else "女", birth_date=date(1990, 1, 1) + timedelta(days=n),
                education="senior", id_number=id_make("510104", date(1990, 1, 1) + timedelta(days=n), n),
                address="成都市锦江区东大街1号", phone="13800138000")
            application = Application.objects.create(candidate=candidate, plan=self.plan, item=item, status=status)
            self.made.append(application)
            new.append(application)
        return new


def exam_build(clerk, *, infant: int = 12, hr: int = 8, stations: int = 12, plan_name: str = "一站第01批次",
               site: Site | None = None) -> Exam:
    catalogue_load()
    institution = clerk.organisation
    if site is None:
        site = Site.objects.create(institution=institution, name="一站考点", address="锦江区东大街100号",
                                   region_code="510104", contact_name="陈录", contact_phone="028",
                                   safety_officer="王安")
        for name in ("第1考场", "第2考场"):
            Room.objects.create(site=site, name=name, kind=RoomKind.THEORY, capacity=30, desks=30)
        practical = Room.objects.create(site=site, name="实操室A", kind=RoomKind.PRACTICAL, capacity=stations)
        Station.objects.bulk_create(Station(room=practical, number=n) for n in range(1, stations + 1))
    theory_rooms = list(site.rooms.filter(kind=RoomKind.THEORY).order_by("name"))
    practical_room = site.rooms.get(kind=RoomKind.PRACTICAL)
    today = timezone.localdate()
    plan = plan_create(
        institution=institution, by=clerk, name=plan_name, kind="unified", assessment_type="skill_level",
        registration_place="报名大厅", registration_opens=today - timedelta(days=30),
        registration_closes=today - timedelta(days=1), contact_name="陈录", contact_phone="028", sites=[site],
        items=[{"occupation": Occupation.objects.get(name="育婴员"), "level": 4},
               {"occupation": Occupation.objects.get(name="企业人力资源管理师"), "level": 3}])
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.REGISTRATION_CLOSED)
    plan.refresh_from_db()
    infant_item = plan.items.get(occupation__name="育婴员")
    hr_item = plan.items.get(occupation__name="企业人力资源管理师")
    sessions = {
        # No rooms listed: the theory sessions use the theory rooms of the plan's sites.
        "infant_theory": Session.objects.create(plan=plan, item=infant_item, date=EXAM_DAY, start=time(9),
                                                end=time(10, 30)),
        "hr_theory": Session.objects.create(plan=plan, item=hr_item, date=EXAM_DAY, start=time(9), end=time(10, 30)),
        "infant_practical": Session.objects.create(plan=plan, item=infant_item, date=EXAM_DAY, start=time(14),
                                                   end=time(16)),
    }
    sessions["infant_practical"].rooms.set([practical_room])
    exam = Exam(plan=plan, site=site, infant=infant_item, hr=hr_item, theory_rooms=theory_rooms,
                practical_room=practical_room, sessions=sessions, clerk=clerk)
    exam.add(infant_item, infant)
    exam.add(hr_item, hr)
    return exam
