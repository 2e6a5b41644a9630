"""Arranged plans for the document tests, written straight with the ORM (the arrangement and ticket
services are not used here: these tests are about what the documents show and who gets them).

    world = arranged_plan(clerk, people=3)
    world.plan, world.theory, world.practical, world.sessions, world.tickets, world.seats
"""

import secrets
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from kaowu.arrangement.models import AdmissionTicket, ArrangementRun, SeatAssignment
from kaowu.catalog.loader import catalogue_load
from kaowu.catalog.models import Occupation, Subject
from kaowu.core.ids import id_make
from kaowu.plans.models import Plan, PlanItem, Session
from kaowu.plans.services import plan_create
from kaowu.registration.models import Application, Candidate
from kaowu.sites.models import Equipment, Room, RoomKind, Site, Station

NAMES = ["欧阳晓雯", "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "黄敏", "赵强", "周婷", "吴昊", "徐丽"]
EXAM_DAY = date(2026, 12, 5)


@dataclass
class World:
    plan: Plan
    site: Site
    theory: Room
    practical: Room
    sessions: list[Session]
    tickets: list[AdmissionTicket] = field(default_factory=list)
    seats: list[SeatAssignment] = field(default_factory=list)


def photo_jpeg(seed: int = 0) -> bytes:
    """A 90×110 colour JPEG with a head and shoulders, like a normalised candidate photo."""
    image = Image.new("RGB", (90, 110), (68, 132, 206))
    draw = ImageDraw.Draw(image)
    tone = (236 - seed % 5 * 6, 200 - seed % 3 * 8, 170)
    draw.ellipse((28, 18, 62, 60), fill=tone)
    draw.rectangle((35, 56, 55, 70), fill=tone)
    draw.ellipse((12, 66, 78, 140), fill=(40, 40, 48))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def seal_png() -> bytes:
    """A red ring on a transparent background, standing for an uploaded seal image."""
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, 194, 194), outline=(215, 38, 30, 230), width=8)
    draw.regular_polygon((100, 100, 30), 5, fill=(215, 38, 30, 230))
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def arranged_plan(clerk, *, people: int = 3, users=(), photos: bool = True, name: str = "一站2026年第01批次",
                  site_name: str = "一站实训楼考点", first: int = 0, institution=None) -> World:
    """A plan of `clerk`'s institution with a theory and a practical session of 育婴员 四级, a site with a
    theory room (30 desks) and a practical room (12 stations), and `people` ticketed candidates seated in
    both; the first candidates get the logins in `users`. `first` offsets the people's ID numbers, so that
    a second plan can be made with other people."""
    catalogue_load()
    institution = institution or clerk.organisation
    site = Site.objects.create(institution=institution, name=site_name,
                               address="成都市锦江区东大街100号实训楼", region_code="510104", contact_name="陈录",
                               contact_phone="02800000000", safety_officer="王安")
    theory = Room.objects.create(site=site, name="第1考场", kind=RoomKind.THEORY, capacity=30, desks=30,
                                 floor="实训楼2楼", note="单人单桌，间距80厘米以上；黑板书写考试科目和时间")
    practical = Room.objects.create(site=site, name="实操室A", kind=RoomKind.PRACTICAL, capacity=12,
                                    note="每工位一套婴儿护理模型")
    Station.objects.bulk_create(Station(room=practical, number=n, equipment="婴儿护理模型") for n in range(1, 13))
    Equipment.objects.create(site=site, room=practical, name="婴儿护理模型", model="YH-3", count=12)
    Equipment.objects.create(site=site, room=None, name="电子监控", model="", count=4)
    occupation = Occupation.objects.get(name="育婴员")
    today = timezone.localdate()
    plan = plan_create(
        institution=institution, by=clerk, name=name, kind="unified", assessment_type="qualification",
        registration_place="报名大厅", registration_opens=today - timedelta(days=30),
        registration_closes=today - timedelta(days=1), contact_name="陈录", contact_phone="02800000000",
        sites=[site], items=[{"occupation": occupation, "level": 4}],
    )
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.REGISTRATION_CLOSED)
    plan.refresh_from_db()
    item = PlanItem.objects.get(plan=plan)
    subjects = {s.kind: s for s in Subject.objects.filter(scheme__occupation=occupation, scheme__level=4)}
    theory_session = Session.objects.create(plan=plan, item=item, subject=subjects.get("theory"), date=EXAM_DAY,
                                            start=time(9), end=time(10, 30))
    practical_session = Session.objects.create(plan=plan, item=item, subject=subjects.get("practical"),
                                               date=EXAM_DAY, start=time(14), end=time(15, 30))
    theory_session.rooms.set([theory])
    practical_session.rooms.set([practical])
    world = World(plan=plan, site=site, theory=theory, practical=practical,
                  sessions=[theory_session, practical_session])
    run = ArrangementRun.objects.create(plan=plan, mode=ArrangementRun.Mode.FULL, seed=20261205,
                                        status=ArrangementRun.Status.DONE, started_by=clerk, started_at=timezone.now(),
                                        finished_at=timezone.now(), placed=people * 2)
    users = list(users)
    for index in range(people):
        candidate = Candidate.objects.create(
            user=users[index] if index < len(users) else None, name=NAMES[index % len(NAMES)] + ("" if index < len(
                NAMES) else str(index)), gender="女" if index % 2 else "男", birth_date=date(1990, 1, 1),
            education="bachelor",
            id_number=id_make("510104", date(1990, 1, 1) + timedelta(days=first + index), first + index + 1),
            address="成都市锦江区东大街1号", phone="13800138000")
        if photos:
            candidate.photo.save(f"{candidate.pk}-{secrets.token_hex(4)}.jpg", ContentFile(photo_jpeg(index)))
        application = Application.objects.create(candidate=candidate, plan=plan, item=item,
                                                 status=Application.Status.TICKETED, submitted_at=timezone.now())
        world.seats += SeatAssignment.objects.bulk_create([
            SeatAssignment(run=run, application=application, session=theory_session, room=theory,
                           seat_number=index + 1),
            SeatAssignment(run=run, application=application, session=practical_session, room=practical,
                           seat_number=index + 1),
        ])
        world.tickets.append(AdmissionTicket.objects.create(
            application=application, number=f"26{institution.code[:4]}{plan.pk:05d}{index + 1:04d}",
            issued_at=timezone.now(), issued_by=clerk))
    return world
