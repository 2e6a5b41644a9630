"""The registration step of the demo generator: candidates and applications in every status on the
open demo plans, through the same services a clerk uses, so `make run` shows lists to review, a
candidate account with an application, and a change request waiting for the 成都 center."""

import io
import random
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from kaowu.accounts.demo import person_name, phone_number
from kaowu.accounts.models import Role, User
from kaowu.catalog.policy import policy_active
from kaowu.core.ids import id_make
from kaowu.plans.models import Plan
from kaowu.registration import changes, services
from kaowu.registration.models import Application, EducationLevel, Payment
from kaowu.registration.photos import photo_normalise

Status = Application.Status
# How far each demo application goes, in order; the counts give every list something to show.
PATH = ([Status.DRAFT] * 3 + [Status.SUBMITTED] * 6 + [Status.RETURNED] + [Status.INSTITUTION_APPROVED] * 4
        + [Status.CENTER_APPROVED] * 4 + [Status.PAID] * 5 + [Status.WITHDRAWN])


def _portrait(rng: random.Random) -> bytes:
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
    if to == Status.WITHDRAWN:
        services.application_withdraw(application=application, by=clerk, reason="考生因工作安排放弃本次考核")
        return
    services.application_institution_approve(application=application, by=clerk, originals_seen=True)
    if to == Status.INSTITUTION_APPROVED:
        return
    services.application_center_approve(application=application, by=reviewer)
    if to == Status.PAID:
        services.payment_record(application=application, by=clerk, method=Payment.Method.CASH,
                                receipt_number=f"SC{today:%Y}{index:06d}")


def demo_registration_build(*, rng: random.Random, today: date | None = None) -> int:
    """Applications on every open plan; returns how many were made."""
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
            jpeg = photo_normalise(_portrait(rng), width=policy.photo_width_px, height=policy.photo_height_px,
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
    return made


__all__ = ["demo_registration_build"]
