"""The staffing step of the demo generator: a registry for every center and institution (the demo's
assessor, supervisor and invigilator logins among them), and one arranged 成都 batch with a published
dispatch, so that `make run` shows the center's dispatch board and cd_assessor01's own assignments."""

import random
from datetime import date, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from kaowu.accounts.demo import person_name, phone_number
from kaowu.accounts.models import Organisation, Role, User
from kaowu.arrangement.services import arrangement_run
from kaowu.catalog.models import Occupation, SpecialItem
from kaowu.catalog.policy import policy_active
from kaowu.core.ids import id_make
from kaowu.core.workdays import workdays_add
from kaowu.plans.models import Plan, PlanItem, PlanKind, Session
from kaowu.registration import services as registration_services
from kaowu.registration.demo import demo_portrait
from kaowu.registration.models import Application, Candidate, EducationLevel, Payment
from kaowu.registration.photos import photo_normalise
from kaowu.staffing.dispatch.services import assignment_replace, dispatch_generate, dispatch_publish
from kaowu.staffing.models import AssessorCard, StaffMember, TrainingClass

# Staff homes (their ID numbers' regions; every code is older than the birth years used, 1993 on).
STAFF_REGIONS = ["510104", "510105", "510106", "510107", "510108", "510703", "510704"]
DEMO_BATCH_CANDIDATES = 20  # the demo site has one practical room of 20 stations


def _member(rng: random.Random, organisation: Organisation, serial: int, *, user: User | None = None,
            region: str | None = None, **roles) -> StaffMember:
    born = date(1993, 1, 1) + timedelta(days=(serial * 37) % 4_000)
    home = region or rng.choice(STAFF_REGIONS)
    return StaffMember.objects.create(
        organisation=organisation, user=user, name=user.full_name if user else person_name(rng),
        id_number=id_make(home, born, serial % 1000), phone=(user.phone if user else "") or phone_number(rng),
        employer_name=rng.choice(["", "四川省职业技能鉴定专家库", f"{organisation.short_name or organisation.name}"]),
        region_code=home, **roles)


def _cards(member: StaffMember, cards: list[tuple], serial: int) -> None:
    for n, (occupation, special_item, level, valid_until) in enumerate(cards):
        AssessorCard.objects.create(staff=member, occupation=occupation, special_item=special_item, level=level,
                                    number=f"KPY{serial:05d}{n}", valid_until=valid_until)


def demo_registry_build(*, rng: random.Random, today: date) -> int:
    """Assessors (with cards, a few expired), supervisors and a paper custodian per center; chief
    examiners and invigilators per institution. Logins of those roles become registry entries."""
    infant = Occupation.objects.get(name="育婴员")
    hr = Occupation.objects.get(name="企业人力资源管理师")
    specials = list(SpecialItem.objects.filter(is_active=True).order_by("code")[:20])
    valid = today.replace(year=today.year + 3)
    serial = 0
    for center in Organisation.objects.filter(kind__in=(Organisation.Kind.PROVINCE, Organisation.Kind.CITY)) \
            .order_by("path"):
        home = center.region_code if center.kind == Organisation.Kind.CITY else "510104"
        home = {"510100": "510104", "510700": "510703"}.get(home, home)
        for user in User.objects.filter(organisation=center, role=Role.ASSESSOR).order_by("username"):
            serial += 1
            member = _member(rng, center, serial, user=user, region=home, is_assessor=True)
            _cards(member, [(infant, None, 3, valid), (hr, None, 2, valid)], serial)
        for n in range(8 if center.kind == Organisation.Kind.CITY else 0):
            serial += 1
            member = _member(rng, center, serial, is_assessor=True)
            expired = n == 7  # one card past its date: kept, shown as 已过期, never dispatched (R-SC24-8)
            _cards(member, [(rng.choice([infant, hr]), None, rng.choice([2, 3, 4]),
                             today - timedelta(days=30) if expired else valid),
                            (None, rng.choice(specials), None, valid)], serial)
        for user in User.objects.filter(organisation=center, role=Role.SUPERVISOR).order_by("username"):
            serial += 1
            _member(rng, center, serial, user=user, region=home, is_supervisor=True)
        serial += 1
        _member(rng, center, serial, region=home, is_custodian=True)
    for institution in Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION).order_by("path"):
        for user in User.objects.filter(organisation=institution, role=Role.INVIGILATOR).order_by("username"):
            serial += 1
            _member(rng, institution, serial, user=user, region=institution.region_code, is_invigilator=True)
        for n in range(6):
            serial += 1
            _member(rng, institution, serial, region=institution.region_code, is_invigilator=n >= 2,
                    is_chief=n < 2)
    return serial


def demo_dispatch_batch_build(*, rng: random.Random, today: date) -> Plan | None:
    """A closed 成都 batch a week ahead, arranged and dispatched (published); a trainer of two of its
    candidates is in the registry and kept out (考培分离)."""
    institution = Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION, parent__code="510100") \
        .order_by("path").first()
    if institution is None or not institution.sites.exists():
        return None
    clerk = User.objects.filter(organisation=institution, role=Role.INSTITUTION_CLERK).order_by("username").first()
    reviewer = User.objects.filter(organisation=institution.parent, role=Role.CITY_REVIEWER).order_by("username") \
        .first()
    site = institution.sites.order_by("pk").first()
    exam_day = workdays_add(today, 5)
    now = timezone.now()
    plan = Plan.objects.create(
        institution=institution, reviewing_center=institution.parent, kind=PlanKind.UNIFIED,
        name=f"{institution.short_name or institution.name}{exam_day.year}年第02批次（派遣演示）",
        assessment_type="skill_level", status=Plan.Status.REGISTRATION_CLOSED,
        registration_place=f"{institution.address}（报名大厅）", registration_opens=today - timedelta(days=30),
        registration_closes=today - timedelta(days=1), contact_name=clerk.full_name,
        contact_phone=clerk.phone or "028", filed_at=now, reviewed_at=now, reviewed_by=reviewer, announced_at=now)
    plan.sites.set([site])
    infant = PlanItem.objects.create(plan=plan, occupation=Occupation.objects.get(name="育婴员"), level=4,
                                     expected_candidates=DEMO_BATCH_CANDIDATES)
    theory = Session.objects.create(plan=plan, item=infant, date=exam_day, start=time(9), end=time(10, 30))
    practical = Session.objects.create(plan=plan, item=infant, date=exam_day, start=time(14), end=time(16))
    theory.rooms.set(site.rooms.filter(kind="theory"))
    practical.rooms.set(site.rooms.filter(kind="practical"))
    fee = registration_services.application_fee(Application(plan=plan, item=infant), on=today) or Decimal("0")
    candidates = []
    for n in range(DEMO_BATCH_CANDIDATES):
        born = date(1994, 3, 1) + timedelta(days=n * 41)
        number = id_make("510181", born, 500 + n)
        candidates.append(Candidate.objects.create(
            name=person_name(rng), gender="男" if int(number[16]) % 2 else "女", birth_date=born,
            education=rng.choice(EducationLevel.values), id_number=number, address=f"{institution.address}附近",
            phone=phone_number(rng), employer=rng.choice(["", "成都市锦江区幼儿园", "成都宝贝家政服务有限公司"])))
    policy = policy_active()
    for n, candidate in enumerate(candidates):
        jpeg = photo_normalise(demo_portrait(rng), width=policy.photo_width_px, height=policy.photo_height_px,
                               max_kb=policy.photo_max_kb)
        candidate.photo.save(f"{candidate.pk}-demo.jpg", ContentFile(jpeg), save=True)
        application = Application.objects.create(
            candidate=candidate, plan=plan, item=infant, status=Application.Status.PAID, submitted_at=now,
            commitment_version=registration_services.COMMITMENT_VERSION, commitment_accepted_at=now,
            originals_seen=True, institution_reviewed_by=clerk, institution_reviewed_at=now,
            center_reviewed_by=reviewer, center_reviewed_at=now)
        Payment.objects.create(application=application, method=Payment.Method.BULK, amount=fee,
                               receipt_number=f"PQ{exam_day:%Y%m%d}{n:04d}", paid_at=now, recorded_by=clerk)
    arranged = arrangement_run(plan=plan, by=clerk, mode="full", seed=20261205)
    if arranged.status != arranged.Status.DONE:
        raise RuntimeError(f"演示批次编排失败：{arranged.shortages or arranged.error}")
    trainer = StaffMember.objects.filter(organisation=institution.parent, is_assessor=True, user__isnull=True) \
        .order_by("pk").first()
    if trainer is not None:
        TrainingClass.objects.create(staff=trainer, institution=institution, name="育婴员（四级）培训班",
                                     starts_on=today - timedelta(days=60), ends_on=today - timedelta(days=20)) \
            .candidates.set(candidates[:2])
    run = dispatch_generate(plan=plan, by=reviewer, time_limit=10)
    if run.status != run.Status.PROPOSED:
        return plan
    own = StaffMember.objects.filter(user__username="cd_assessor01").first()
    live = run.assignments.filter(role="assessor")
    if own is not None and not live.filter(staff=own).exists():
        # Make sure the demo login has something to confirm (a valid hand edit, audited like any other).
        assignment_replace(assignment=live.order_by("-leader").first(), staff=own, by=reviewer)
    dispatch_publish(run=run, by=reviewer)
    return plan


def demo_staffing_build(*, rng: random.Random, today: date | None = None) -> None:
    today = today or timezone.localdate()
    demo_registry_build(rng=rng, today=today)
    demo_dispatch_batch_build(rng=rng, today=today)
