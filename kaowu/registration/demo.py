"""The registration step of the demo generator: candidates and applications in every status on the
open demo plans, through the same services a clerk uses, so `make run` shows lists to review, a
candidate account with an application, and a change request waiting for the 成都 center."""

import io
import random
from datetime import date, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from kaowu.accounts.demo import person_name, phone_number
from kaowu.accounts.models import Role, User
from kaowu.catalog.policy import policy_active
from kaowu.core.ids import id_make
from kaowu.plans.models import Plan
from kaowu.registration import services
from kaowu.registration.changes import services as changes
from kaowu.registration.models import Application, EducationLevel, Payment
from kaowu.registration.photos import photo_normalise

Status = Application.Status
# How far each demo application goes, in order; the counts give every list something to show.
PATH = ([Status.DRAFT] * 3 + [Status.SUBMITTED] * 6 + [Status.RETURNED] + [Status.INSTITUTION_APPROVED] * 4
        + [Status.CENTER_APPROVED] * 4 + [Status.PAID] * 5 + [Status.WITHDRAWN])


def demo_portrait(rng: random.Random) -> bytes:
    img = Image.new("RGB", (360, 440), (60 + rng.randrange(60), 120 + rng.randrange(60), 200))
    draw = ImageDraw.Draw(img)
    draw.ellipse((110, 50, 250, 250), fill=(230, 185 + rng.randrange(20), 150))
    draw.rectangle((40, 290, 320, 440), fill=(40, 40, 60 + rng.randrange(40)))
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    return buffer.getvalue()


def _advance(application: Application, to: str, *, clerk: User, reviewer: User, today: date, index: int) -> None:
    if to == Status.DRAFT:
        return
    services.application_submit(application=application, by=clerk, commitment_accepted=True, today=today)
    if to == Status.SUBMITTED:
        return
    if to == Status.RETURNED:
        services.application_return(application=application, by=clerk, reason="照片背景不符合要求，请重新上传")
        return
    services.application_institution_approve(application=application, by=clerk, originals_seen=True)
    if to == Status.INSTITUTION_APPROVED:
        return
    services.application_center_approve(application=application, by=reviewer)
    if to in (Status.PAID, Status.WITHDRAWN):
        services.payment_record(application=application, by=clerk, method=Payment.Method.CASH,
                                receipt_number=f"SC{today:%Y}{index:06d}")
    if to == Status.WITHDRAWN:
        # Withdrawn after paying: the fee waits on the institution's 退费确认 list (R-SC21-5).
        services.application_withdraw(application=application, by=clerk, reason="考生因工作安排放弃本次考核")


def demo_registration_build(*, rng: random.Random, today: date | None = None, scale: int = 1) -> int:
    """Applications on every open plan; returns how many were made. At scale N >= 2 also a closed 统考
    plan per institution with 1,000 × N² paid candidates in all (see demo_scaled_province_build)."""
    today = today or timezone.localdate()
    policy = policy_active()
    made = 0
    for plan in Plan.objects.filter(status=Plan.Status.REGISTRATION_OPEN).select_related("institution").order_by("pk"):
        institution = plan.institution
        clerk = User.objects.filter(organisation=institution, role=Role.INSTITUTION_CLERK).order_by("username")[0]
        reviewer = User.objects.filter(organisation=plan.reviewing_center, role=Role.CITY_REVIEWER).order_by(
            "username")[0]
        accounts = list(User.objects.filter(organisation=institution, role=Role.CANDIDATE).order_by("username"))
        item = plan.items.order_by("pk")[0]
        for index, to in enumerate(PATH):
            # From 1993: stdnum knows a region code only from the year it was created (涪城区: 1992).
            born = date(1993, 1, 1) + timedelta(days=rng.randrange(4_700))
            number = id_make(institution.region_code or "510104", born, rng.randrange(1, 999))
            account = accounts[index] if index < len(accounts) else None
            name = person_name(rng)
            candidate = services.candidate_create(
                by=clerk, user=account, name=account.full_name if account and account.full_name else name,
                education=rng.choice(EducationLevel.values), id_number=number,
                address=f"{institution.address[:20]}附近{index + 1}号", phone=phone_number(rng),
                employer=rng.choice(["", "某某家政服务有限公司", "某某科技有限公司", "某某托育中心"]))
            jpeg = photo_normalise(demo_portrait(rng), width=policy.photo_width_px, height=policy.photo_height_px,
                                   max_kb=policy.photo_max_kb)
            candidate.photo.save(f"{candidate.pk}-demo.jpg", ContentFile(jpeg), save=True)
            application = services.application_create(candidate=candidate, item=item, by=clerk)
            _advance(application, to, clerk=clerk, reviewer=reviewer, today=today, index=made + index)
        made += len(PATH)
        # A change request waiting for the center: a submitted candidate's new phone number.
        waiting = Application.objects.filter(plan=plan, status=Status.SUBMITTED).order_by("pk").first()
        if waiting is not None:
            changes.candidate_data_change(application=waiting, by=clerk, proposed={"phone": "13800001111"},
                                          reason="考生原手机号已停用（演示数据）")
    if scale >= 2:
        made += demo_scaled_province_build(rng=rng, scale=scale, today=today)
    return made


# --- a province at scale -------------------------------------------------------------------------
#
# `kaowu demo --scale N` (N >= 2) adds, for every institution, a 统考 plan whose registration has closed,
# with its own sites and rooms and 1,000 × N² / institutions paid candidates: N = 10 gives 70 institutions
# and 100,000 paid candidates, the province the `arrange` benchmark arranges. This path writes with
# bulk_create and BYPASSES THE SERVICES (no per-row checks, no audit events): a 100,000-candidate province
# must build in minutes. The rows are those the services would make for these statuses, minus the audit events.

SCALED_PAID_PER_SCALE_SQUARED = 1_000
SITE_SLOT_CAP = 40  # R-SC21-2 in every preset; sites are sized so the busiest slot fits with one to spare
# Regions of origin for the candidates' ID numbers: counties whose codes predate the birth years used, and
# that no demo institution sits in, so these numbers never collide with the services-made candidates.
HOME_REGIONS = ["510121", "510122", "510124", "510129", "510131", "510132", "510181", "510182", "510722", "510723",
                "510725", "510781"]
# Each institution's plan: (key, share of its candidates); A and B are occupations sitting a computer-based
# theory paper and a computer-based 专业能力 paper, X and Y special items with one hands-on test.
SCALED_ITEMS = [("A", 1 / 6), ("B", 1 / 6), ("X", 1 / 3), ("Y", 1 / 3)]


def _scaled_rooms(site_ids: list[int]) -> list:
    from kaowu.sites.models import Room, RoomKind

    rooms = []
    for site_id in site_ids:
        rooms += [
            Room(site_id=site_id, name="机考考场1", kind=RoomKind.COMPUTER, capacity=30, desks=30, floor="实训楼3楼"),
            Room(site_id=site_id, name="机考考场2", kind=RoomKind.COMPUTER, capacity=30, desks=30, floor="实训楼3楼"),
            Room(site_id=site_id, name="理论考场1", kind=RoomKind.THEORY, capacity=30, desks=30, floor="教学楼2楼"),
            Room(site_id=site_id, name="实操考场1", kind=RoomKind.PRACTICAL, capacity=20, floor="实训楼1楼"),
            Room(site_id=site_id, name="实操考场2", kind=RoomKind.PRACTICAL, capacity=20, floor="实训楼1楼"),
        ]
    return rooms


def demo_scaled_province_build(*, rng: random.Random, scale: int, today: date) -> int:
    """The scaled part of the demo (see above); returns the number of paid applications made."""
    from decimal import Decimal

    from kaowu.accounts.models import Organisation
    from kaowu.catalog.models import Occupation, SpecialItem, Subject
    from kaowu.core.workdays import workdays_add
    from kaowu.plans.models import Plan, PlanItem, PlanKind, Session
    from kaowu.registration.models import Candidate
    from kaowu.sites.models import Room, Site, Station

    institutions = list(Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION).select_related("parent")
                        .order_by("path"))
    total = SCALED_PAID_PER_SCALE_SQUARED * scale * scale
    occupations = {"A": (Occupation.objects.get(name="育婴员"), 4),
                   "B": (Occupation.objects.get(name="企业人力资源管理师"), 3)}
    subjects = {(s.scheme.occupation_id, s.scheme.level, s.scheme.special_item_id, s.kind): s
                for s in Subject.objects.filter(scheme__is_active=True).select_related("scheme")}
    special_items = list(SpecialItem.objects.filter(is_active=True).order_by("code"))
    day1 = workdays_add(today, 25)
    day2 = workdays_add(day1, 1)
    now = timezone.now()
    made = 0
    for index, institution in enumerate(institutions):
        count = total * (index + 1) // len(institutions) - total * index // len(institutions)
        clerk = User.objects.filter(organisation=institution, role=Role.INSTITUTION_CLERK).order_by("username")[0]
        reviewer = User.objects.filter(organisation=institution.parent, role=Role.CITY_REVIEWER).order_by(
            "username")[0]
        sizes = {key: round(count * share) for key, share in SCALED_ITEMS}
        sizes["Y"] = count - sizes["A"] - sizes["B"] - sizes["X"]
        busiest = max(sizes["A"] + sizes["B"], sizes["X"], sizes["Y"])
        short = institution.short_name or institution.name[:8]
        sites = Site.objects.bulk_create([
            Site(institution=institution, name=f"{short}统考第{n}考点",
                 address=f"{institution.address or short}{n}号楼", region_code=institution.region_code,
                 contact_name=clerk.full_name, contact_phone=clerk.phone or "028", safety_officer=clerk.full_name)
            for n in range(1, -(-busiest // SITE_SLOT_CAP) + 2)])
        rooms = Room.objects.bulk_create(_scaled_rooms([site.pk for site in sites]))
        Station.objects.bulk_create([Station(room=room, number=n) for room in rooms if room.kind == "practical"
                                     for n in range(1, room.capacity + 1)], batch_size=5_000)
        plan = Plan.objects.create(
            institution=institution, reviewing_center=institution.parent, kind=PlanKind.UNIFIED,
            name=f"{institution.name}{day1.year}年第01批次统考（演示规模 {scale}）", assessment_type="skill_level",
            status=Plan.Status.REGISTRATION_CLOSED, registration_place=f"{institution.address or short}报名大厅",
            registration_opens=today - timedelta(days=40), registration_closes=today - timedelta(days=1),
            contact_name=clerk.full_name, contact_phone=clerk.phone or "028", filed_at=now, reviewed_at=now,
            reviewed_by=reviewer, announced_at=now)
        plan.sites.set(sites)
        x_item, y_item = rng.sample(special_items, 2)
        items = {
            "A": PlanItem(plan=plan, occupation=occupations["A"][0], level=occupations["A"][1],
                          expected_candidates=sizes["A"]),
            "B": PlanItem(plan=plan, occupation=occupations["B"][0], level=occupations["B"][1],
                          expected_candidates=sizes["B"]),
            "X": PlanItem(plan=plan, special_item=x_item, expected_candidates=sizes["X"]),
            "Y": PlanItem(plan=plan, special_item=y_item, expected_candidates=sizes["Y"]),
        }
        PlanItem.objects.bulk_create(items.values())

        def subject(key: str, kind: str, items=items):
            item = items[key]
            return subjects.get((item.occupation_id, item.level, item.special_item_id, kind))

        Session.objects.bulk_create([
            Session(plan=plan, item=items["A"], subject=subject("A", "theory"), date=day1, start=time(9), end=time(10)),
            Session(plan=plan, item=items["B"], subject=subject("B", "theory"), date=day1, start=time(9),
                    end=time(10, 30)),
            Session(plan=plan, item=items["A"], subject=subject("A", "practical"), date=day1, start=time(14),
                    end=time(15, 30)),
            Session(plan=plan, item=items["B"], subject=subject("B", "practical"), date=day1, start=time(14),
                    end=time(16)),
            Session(plan=plan, item=items["X"], subject=subject("X", "practical"), date=day2, start=time(9),
                    end=time(11)),
            Session(plan=plan, item=items["Y"], subject=subject("Y", "practical"), date=day2, start=time(14),
                    end=time(16)),
        ])
        fees = {key: services.application_fee(Application(plan=plan, item=item), on=today) or Decimal("0")
                for key, item in items.items()}
        people = []
        for key, size in sizes.items():
            people += [key] * size
        candidates = []
        for n in range(len(people)):
            serial = made + n
            born = date(1993, 1, 1) + timedelta(days=(serial // len(HOME_REGIONS)) % 4_000)
            number = id_make(HOME_REGIONS[serial % len(HOME_REGIONS)], born,
                             (serial // (len(HOME_REGIONS) * 4_000)) % 1_000)
            candidates.append(Candidate(
                name=person_name(rng), gender="男" if int(number[16]) % 2 else "女", birth_date=born,
                education=rng.choice(EducationLevel.values), id_number=number, address=f"{institution.address}附近",
                phone=phone_number(rng)))
        Candidate.objects.bulk_create(candidates, batch_size=5_000)
        applications = Application.objects.bulk_create([
            Application(candidate=candidate, plan=plan, item=items[key], status=Status.PAID, submitted_at=now,
                        commitment_version=services.COMMITMENT_VERSION, commitment_accepted_at=now,
                        originals_seen=True, institution_reviewed_by=clerk, institution_reviewed_at=now,
                        center_reviewed_by=reviewer, center_reviewed_at=now)
            for candidate, key in zip(candidates, people, strict=True)], batch_size=5_000)
        Payment.objects.bulk_create([
            Payment(application=application, method=Payment.Method.BULK, amount=fees[key],
                    receipt_number=f"SCT{day1:%Y}{made + n:07d}", paid_at=now, recorded_by=clerk)
            for n, (application, key) in enumerate(zip(applications, people, strict=True))], batch_size=5_000)
        made += len(people)
    return made


__all__ = ["demo_registration_build", "demo_scaled_province_build"]
