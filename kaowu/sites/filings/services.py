"""The facility filing (设施设备申报表, R-FJ-2, R-SC24-6): one site confirmed for one item.

Only a city reviewer of the center above the institution, or a province admin, reviews it (PermissionRefused
otherwise), so an institution can never approve its own filing.

The status workflow (FILING_TRANSITIONS, filing_transition) lives here and the 统考报名机构 application
(sites/unified) follows the same one: the application came later and was modelled on the filing, so it
depends on the filing and never the other way round; sites/services.py stays about sites and rooms.

Its content is the 设施设备申报表 of 002 附件1: the site's rooms (type, area), equipment (model,
count), the assessor's and the station's opinion, and photos or video of the site. R-FJ-2's lead
time is counted with workdays_between(today, exam date): working days after the day of submission
up to and including the exam day.
"""

import uuid
from datetime import date
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from kaowu.accounts.models import Organisation, User
from kaowu.accounts.roles import require_institution_staff_of, require_reviewing_center_of
from kaowu.catalog.models import Occupation, SpecialItem
from kaowu.catalog.policy import policy_active
from kaowu.core.errors import RuleViolation
from kaowu.core.services import audit_record, snapshot
from kaowu.core.workdays import uncovered_note, workdays_before, workdays_between
from kaowu.core.workflow import row_lock, transition_check
from kaowu.sites.audit import SiteAction
from kaowu.sites.models import FacilityFiling, FacilityFilingAttachment, ReviewStatus, Site, UnifiedExamApplication
from kaowu.sites.services import field_changes_apply, staff_only

# The one list of allowed transitions of filings, which unified-exam applications share (DESIGN.md §5).
FILING_TRANSITIONS: dict[str, set[str]] = {
    ReviewStatus.DRAFT: {ReviewStatus.SUBMITTED},
    ReviewStatus.SUBMITTED: {ReviewStatus.APPROVED, ReviewStatus.RETURNED},
    ReviewStatus.RETURNED: {ReviewStatus.SUBMITTED},
    ReviewStatus.APPROVED: set(),
}
EDITABLE_STATUSES = frozenset({ReviewStatus.DRAFT, ReviewStatus.RETURNED})
# Each kind of document under this workflow: its noun in the refusal and the audit action of each move.
FILING_WORKFLOW_ACTIONS: dict[type, tuple[str, dict[str, SiteAction]]] = {
    FacilityFiling: ("申报", {
        ReviewStatus.SUBMITTED: SiteAction.FACILITY_FILING_SUBMIT,
        ReviewStatus.APPROVED: SiteAction.FACILITY_FILING_APPROVE,
        ReviewStatus.RETURNED: SiteAction.FACILITY_FILING_RETURN,
    }),
    UnifiedExamApplication: ("申请", {
        ReviewStatus.SUBMITTED: SiteAction.UNIFIED_APPLICATION_SUBMIT,
        ReviewStatus.APPROVED: SiteAction.UNIFIED_APPLICATION_APPROVE,
        ReviewStatus.RETURNED: SiteAction.UNIFIED_APPLICATION_RETURN,
    }),
}

FILING_EDITABLE_FIELDS = frozenset({"planned_exam_date", "assessor_opinion", "station_opinion"})

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


# --- the review workflow ---------------------------------------------------------------------

def filing_transition(*, filing: FacilityFiling | UnifiedExamApplication, to: str, by: User, reason: str = ""
                      ) -> FacilityFiling | UnifiedExamApplication:
    """Move a filing (or a unified-exam application, which follows the same table) to `to` if
    FILING_TRANSITIONS allows it; stamp the submission or the review; write the audit event. The caller is
    atomic (and has locked the row with the services' select_for_update)."""
    noun, actions = FILING_WORKFLOW_ACTIONS[type(filing)]
    row_lock(filing, fields=["status"])
    transition_check(table=FILING_TRANSITIONS, status=ReviewStatus, current=filing.status, to=to, noun=noun)
    before = filing.status
    now = timezone.now()
    filing.status = to
    if to == ReviewStatus.SUBMITTED:
        filing.submitted_at = now
        filing.reviewed_at = None
        filing.reviewed_by = None
    else:
        filing.reviewed_at = now
        filing.reviewed_by = by
        filing.review_reason = reason
    filing.save()
    after: dict[str, Any] = {"status": to}
    if reason:
        after["reason"] = reason
    audit_record(action=actions[to], actor=by, target=filing, organisation=filing.institution,
                 before={"status": before}, after=after)
    return filing


def not_your_review(institution: Organisation) -> str:
    """The refusal given to anyone but the institution's own city center or the province."""
    center = institution.parent.name if institution.parent_id else "所属中心"
    return f"{institution.name}的申报由{center}或省中心审核，您无权审核"


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
    require_institution_staff_of(by, site.institution, staff_only(site.institution))
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
    audit_record(action=SiteAction.FACILITY_FILING_CREATE, actor=by, target=filing, after=snapshot(filing),
                 organisation=site.institution)
    return filing


@transaction.atomic
def facility_filing_update(*, filing: FacilityFiling, by: User, **changes: Any) -> FacilityFiling:
    """Change the planned date or the opinions of a draft or returned filing."""
    require_institution_staff_of(by, filing.institution, staff_only(filing.institution))
    filing = FacilityFiling.objects.select_for_update().get(pk=filing.pk)
    if filing.status not in EDITABLE_STATUSES:
        raise ValidationError(f"申报当前为“{filing.get_status_display()}”，不能修改")
    before = snapshot(filing, list(changes))
    changed = field_changes_apply(filing, changes, FILING_EDITABLE_FIELDS)
    if not changed:
        return filing
    filing.full_clean()
    filing.save()
    audit_record(action=SiteAction.FACILITY_FILING_UPDATE, actor=by, target=filing, organisation=filing.institution,
                 before={k: before[k] for k in changed}, after=snapshot(filing, changed))
    return filing


@transaction.atomic
def facility_filing_attach(
    *, filing: FacilityFiling, by: User, kind: str, file: File, caption: str = ""
) -> FacilityFilingAttachment:
    """Add a photo, a video or a document to a draft or returned filing (kept under MEDIA_ROOT)."""
    require_institution_staff_of(by, filing.institution, staff_only(filing.institution))
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
        audit_record(action=SiteAction.FACILITY_FILING_ATTACH, actor=by, target=filing, organisation=filing.institution,
                     after={"attachment": attachment.pk, "kind": kind, "file": attachment.file.name,
                            "caption": caption})
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def facility_filing_attachment_delete(*, attachment: FacilityFilingAttachment, by: User) -> None:
    require_institution_staff_of(by, attachment.filing.institution, staff_only(attachment.filing.institution))
    filing = FacilityFiling.objects.select_for_update().get(pk=attachment.filing_id)
    if filing.status not in EDITABLE_STATUSES:
        raise ValidationError(f"申报当前为“{filing.get_status_display()}”，不能删除附件")
    name, storage = attachment.file.name, attachment.file.storage
    audit_record(action=SiteAction.FACILITY_FILING_DETACH, actor=by, target=filing, organisation=filing.institution,
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
    require_institution_staff_of(by, filing.institution, staff_only(filing.institution))
    filing = (FacilityFiling.objects.select_for_update(of=("self",))
              .select_related("site", "institution").get(pk=filing.pk))
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
                f"现距考核仅{max(ahead, 0)}个工作日{uncovered_note(today, filing.planned_exam_date)}",
            )
    filing_transition(filing=filing, to=ReviewStatus.SUBMITTED, by=by)
    return filing


@transaction.atomic
def facility_filing_approve(*, filing: FacilityFiling, by: User, reason: str = "") -> FacilityFiling:
    """The center confirms the site for the item (R-FJ-2) after its technical check (R-SC24-6)."""
    require_reviewing_center_of(by, filing.institution, not_your_review(filing.institution))
    filing = FacilityFiling.objects.select_for_update().get(pk=filing.pk)
    filing_transition(filing=filing, to=ReviewStatus.APPROVED, by=by, reason=reason.strip())
    return filing


@transaction.atomic
def facility_filing_return(*, filing: FacilityFiling, by: User, reason: str) -> FacilityFiling:
    require_reviewing_center_of(by, filing.institution, not_your_review(filing.institution))
    if not reason or not reason.strip():
        raise ValidationError("退回须填写原因")
    filing = FacilityFiling.objects.select_for_update().get(pk=filing.pk)
    filing_transition(filing=filing, to=ReviewStatus.RETURNED, by=by, reason=reason.strip())
    return filing
