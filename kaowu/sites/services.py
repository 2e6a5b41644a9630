"""Sites, rooms, equipment, the facility filing (R-FJ-2, R-SC24-6) and the application to become
a 统考报名机构 (R-SC24-3).

Decisions:
- Only the institution's own admin or clerk writes its sites, rooms, equipment and filings; only a
  city reviewer of the center above the institution, or a province admin, reviews
  (PermissionRefused otherwise). An institution can therefore never approve its own filing.
- A filing confirms one site for one item (occupation+level, or a special item); its content is
  the 设施设备申报表 of 002 附件1: the site's rooms (type, area), equipment (model, count), the
  assessor's and the station's opinion, and photos or video of the site.
- R-FJ-2's lead time is counted with workdays_between(today, exam date): working days after the
  day of submission up to and including the exam day.
- R-CQ-6 refuses a theory or computer room above `theory_room_capacity`, a tiered theory room and
  a theory room with fewer desks than candidates (单人单桌); practical rooms are as the item needs.
"""

import uuid
from datetime import date
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kaowu.accounts.models import Organisation, Role, User
from kaowu.catalog.models import Occupation, SpecialItem
from kaowu.catalog.models.policy import PolicyProfile
from kaowu.catalog.policy import policy_active
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.services import audit_record, snapshot
from kaowu.core.workdays import workdays_before, workdays_between
from kaowu.sites.models import (
    Equipment,
    FacilityFiling,
    FacilityFilingAttachment,
    ReviewStatus,
    Room,
    RoomKind,
    Site,
    Station,
    UnifiedExamApplication,
)

INSTITUTION_STAFF_ROLES = frozenset({Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK})
REVIEWER_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_REVIEWER})

# The one list of allowed transitions for filings and unified-exam applications (DESIGN.md §5).
FILING_TRANSITIONS: dict[str, set[str]] = {
    ReviewStatus.DRAFT: {ReviewStatus.SUBMITTED},
    ReviewStatus.SUBMITTED: {ReviewStatus.APPROVED, ReviewStatus.RETURNED},
    ReviewStatus.RETURNED: {ReviewStatus.SUBMITTED},
    ReviewStatus.APPROVED: set(),
}
EDITABLE_STATUSES = frozenset({ReviewStatus.DRAFT, ReviewStatus.RETURNED})

SITE_EDITABLE_FIELDS = frozenset({
    "name", "address", "region_code", "contact_name", "contact_phone", "safety_officer", "safety_officer_phone",
    "is_active",
})
ROOM_EDITABLE_FIELDS = frozenset({"name", "kind", "capacity", "desks", "area_m2", "floor", "is_tiered", "note"})
FILING_EDITABLE_FIELDS = frozenset({"planned_exam_date", "assessor_opinion", "station_opinion"})
APPLICATION_EDITABLE_FIELDS = frozenset({"site", "equipment_summary", "staff_summary", "rules_summary"})

# What an attachment of each kind may be. Served back inline only for these types (see views).
ATTACHMENT_EXTENSIONS: dict[str, set[str]] = {
    FacilityFilingAttachment.Kind.PHOTO: {"jpg", "jpeg", "png"},
    FacilityFilingAttachment.Kind.VIDEO: {"mp4", "mov", "webm"},
    FacilityFilingAttachment.Kind.DOCUMENT: {"pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx"},
}
ATTACHMENT_MAX_BYTES: dict[str, int] = {
    FacilityFilingAttachment.Kind.PHOTO: 20 * 1024 * 1024,
    FacilityFilingAttachment.Kind.VIDEO: 500 * 1024 * 1024,
    FacilityFilingAttachment.Kind.DOCUMENT: 50 * 1024 * 1024,
}
MAX_STATIONS_PER_CALL = 500

# R-FJ-6 (002 §一(五)): what a site shows when its rooms are ready; listed on the site page.
ROOM_READINESS_ITEMS = (
    "粘贴考点标识，在警戒线外醒目位置张贴《考场规则》《违纪处罚规定》",
    "考核场地安全、整洁、卫生、明亮，设备仪器完好，工卡量具、原材料齐全，备有设备检修工具",
    "设置“非考试物品存放处”，集中存放考生携带的物品",
    "考试区域设警戒线，由专人值守，无关人员不得进入",
    "考场布置固定或移动电子监控",
)


# --- permissions -----------------------------------------------------------------------------

def _require_institution_staff(by: User, institution: Organisation) -> None:
    if (
        by is None or not by.is_authenticated or not by.is_active
        or by.role not in INSTITUTION_STAFF_ROLES or by.organisation_id != institution.pk
    ):
        raise PermissionRefused(f"只有{institution.name}的管理员或经办人可以办理")


def can_review(user: User, institution: Organisation) -> bool:
    """A province admin, or a city reviewer of the center the institution belongs to."""
    if user is None or not user.is_authenticated or not user.is_active or user.organisation_id is None:
        return False
    if user.role == Role.PROVINCE_ADMIN:
        return True
    return user.role == Role.CITY_REVIEWER and institution.path.startswith(user.organisation.path)


def _require_reviewer(by: User, institution: Organisation) -> None:
    if not can_review(by, institution):
        center = institution.parent.name if institution.parent_id else "所属中心"
        raise PermissionRefused(f"{institution.name}的申报由{center}或省中心审核，您无权审核")


def _apply_changes(instance, changes: dict[str, Any], allowed: frozenset[str]) -> list[str]:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError(f"不能修改这些字段：{'、'.join(unknown)}")
    changed = []
    for name, value in changes.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


# --- sites -----------------------------------------------------------------------------------

@transaction.atomic
def site_create(
    *,
    institution: Organisation,
    by: User,
    name: str,
    address: str,
    region_code: str,
    contact_name: str,
    contact_phone: str,
    safety_officer: str,
    safety_officer_phone: str = "",
) -> Site:
    """Add a 考点 of the institution; a named safety officer is required (R-SC21-1)."""
    _require_institution_staff(by, institution)
    if institution.kind != Organisation.Kind.INSTITUTION:
        raise ValidationError("考点只能属于报名考核机构")
    if not safety_officer.strip():
        raise RuleViolation("R-SC21-1", "考点须指定专职安全人员（安全员）")
    site = Site(
        institution=institution, name=name, address=address, region_code=region_code, contact_name=contact_name,
        contact_phone=contact_phone, safety_officer=safety_officer, safety_officer_phone=safety_officer_phone,
    )
    site.full_clean()
    site.save()
    audit_record(action="site.create", actor=by, target=site, after=snapshot(site), organisation=institution)
    return site


@transaction.atomic
def site_update(*, site: Site, by: User, **changes: Any) -> Site:
    _require_institution_staff(by, site.institution)
    site = Site.objects.select_for_update().get(pk=site.pk)
    before = snapshot(site, list(changes))
    changed = _apply_changes(site, changes, SITE_EDITABLE_FIELDS)
    if not changed:
        return site
    if not site.safety_officer.strip():
        raise RuleViolation("R-SC21-1", "考点须指定专职安全人员（安全员）")
    site.full_clean()
    site.save()
    audit_record(action="site.update", actor=by, target=site, organisation=site.institution,
                 before={k: before[k] for k in changed}, after=snapshot(site, changed))
    return site


def site_slot_capacity_check(*, site: Site, candidates: int, staff: int, policy: PolicyProfile | None = None) -> None:
    """R-SC21-2: at one site, in one batch and one time slot, at most N candidates and M persons in all."""
    policy = policy or policy_active()
    cap = policy.site_slot_candidate_cap
    if cap and candidates > cap:
        raise RuleViolation(
            "R-SC21-2",
            f"{site.name}同一批次同一时段安排考生{candidates}人，超过上限{cap}人（政策参数“同一考点同一时段考生上限”）",
        )
    person_cap = policy.site_slot_person_cap
    if person_cap and candidates + staff > person_cap:
        raise RuleViolation(
            "R-SC21-2",
            f"{site.name}同一批次同一时段考生{candidates}人加工作人员{staff}人共{candidates + staff}人，"
            f"超过上限{person_cap}人（政策参数“同一考点同一时段总人数上限”）",
        )


# --- rooms, stations, equipment --------------------------------------------------------------

def room_rules_check(*, kind: str, capacity: int, is_tiered: bool, desks: int = 0,
                     policy: PolicyProfile | None = None) -> None:
    """R-CQ-6: theory rooms at most N candidates, one per desk, no tiered lecture halls."""
    policy = policy or policy_active()
    limit = policy.theory_room_capacity
    if kind in {RoomKind.THEORY, RoomKind.COMPUTER} and capacity > limit:
        raise RuleViolation(
            "R-CQ-6",
            f"{RoomKind(kind).label}每室最多{limit}人（政策参数“理论考场每室人数上限”为{limit}），不能设为{capacity}人",
        )
    if kind == RoomKind.THEORY and is_tiered:
        raise RuleViolation("R-CQ-6", "理论考场不得使用阶梯教室")
    if kind in {RoomKind.THEORY, RoomKind.COMPUTER} and desks and desks < capacity:
        raise RuleViolation(
            "R-CQ-6", f"{RoomKind(kind).label}须单人单桌：桌椅/机位{desks}个，少于容纳考生数{capacity}人",
        )


@transaction.atomic
def room_create(
    *,
    site: Site,
    by: User,
    name: str,
    kind: str,
    capacity: int,
    desks: int = 0,
    area_m2=None,
    floor: str = "",
    is_tiered: bool = False,
    note: str = "",
    station_count: int = 0,
) -> Room:
    """Add a 考场 to a site, with `station_count` numbered 工位 when given."""
    _require_institution_staff(by, site.institution)
    room_rules_check(kind=kind, capacity=capacity, is_tiered=is_tiered, desks=desks)
    room = Room(site=site, name=name, kind=kind, capacity=capacity, desks=desks, area_m2=area_m2, floor=floor,
                is_tiered=is_tiered, note=note)
    room.full_clean()
    room.save()
    audit_record(action="room.create", actor=by, target=room, after=snapshot(room), organisation=site.institution)
    if station_count:
        stations_create(room=room, by=by, count=station_count)
    return room


@transaction.atomic
def room_update(*, room: Room, by: User, **changes: Any) -> Room:
    _require_institution_staff(by, room.site.institution)
    room = Room.objects.select_for_update().select_related("site__institution").get(pk=room.pk)
    before = snapshot(room, list(changes))
    changed = _apply_changes(room, changes, ROOM_EDITABLE_FIELDS)
    if not changed:
        return room
    room_rules_check(kind=room.kind, capacity=room.capacity, is_tiered=room.is_tiered, desks=room.desks)
    room.full_clean()
    room.save()
    audit_record(action="room.update", actor=by, target=room, organisation=room.site.institution,
                 before={k: before[k] for k in changed}, after=snapshot(room, changed))
    return room


@transaction.atomic
def stations_create(*, room: Room, by: User, count: int, equipment: str = "") -> list[Station]:
    """Number `count` new 工位 after the room's last one (candidates draw them, R-FJ-16)."""
    _require_institution_staff(by, room.site.institution)
    if count < 1 or count > MAX_STATIONS_PER_CALL:
        raise ValidationError(f"工位数应在1至{MAX_STATIONS_PER_CALL}之间")
    room = Room.objects.select_for_update().get(pk=room.pk)
    last = room.stations.aggregate(last=Max("number"))["last"] or 0
    stations = Station.objects.bulk_create(
        [Station(room=room, number=last + i, equipment=equipment) for i in range(1, count + 1)]
    )
    audit_record(action="station.create", actor=by, target=room, organisation=room.site.institution,
                 after={"numbers": [last + 1, last + count], "equipment": equipment})
    return stations


@transaction.atomic
def equipment_add(
    *, site: Site, by: User, name: str, count: int, model: str = "", room: Room | None = None
) -> Equipment:
    """A line of the 设施设备申报表: equipment with model and count (R-FJ-2)."""
    _require_institution_staff(by, site.institution)
    if room is not None and room.site_id != site.pk:
        raise ValidationError("所选考场不属于该考点")
    line = Equipment(site=site, room=room, name=name, model=model, count=count)
    line.full_clean()
    line.save()
    audit_record(action="equipment.add", actor=by, target=line, after=snapshot(line), organisation=site.institution)
    return line


# --- status workflow -------------------------------------------------------------------------

def _transition(obj: FacilityFiling | UnifiedExamApplication, *, to: str, by: User, action: str,
                reason: str = "") -> None:
    """Move a filing or an application to `to` if FILING_TRANSITIONS allows it; write the audit event."""
    if to not in FILING_TRANSITIONS[obj.status]:
        raise ValidationError(
            f"当前状态为“{ReviewStatus(obj.status).label}”，不能变为“{ReviewStatus(to).label}”"
        )
    before = obj.status
    now = timezone.now()
    obj.status = to
    if to == ReviewStatus.SUBMITTED:
        obj.submitted_at = now
        obj.reviewed_at = None
        obj.reviewed_by = None
    else:
        obj.reviewed_at = now
        obj.reviewed_by = by
        obj.review_reason = reason
    obj.save()
    after: dict[str, Any] = {"status": to}
    if reason:
        after["reason"] = reason
    audit_record(action=action, actor=by, target=obj, organisation=obj.institution,
                 before={"status": before}, after=after)


# --- facility filings (R-FJ-2, R-SC24-6) -----------------------------------------------------

def _item_label(occupation: Occupation | None, level: int | None, special_item: SpecialItem | None) -> str:
    if special_item is not None:
        return special_item.name
    return f"{occupation.name}{level}级" if occupation is not None else ""


@transaction.atomic
def facility_filing_create(
    *,
    site: Site,
    by: User,
    occupation: Occupation | None = None,
    level: int | None = None,
    special_item: SpecialItem | None = None,
    planned_exam_date: date | None = None,
    assessor_opinion: str = "",
    station_opinion: str = "",
) -> FacilityFiling:
    """A draft 设施设备申报表 of one site for one item (occupation+level, or a special item)."""
    _require_institution_staff(by, site.institution)
    if (occupation is None) == (special_item is None):
        raise ValidationError("请选择一个职业（工种）及等级，或一个专项职业能力考核项目（二者选一）")
    if occupation is not None:
        if level is None:
            raise ValidationError("按职业（工种）申报时须选择等级")
        if occupation.levels and level not in occupation.levels:
            raise ValidationError(f"{occupation.name}未开设{level}级")
    else:
        level = None
    if not site.is_active:
        raise ValidationError("该考点已停用")
    pending = FacilityFiling.objects.filter(
        site=site, occupation=occupation, level=level, special_item=special_item,
        status__in=[ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.RETURNED, ReviewStatus.APPROVED],
    ).first()
    if pending is not None:
        raise ValidationError(
            f"该考点已有{_item_label(occupation, level, special_item)}的申报（{pending.get_status_display()}），"
            "请在原申报上办理"
        )
    filing = FacilityFiling(
        institution=site.institution, site=site, occupation=occupation, level=level, special_item=special_item,
        planned_exam_date=planned_exam_date, assessor_opinion=assessor_opinion, station_opinion=station_opinion,
    )
    filing.full_clean()
    filing.save()
    audit_record(action="facility_filing.create", actor=by, target=filing, after=snapshot(filing),
                 organisation=site.institution)
    return filing


@transaction.atomic
def facility_filing_update(*, filing: FacilityFiling, by: User, **changes: Any) -> FacilityFiling:
    """Change the planned date or the opinions of a draft or returned filing."""
    _require_institution_staff(by, filing.institution)
    filing = FacilityFiling.objects.select_for_update().get(pk=filing.pk)
    if filing.status not in EDITABLE_STATUSES:
        raise ValidationError(f"申报当前为“{filing.get_status_display()}”，不能修改")
    before = snapshot(filing, list(changes))
    changed = _apply_changes(filing, changes, FILING_EDITABLE_FIELDS)
    if not changed:
        return filing
    filing.full_clean()
    filing.save()
    audit_record(action="facility_filing.update", actor=by, target=filing, organisation=filing.institution,
                 before={k: before[k] for k in changed}, after=snapshot(filing, changed))
    return filing


@transaction.atomic
def facility_filing_attach(
    *, filing: FacilityFiling, by: User, kind: str, file: File, caption: str = ""
) -> FacilityFilingAttachment:
    """Add a photo, a video or a document to a draft or returned filing (kept under MEDIA_ROOT)."""
    _require_institution_staff(by, filing.institution)
    # The status that counts is the stored one: a reviewer may have acted since the page was read.
    filing = FacilityFiling.objects.select_for_update().get(pk=filing.pk)
    if filing.status not in EDITABLE_STATUSES:
        raise ValidationError(f"申报当前为“{filing.get_status_display()}”，不能添加附件")
    if kind not in ATTACHMENT_EXTENSIONS:
        raise ValidationError("附件类别无效")
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    allowed = ATTACHMENT_EXTENSIONS[kind]
    if extension not in allowed:
        raise ValidationError(
            f"{FacilityFilingAttachment.Kind(kind).label}只接受 {'、'.join(sorted(allowed))} 格式的文件"
        )
    if file.size is not None and file.size > ATTACHMENT_MAX_BYTES[kind]:
        raise ValidationError(
            f"{FacilityFilingAttachment.Kind(kind).label}不能超过{ATTACHMENT_MAX_BYTES[kind] // (1024 * 1024)}MB"
        )
    if not caption:
        caption = PurePath(file.name).name[:120]
    attachment = FacilityFilingAttachment(filing=filing, kind=kind, caption=caption)
    # A generated name: the uploader's file name is neither trusted nor needed on disk.
    attachment.file.save(f"{uuid.uuid4().hex}.{extension}", file, save=False)
    try:
        attachment.save()
        audit_record(action="facility_filing.attach", actor=by, target=filing, organisation=filing.institution,
                     after={"attachment": attachment.pk, "kind": kind, "file": attachment.file.name,
                            "caption": caption})
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def facility_filing_attachment_delete(*, attachment: FacilityFilingAttachment, by: User) -> None:
    _require_institution_staff(by, attachment.filing.institution)
    filing = FacilityFiling.objects.select_for_update().get(pk=attachment.filing_id)
    if filing.status not in EDITABLE_STATUSES:
        raise ValidationError(f"申报当前为“{filing.get_status_display()}”，不能删除附件")
    name, storage = attachment.file.name, attachment.file.storage
    audit_record(action="facility_filing.detach", actor=by, target=filing, organisation=filing.institution,
                 before={"attachment": attachment.pk, "kind": attachment.kind, "file": name})
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def facility_filing_latest_submission_day(*, planned_exam_date: date, workdays: int) -> date:
    """The last working day on which a filing still has `workdays` working days before the exam (R-FJ-2)."""
    day = workdays_before(planned_exam_date, workdays)
    # workdays_between counts the exam day itself: when the exam is on a rest day, one day fewer.
    while workdays_between(day, planned_exam_date) < workdays:
        day = workdays_before(day, 1)
    return day


def facility_filing_problems(*, filing: FacilityFiling) -> list[str]:
    """What the 设施设备申报表 still lacks (R-FJ-2); empty when it can be submitted."""
    problems = []
    if not filing.site.rooms.exists():
        problems.append("考点尚未登记考场（场地名称、类型、面积）")
    if not filing.site.equipment.exists():
        problems.append("考点尚未登记设施设备（名称、型号、数量）")
    media = {FacilityFilingAttachment.Kind.PHOTO, FacilityFilingAttachment.Kind.VIDEO}
    if not filing.attachments.filter(kind__in=media).exists():
        problems.append("尚未上传按设施设备清单拍摄的考场照片或视频")
    return problems


@transaction.atomic
def facility_filing_submit(*, filing: FacilityFiling, by: User, today: date | None = None) -> FacilityFiling:
    """Send the filing to the center: complete, and at least N working days before the exam (R-FJ-2)."""
    _require_institution_staff(by, filing.institution)
    filing = FacilityFiling.objects.select_for_update().select_related("site", "institution").get(pk=filing.pk)
    if ReviewStatus.SUBMITTED not in FILING_TRANSITIONS[filing.status]:
        raise ValidationError(f"申报当前为“{filing.get_status_display()}”，不能提交")
    problems = facility_filing_problems(filing=filing)
    if problems:
        raise RuleViolation("R-FJ-2", "设施设备申报表不完整：" + "；".join(problems))
    if filing.planned_exam_date is not None:
        today = today or timezone.localdate()
        needed = policy_active().facility_filing_workdays
        ahead = workdays_between(today, filing.planned_exam_date)
        if ahead < needed:
            latest = facility_filing_latest_submission_day(
                planned_exam_date=filing.planned_exam_date, workdays=needed
            )
            raise RuleViolation(
                "R-FJ-2",
                f"设施设备申报须在考核前{needed}个工作日送达中心（政策参数“设施设备申报提前工作日”为{needed}），"
                f"拟首次考核日期{filing.planned_exam_date:%Y年%m月%d日}的申报最晚应于{latest:%Y年%m月%d日}提交，"
                f"现距考核仅{max(ahead, 0)}个工作日",
            )
    _transition(filing, to=ReviewStatus.SUBMITTED, by=by, action="facility_filing.submit")
    return filing


@transaction.atomic
def facility_filing_approve(*, filing: FacilityFiling, by: User, reason: str = "") -> FacilityFiling:
    """The center confirms the site for the item (R-FJ-2) after its technical check (R-SC24-6)."""
    _require_reviewer(by, filing.institution)
    filing = FacilityFiling.objects.select_for_update().get(pk=filing.pk)
    _transition(filing, to=ReviewStatus.APPROVED, by=by, action="facility_filing.approve", reason=reason.strip())
    return filing


@transaction.atomic
def facility_filing_return(*, filing: FacilityFiling, by: User, reason: str) -> FacilityFiling:
    _require_reviewer(by, filing.institution)
    if not reason or not reason.strip():
        raise ValidationError("退回须填写原因")
    filing = FacilityFiling.objects.select_for_update().get(pk=filing.pk)
    _transition(filing, to=ReviewStatus.RETURNED, by=by, action="facility_filing.return", reason=reason.strip())
    return filing


# --- unified-exam applications (R-SC24-3) ----------------------------------------------------

@transaction.atomic
def unified_application_create(
    *,
    site: Site,
    by: User,
    equipment_summary: str,
    staff_summary: str,
    rules_summary: str,
) -> UnifiedExamApplication:
    """A draft application to become a 统考报名机构: site, equipment, staff and rules (R-SC24-3)."""
    _require_institution_staff(by, site.institution)
    application = UnifiedExamApplication(
        institution=site.institution, site=site, equipment_summary=equipment_summary, staff_summary=staff_summary,
        rules_summary=rules_summary,
    )
    application.full_clean()
    application.save()
    audit_record(action="unified_application.create", actor=by, target=application, after=snapshot(application),
                 organisation=site.institution)
    return application


@transaction.atomic
def unified_application_update(*, application: UnifiedExamApplication, by: User, **changes: Any
                               ) -> UnifiedExamApplication:
    _require_institution_staff(by, application.institution)
    application = UnifiedExamApplication.objects.select_for_update().get(pk=application.pk)
    if application.status not in EDITABLE_STATUSES:
        raise ValidationError(f"申请当前为“{application.get_status_display()}”，不能修改")
    site = changes.get("site")
    if site is not None and site.institution_id != application.institution_id:
        raise ValidationError("报名场地须为本机构的考点")
    before = snapshot(application, list(changes))
    changed = _apply_changes(application, changes, APPLICATION_EDITABLE_FIELDS)
    if not changed:
        return application
    application.full_clean()
    application.save()
    audit_record(action="unified_application.update", actor=by, target=application,
                 organisation=application.institution, before={k: before[k] for k in changed},
                 after=snapshot(application, changed))
    return application


@transaction.atomic
def unified_application_submit(*, application: UnifiedExamApplication, by: User) -> UnifiedExamApplication:
    """Send the application to the center (R-SC24-3): a usable site and all three statements."""
    _require_institution_staff(by, application.institution)
    application = UnifiedExamApplication.objects.select_for_update().select_related("site").get(pk=application.pk)
    if ReviewStatus.SUBMITTED not in FILING_TRANSITIONS[application.status]:
        raise ValidationError(f"申请当前为“{application.get_status_display()}”，不能提交")
    problems = []
    if not application.site.is_active:
        problems.append("报名场地已停用")
    if not application.site.rooms.exists():
        problems.append("报名场地尚未登记考场")
    for field in ("equipment_summary", "staff_summary", "rules_summary"):
        if not getattr(application, field).strip():
            problems.append(f"未填写{UnifiedExamApplication._meta.get_field(field).verbose_name}")
    if problems:
        raise RuleViolation(
            "R-SC24-3", "统考报名机构须具备报名场地、办公设备设施、考务人员和规章制度：" + "；".join(problems)
        )
    other = UnifiedExamApplication.objects.filter(
        institution=application.institution, status__in=[ReviewStatus.SUBMITTED, ReviewStatus.APPROVED]
    ).exclude(pk=application.pk)
    if other.exists():
        raise ValidationError("本机构已有待审核或已批准的统考报名机构申请")
    _transition(application, to=ReviewStatus.SUBMITTED, by=by, action="unified_application.submit")
    return application


@transaction.atomic
def unified_application_approve(*, application: UnifiedExamApplication, by: User, reason: str = ""
                                ) -> UnifiedExamApplication:
    _require_reviewer(by, application.institution)
    application = UnifiedExamApplication.objects.select_for_update().get(pk=application.pk)
    _transition(application, to=ReviewStatus.APPROVED, by=by, action="unified_application.approve",
                reason=reason.strip())
    return application


@transaction.atomic
def unified_application_return(*, application: UnifiedExamApplication, by: User, reason: str
                               ) -> UnifiedExamApplication:
    _require_reviewer(by, application.institution)
    if not reason or not reason.strip():
        raise ValidationError("退回须填写原因")
    application = UnifiedExamApplication.objects.select_for_update().get(pk=application.pk)
    _transition(application, to=ReviewStatus.RETURNED, by=by, action="unified_application.return",
                reason=reason.strip())
    return application
