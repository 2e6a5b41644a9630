"""Score entry: attendance, each assessor's own sheet (independent, signed, then read-only), the leader's
compile (mean of the assessors, flagged spreads settled with a reason), the photo of the signed paper
summary (R-FJ-10), and the second person's blind check with its mismatch resolution (R-CQ-11).

Every function here is atomic and writes an audit event; a refusal names its rule where a rule refuses."""

import hashlib
import secrets
from datetime import datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from kaowu.accounts.models import User
from kaowu.accounts.roles import is_institution_staff_of
from kaowu.catalog.policy import policy_active
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.services import audit_record
from kaowu.core.workflow import row_lock, row_share_lock, transition_check
from kaowu.plans.models import Plan, Session
from kaowu.scoring.audit import ScoringAction
from kaowu.scoring.composition import assessors_combine
from kaowu.scoring.entry.selectors import (
    NOT_SCORED,
    Part,
    assessor_groups,
    assessors_mean,
    group_leader,
    group_member,
    may_record_attendance,
    room_group,
    room_sheets,
    session_candidates,
    session_full_marks,
    session_parts,
    subject_from_parts,
    subject_score_room,
)
from kaowu.scoring.models import (
    Attendance,
    ResultRelease,
    ScoreCheck,
    ScoreEntry,
    ScoreSheet,
    ScoreSummary,
    SubjectScore,
)
from kaowu.sites.models import Room

AStatus = Attendance.Status
OPEN_RELEASE = (ResultRelease.Status.ENTERING, ResultRelease.Status.RETURNED)
SUMMARY_MAX_BYTES = 10 * 1024 * 1024
SUMMARY_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


# --- shared checks ---------------------------------------------------------------------------------

def require_entry_open(plan: Plan) -> None:
    """Scores are entered and changed only until the institution submits them (R-FJ-10). Inside a transaction
    the plan is share-locked until it ends: a submission (which locks the plan) waits for the entry, or the
    entry for the submission and is then refused; entries of one plan do not wait for each other."""
    if transaction.get_connection().in_atomic_block:
        row_share_lock(plan, fields=["status"])
    release = ResultRelease.objects.filter(plan=plan).first()
    if release is not None and release.status not in OPEN_RELEASE:
        raise ValidationError(f"本计划成绩{release.get_status_display()}，不能再登记或修改；"
                              f"如需更正请走成绩复查（R-FJ-11）")


def require_started(session: Session) -> None:
    starts = timezone.make_aware(datetime.combine(session.date, session.start))
    if timezone.now() < starts:
        raise ValidationError(f"考试尚未开始（{session.date:%Y年%m月%d日} {session.start:%H:%M}），不能登记")


def score_parse(value, *, full_marks: Decimal, label: str) -> Decimal:
    """A score as typed: a number from 0 to the full marks with at most two decimals."""
    text = str(value).strip() if value is not None else ""
    try:
        score = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{label}：“{text}”不是数字") from None
    if not score.is_finite():
        raise ValidationError(f"{label}：“{text}”不是数字")
    if score < 0 or score > full_marks:
        raise ValidationError(f"{label}：{text} 超出范围，应在0至{full_marks.normalize():f}分之间")
    if score.as_tuple().exponent < -2 and score != score.quantize(Decimal("0.01")):
        raise ValidationError(f"{label}：{text} 最多保留两位小数")
    return score.quantize(Decimal("0.01"))


def _str(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _score_record(score: SubjectScore) -> dict:
    return {"application": score.application_id, "score": _str(score.score), "attendance": score.attendance,
            "parts": score.parts, "spread": _str(score.spread), "flagged": score.flagged,
            "settle_reason": score.settle_reason, "status": score.status}


def _check_drop(score: SubjectScore, by: User) -> None:
    """A changed score must be checked again (the caller saves it with its other changes)."""
    ScoreCheck.objects.filter(subject_score=score).delete()
    if score.status != SubjectScore.Status.ENTERED:
        subject_score_transition(subject_score=score, to=SubjectScore.Status.ENTERED, by=by, save=False)


# --- the workflows: a subject score's check, an assessor's sheet -------------------------------------

# A score is entered, then verified by a matching second check (R-CQ-11); a verified score that changes
# (attendance cancelled, compiled again, settled, corrected) goes back to entered and waits for a new check.
SUBJECT_SCORE_TRANSITIONS: dict[str, set[str]] = {
    SubjectScore.Status.ENTERED: {SubjectScore.Status.VERIFIED},
    SubjectScore.Status.VERIFIED: {SubjectScore.Status.ENTERED},
}
SUBJECT_SCORE_ACTIONS = {SubjectScore.Status.VERIFIED: ScoringAction.SCORE_VERIFIED,
                         SubjectScore.Status.ENTERED: ScoringAction.SCORE_REOPENED}


def subject_score_transition(*, subject_score: SubjectScore, to: str, by: User, reason: str = "",
                             save: bool = True) -> SubjectScore:
    """Move the score's check status if SUBJECT_SCORE_TRANSITIONS allows it, with its own audit event beside
    the event of the operation that makes the move (score_check, spread_settle, room_compile, mismatch_resolve,
    attendance_record). `save=False` when that operation saves the score's other changes with it. The caller
    is atomic."""
    row_lock(subject_score, fields=["status"])
    transition_check(table=SUBJECT_SCORE_TRANSITIONS, status=SubjectScore.Status, current=subject_score.status,
                     to=to, noun="科目成绩")
    before = subject_score.status
    subject_score.status = to
    if save:
        subject_score.save(update_fields=["status", "updated_at"])
    plan_of = subject_score.session.plan if subject_score.session_id else subject_score.application.plan
    audit_record(action=SUBJECT_SCORE_ACTIONS[to], actor=by, target=subject_score,
                 organisation_id=plan_of.institution_id, before={"status": before},
                 after={"status": to, **({"reason": reason} if reason else {})})
    return subject_score


# An assessor's sheet is filled in as a draft, then signed and read-only for good (R-CQ-11).
SCORE_SHEET_TRANSITIONS: dict[str, set[str]] = {
    ScoreSheet.Status.DRAFT: {ScoreSheet.Status.SIGNED},
    ScoreSheet.Status.SIGNED: set(),
}


def score_sheet_transition(*, sheet: ScoreSheet, to: str, by: User, reason: str = "",
                           after: dict | None = None) -> ScoreSheet:
    """Sign the sheet if SCORE_SHEET_TRANSITIONS allows it: stamped, saved and audited (`after` adds the
    signed scores to the event). The caller is atomic."""
    row_lock(sheet, fields=["status"])
    transition_check(table=SCORE_SHEET_TRANSITIONS, status=ScoreSheet.Status, current=sheet.status, to=to,
                     noun="评分表")
    sheet.status, sheet.signed_at = to, timezone.now()
    sheet.save(update_fields=["status", "signed_at", "updated_at"])
    audit_record(action=ScoringAction.SHEET_SIGN, actor=by, target=sheet,
                 organisation_id=sheet.session.plan.institution_id,
                 after={**(after or {}), "signed_at": sheet.signed_at.isoformat()})
    return sheet


# --- attendance ------------------------------------------------------------------------------------

@transaction.atomic
def attendance_record(*, session: Session, rows: dict[int, str], by: User) -> int:
    """Record 到考/缺考/成绩取消 for candidates of the session; returns how many changed.

    A candidate with a score keeps the attendance it was scored with, except that 成绩取消 (R-FJ-17)
    voids the score; a room whose sheets are signed takes no late 到考 (nobody scored them)."""
    plan = session.plan
    if not may_record_attendance(by, plan):
        raise PermissionRefused("只有本计划所属机构的管理员、经办人或监考员可以登记到考情况")
    require_entry_open(plan)
    require_started(session)
    candidates = {c.application_id: c for c in session_candidates(session)}
    labels = dict(AStatus.choices)
    errors = []
    for application_id, status in rows.items():
        if application_id not in candidates:
            errors.append(f"报名编号{application_id}不是本场次的考生")
        elif status not in labels:
            errors.append(f"{candidates[application_id].name}：到考情况“{status}”无效")
    if errors:
        raise ValidationError(errors)
    existing = {a.application_id: a for a in Attendance.objects.select_for_update().filter(
        session=session, application_id__in=list(rows))}
    scores = {s.application_id: s for s in SubjectScore.objects.select_for_update().filter(
        session=session, application_id__in=list(rows))}
    signed_rooms = set(ScoreSheet.objects.filter(session=session, status=ScoreSheet.Status.SIGNED)
                       .values_list("room_id", flat=True))
    now = timezone.now()
    changes, new, changed = [], [], []
    for application_id, status in rows.items():
        row = candidates[application_id]
        old = existing.get(application_id)
        before = old.status if old else ""
        if before == status:
            continue
        score = scores.get(application_id)
        if score is not None and score.attendance != status and status != AStatus.CANCELLED:
            errors.append(f"{row.name}：本场次已有成绩（{score.get_attendance_display()}），不能改为“{labels[status]}”；"
                          f"成绩有误请由录入人更正")
            continue
        if status == AStatus.PRESENT and before in NOT_SCORED and row.room.pk in signed_rooms:
            errors.append(f"{row.name}：本考场评分表已签名，不能再登记为到考")
            continue
        if old is None:
            new.append(Attendance(session=session, application_id=application_id, status=status, recorded_by=by,
                                  recorded_at=now))
        else:
            old.status, old.recorded_by, old.recorded_at = status, by, now
            changed.append(old)
        if score is not None and status == AStatus.CANCELLED and score.attendance != status:
            score.score, score.parts, score.attendance = None, {}, AStatus.CANCELLED
            score.spread, score.flagged, score.settle_reason = None, False, ""
            _check_drop(score, by)
            score.save()
        changes.append({"application": application_id, "before": before, "after": status})
    if errors:
        raise ValidationError(errors)
    Attendance.objects.bulk_create(new)
    for item in changed:
        item.save(update_fields=["status", "recorded_by", "recorded_at", "updated_at"])
    if changes:
        audit_record(action=ScoringAction.ATTENDANCE_RECORD, actor=by, target=session,
                     organisation_id=plan.institution_id, after={"changes": changes})
    return len(changes)


# --- the assessors' sheets -------------------------------------------------------------------------

def _member_or_refuse(by: User, session: Session, room: Room):
    member = group_member(by, room_group(session, room))
    if member is None:
        raise PermissionRefused("只有本考场考评组的考评员可以评分")
    return member


@transaction.atomic
def sheet_open(*, session: Session, room: Room, by: User) -> ScoreSheet:
    """The assessor's own sheet for the room (made on first use)."""
    member = _member_or_refuse(by, session, room)
    require_entry_open(session.plan)
    sheet, created = ScoreSheet.objects.get_or_create(session=session, room=room, assessor=member.staff,
                                                      defaults={"leader": member.leader})
    if created:
        audit_record(action=ScoringAction.SHEET_OPEN, actor=by, target=sheet,
                     organisation_id=session.plan.institution_id,
                     after={"session": session.pk, "room": room.pk, "leader": member.leader})
    return sheet


def _own_draft(sheet: ScoreSheet, by: User) -> ScoreSheet:
    sheet = ScoreSheet.objects.select_for_update(of=("self",)).select_related(
        "session__plan", "session__subject", "room", "assessor").get(pk=sheet.pk)
    member = _member_or_refuse(by, sheet.session, sheet.room)
    if member.staff_id != sheet.assessor_id:
        raise PermissionRefused("只能填写本人的评分表")
    if sheet.status != ScoreSheet.Status.DRAFT:
        raise RuleViolation("R-CQ-11", "评分表已签名，不能再修改")
    require_entry_open(sheet.session.plan)
    require_started(sheet.session)
    return sheet


@transaction.atomic
def sheet_save(*, sheet: ScoreSheet, scores: dict[tuple[int, int], Decimal | str | None], by: User) -> ScoreSheet:
    """Keep the assessor's scores (a blank clears one); each is checked against the item's full marks."""
    sheet = _own_draft(sheet, by)
    session = sheet.session
    parts = {p.order: p for p in session_parts(session)}
    candidates = {c.application_id: c for c in session_candidates(session, room=sheet.room)}
    errors, values = [], {}
    for (application_id, order), raw in scores.items():
        row = candidates.get(application_id)
        part = parts.get(order)
        if row is None or part is None:
            errors.append(f"报名编号{application_id}、评分项{order}不在本考场本科目的评分范围内")
            continue
        label = f"{row.name} {part.name}" if len(parts) > 1 else row.name
        if raw is None or str(raw).strip() == "":
            values[(application_id, order)] = None
            continue
        if not row.scored:
            errors.append(f"{row.name}：{row.attendance_label}，不评分")
            continue
        try:
            values[(application_id, order)] = score_parse(raw, full_marks=part.full_marks, label=label)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    current = {(e.application_id, e.part): e for e in ScoreEntry.objects.filter(sheet=sheet)}
    changed = []
    for key, value in values.items():
        entry = current.get(key)
        old = entry.score if entry else None
        if old == value:
            continue
        if value is None:
            entry.delete()
        elif entry is None:
            ScoreEntry.objects.create(sheet=sheet, application_id=key[0], part=key[1], score=value)
        else:
            entry.score = value
            entry.save(update_fields=["score"])
        changed.append({"application": key[0], "part": key[1], "before": _str(old), "after": _str(value)})
    if changed:
        sheet.save(update_fields=["updated_at"])
        audit_record(action=ScoringAction.SHEET_SAVE, actor=by, target=sheet,
                     organisation_id=session.plan.institution_id,
                     after={"changes": changed})
    return sheet


@transaction.atomic
def sheet_sign(*, sheet: ScoreSheet, by: User) -> ScoreSheet:
    """Sign the sheet: every candidate of the room who sat is scored on every item; then it is read-only."""
    sheet = _own_draft(sheet, by)
    session = sheet.session
    parts = session_parts(session)
    entries = {(e.application_id, e.part): e.score for e in ScoreEntry.objects.filter(sheet=sheet)}
    missing = [f"{row.name}{'（' + part.name + '）' if len(parts) > 1 else ''}"
               for row in session_candidates(session, room=sheet.room) if row.scored
               for part in parts if (row.application_id, part.order) not in entries]
    if missing:
        shown = "、".join(missing[:10]) + ("等" if len(missing) > 10 else "")
        raise ValidationError(f"尚有{len(missing)}项未评分，不能签名：{shown}（缺考、成绩取消的考生不评分）")
    return score_sheet_transition(sheet=sheet, to=ScoreSheet.Status.SIGNED, by=by, after={
        "entries": len(entries), "scores": {f"{a}:{p}": _str(v) for (a, p), v in sorted(entries.items())}})


@transaction.atomic
def own_sheet_save(*, session: Session, room: Room, scores: dict[tuple[int, int], Decimal | str | None],
                   by: User) -> ScoreSheet:
    """What the sheet page and the API do with an assessor's typed scores: open the assessor's own sheet
    (made on first use) and keep the scores on it."""
    return sheet_save(sheet=sheet_open(session=session, room=room, by=by), scores=scores, by=by)


@transaction.atomic
def own_sheet_sign(*, session: Session, room: Room, by: User) -> ScoreSheet:
    """Sign the assessor's own sheet of the room (the sign button, and the API)."""
    return sheet_sign(sheet=sheet_open(session=session, room=room, by=by), by=by)


# --- the leader: compile, settle, summary ----------------------------------------------------------

def _leader_or_refuse(by: User, session: Session, room: Room, group=None):
    group = room_group(session, room) if group is None else group
    member = group_member(by, group)
    leader = group_leader(group)
    if member is None or leader is None or member.pk != leader.pk:
        raise PermissionRefused("只有本考场的考评组长可以办理")
    return group


def _unsigned_refusal(group, sheets) -> None:
    unsigned = [a.staff.name for a in group
                if a.staff_id not in sheets or sheets[a.staff_id].status != ScoreSheet.Status.SIGNED]
    if unsigned or not group:
        raise RuleViolation("R-CQ-11", f"实操成绩须经全部考评员签名后方可生效："
                                       f"{'、'.join(unsigned) or '考评组'}的评分表"
                                       f"尚未签名，不能汇总")


def _computed(parts: list[Part], full: Decimal, per_sheet: list[dict]) -> tuple[Decimal, dict, Decimal]:
    """(score, parts JSON, spread) of one candidate from the assessors' values {part: score}."""
    means = {p.order: assessors_mean([values[p.order] for values in per_sheet]) for p in parts}
    _mean, spread = assessors_combine([subject_from_parts(parts, values, full) for values in per_sheet])
    score = subject_from_parts(parts, means, full)
    return score, {str(order): _str(value) for order, value in means.items()}, spread


@transaction.atomic
def room_compile(*, session: Session, room: Room, by: User) -> list[SubjectScore]:
    """The leader turns the signed sheets into a SubjectScore per candidate: per item the mean of the
    assessors, the subject from its weighted parts, the spread between the assessors' totals; a spread
    above the profile's limit is flagged for the leader to settle. Compiling again changes only candidates
    whose attendance changed (the signed sheets cannot), so settled and corrected scores stay."""
    group = _leader_or_refuse(by, session, room)
    plan = session.plan
    require_entry_open(plan)
    sheets = room_sheets(session, room, group)
    _unsigned_refusal(group, sheets)
    entries: dict[int, dict[int, dict[int, Decimal]]] = {}
    for e in ScoreEntry.objects.filter(sheet__in=list(sheets.values())):
        entries.setdefault(e.application_id, {}).setdefault(e.sheet_id, {})[e.part] = e.score
    parts, full = session_parts(session), session_full_marks(session)
    spread_max = policy_active().assessor_score_spread_max
    candidates = session_candidates(session, room=room)
    existing = {s.application_id: s for s in SubjectScore.objects.select_for_update().filter(
        session=session, application_id__in=[c.application_id for c in candidates])}
    now = timezone.now()
    errors, out, changes = [], [], []
    for row in candidates:
        attendance = row.attendance or AStatus.PRESENT
        score = existing.get(row.application_id)
        if score is not None and score.source != SubjectScore.Source.ASSESSORS:
            errors.append(f"{row.name}：已有{score.get_source_display()}的成绩，不能再由考评组汇总")
            continue
        if score is not None and score.attendance == attendance:
            out.append(score)
            continue
        if row.scored:
            per_sheet = [entries.get(row.application_id, {}).get(sheets[a.staff_id].pk, {}) for a in group]
            if any(p.order not in values for values in per_sheet for p in parts):
                errors.append(f"{row.name}：有考评员未评分（到考情况在签名后改变），请核对到考情况")
                continue
            value, part_values, spread = _computed(parts, full, per_sheet)
            flagged = spread > spread_max
        else:
            value, part_values, spread, flagged = None, {}, None, False
        before = _score_record(score) if score is not None else None
        if score is None:
            score = SubjectScore(application_id=row.application_id, session=session, subject=session.subject,
                                 source=SubjectScore.Source.ASSESSORS, status=SubjectScore.Status.ENTERED)
        else:
            _check_drop(score, by)
        score.score, score.parts, score.attendance = value, part_values, attendance
        score.spread, score.flagged, score.settle_reason = spread, flagged, ""
        score.entered_by, score.entered_at = by, now
        score.save()
        out.append(score)
        changes.append({"before": before, "after": _score_record(score)})
    if errors:
        raise ValidationError(errors)
    audit_record(action=ScoringAction.ROOM_COMPILE, actor=by, target=room, organisation_id=plan.institution_id,
                 after={"session": session.pk, "room": room.pk, "candidates": len(candidates),
                        "flagged": sum(1 for s in out if s.flagged and not s.settle_reason), "changes": changes})
    return out


@transaction.atomic
def spread_settle(*, subject_score: SubjectScore, score, reason: str, by: User) -> SubjectScore:
    """The leader decides a flagged candidate's score, with the reason (R-CQ-11; 考评组长最终裁决)."""
    subject_score = SubjectScore.objects.select_for_update(of=("self",)) \
        .select_related("session__plan", "session__subject") \
        .get(pk=subject_score.pk)
    session = subject_score.session
    room = subject_score_room(subject_score) if session else None
    if room is None:
        raise PermissionRefused("只有本考场的考评组长可以裁定")
    _leader_or_refuse(by, session, room)
    require_entry_open(session.plan)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写裁定理由"})
    if not subject_score.flagged:
        raise ValidationError("该考生各考评员评分差未超限，无需裁定")
    value = score_parse(score, full_marks=session_full_marks(session), label="裁定成绩")
    before = _score_record(subject_score)
    subject_score.score, subject_score.settle_reason = value, reason[:300]
    subject_score.entered_by, subject_score.entered_at = by, timezone.now()
    _check_drop(subject_score, by)
    subject_score.save()
    audit_record(action=ScoringAction.SPREAD_SETTLE, actor=by, target=subject_score,
                 organisation_id=session.plan.institution_id, before=before, after=_score_record(subject_score))
    return subject_score


def _image_kind(data: bytes) -> str:
    try:
        with Image.open(BytesIO(data)) as picture:
            kind = picture.format
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    if kind not in SUMMARY_FORMATS:
        raise ValidationError({"photo": "请上传签名汇总表的照片（JPG、PNG 或 WebP 图片）"})
    return SUMMARY_FORMATS[kind]


@transaction.atomic
def summary_upload(*, session: Session, room: Room, photo, by: User) -> ScoreSummary:
    """The leader's photo of the paper summary every assessor signed (R-FJ-10); a new photo replaces the
    earlier one, whose file goes once the change commits."""
    group = _leader_or_refuse(by, session, room)
    require_entry_open(session.plan)
    sheets = room_sheets(session, room, group)
    if not all(a.staff_id in sheets and sheets[a.staff_id].status == ScoreSheet.Status.SIGNED for a in group):
        raise RuleViolation("R-FJ-10", "评分记录汇总表须由全部考评员签字确认后拍照上传；尚有评分表未签名")
    size = getattr(photo, "size", 0) or 0
    if size > SUMMARY_MAX_BYTES:
        raise ValidationError({"photo": f"照片过大（{size / 1024 / 1024:.1f} MB），不能超过"
                                        f"{SUMMARY_MAX_BYTES // 1024 // 1024} MB"})
    data = photo.read()
    if not data:
        raise ValidationError({"photo": "所选文件是空的"})
    extension = _image_kind(data)
    summary = ScoreSummary.objects.select_for_update().filter(session=session, room=room).first()
    before = None
    if summary is None:
        summary = ScoreSummary(session=session, room=room)
    else:
        before = {"photo": summary.photo.name, "uploaded_by": summary.uploaded_by.get_username()}
        old_name, storage = summary.photo.name, summary.photo.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    summary.uploaded_by = by
    # A generated name: paths reach logs and backups; the uploader's file name is not needed.
    summary.photo.save(f"s{session.pk}-r{room.pk}-{secrets.token_hex(8)}.{extension}", ContentFile(data),
                       save=False)
    summary.save()
    audit_record(action=ScoringAction.SUMMARY_UPLOAD, actor=by, target=summary,
                 organisation_id=session.plan.institution_id, before=before,
                 after={"photo": summary.photo.name, "bytes": len(data),
                        "sha256": hashlib.sha256(data).hexdigest()})
    return summary


def summary_view_record(*, summary: ScoreSummary, by: User) -> None:
    """Who looked at a signed summary's photo from the room page (personal data: names and scores)."""
    audit_record(action=ScoringAction.SUMMARY_VIEW, actor=by, target=summary,
                 organisation_id=summary.session.plan.institution_id)


# --- the second check ------------------------------------------------------------------------------

def _entered_parse(entered, *, full_marks: Decimal, label: str) -> Decimal | None:
    if entered is None or str(entered).strip() in ("", "缺考", "成绩取消"):
        return None
    return score_parse(entered, full_marks=full_marks, label=label)


@transaction.atomic
def score_check(*, subject_score: SubjectScore, entered, by: User) -> ScoreCheck:
    """A second person re-enters the score from the paper without seeing it (R-CQ-11): an institution admin
    or clerk who neither entered it nor assessed it. `entered` None means 缺考/成绩取消 (no score)."""
    subject_score = SubjectScore.objects.select_for_update(of=("self",)).select_related(
        "session__plan", "session__subject", "application__candidate").get(pk=subject_score.pk)
    session = subject_score.session
    plan = session.plan
    if not is_institution_staff_of(by, plan.institution_id):
        raise PermissionRefused("成绩复核由本计划所属机构的管理员或经办人进行")
    name = subject_score.application.candidate.name
    if subject_score.entered_by_id == by.pk:
        raise RuleViolation("R-CQ-11", f"{name}：成绩须由录入人以外的另一人复核，您是该成绩的录入人")
    if assessor_groups(session).filter(staff__user=by).exists():
        raise RuleViolation("R-CQ-11", f"{name}：本场次的考评员不能复核本场次的成绩")
    require_entry_open(plan)
    if subject_score.flagged and not subject_score.settle_reason:
        raise ValidationError(f"{name}：评分差超限，须由考评组长裁定后再复核")
    check = ScoreCheck.objects.filter(subject_score=subject_score).first()
    if check is not None:
        raise ValidationError(f"{name}：已复核（{'一致' if check.matches else '不一致，待录入人更正后再复核'}）")
    value = _entered_parse(entered, full_marks=session_full_marks(session), label=name)
    matches = value == subject_score.score
    check = ScoreCheck.objects.create(subject_score=subject_score, entered_score=value, matches=matches,
                                      checked_by=by, checked_at=timezone.now())
    if matches:
        subject_score_transition(subject_score=subject_score, to=SubjectScore.Status.VERIFIED, by=by)
    audit_record(action=ScoringAction.SCORE_CHECK, actor=by, target=subject_score, organisation_id=plan.institution_id,
                 after={"entered": _str(value), "matches": matches})
    return check


@transaction.atomic
def scores_check(*, entered: dict[int, object], scores: dict[int, SubjectScore], by: User) -> list[ScoreCheck]:
    """The check page's batch: `entered` maps a SubjectScore's key to what the second person typed, `scores`
    the keys to the scores on the page. All or none: one refusal keeps every check of the batch out."""
    return [score_check(subject_score=scores[pk], entered=value, by=by) for pk, value in entered.items()]


@transaction.atomic
def mismatch_resolve(*, subject_score: SubjectScore, score, reason: str, by: User) -> SubjectScore:
    """After a mismatch the entry is corrected (or confirmed) by the person who entered it, or the group's
    leader, with a reason; the score then waits for a new check."""
    subject_score = SubjectScore.objects.select_for_update(of=("self",)).select_related(
        "session__plan", "session__subject", "application__candidate").get(pk=subject_score.pk)
    session = subject_score.session
    check = ScoreCheck.objects.filter(subject_score=subject_score).first()
    allowed = subject_score.entered_by_id == by.pk
    if not allowed and subject_score.source == SubjectScore.Source.ASSESSORS:
        room = subject_score_room(subject_score)
        leader = group_leader(room_group(session, room)) if room else None
        allowed = leader is not None and leader.staff.user_id == by.pk
    if not allowed:
        raise PermissionRefused("复核不一致的成绩由原录入人或考评组长更正")
    require_entry_open(session.plan)
    if check is None or check.matches:
        raise ValidationError("该成绩没有待更正的复核不一致")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写更正说明"})
    label = subject_score.application.candidate.name
    if subject_score.attendance == AStatus.PRESENT:
        if score is None or str(score).strip() == "":
            raise ValidationError({"score": f"{label}：到考考生须填写成绩"})
        value = score_parse(score, full_marks=session_full_marks(session), label=label)
    else:
        value = None
    before = _score_record(subject_score) | {"check": _str(check.entered_score), "checked_by": check.checked_by_id}
    subject_score.score = value
    subject_score.entered_at = timezone.now()
    _check_drop(subject_score, by)
    subject_score.save()
    audit_record(action=ScoringAction.MISMATCH_RESOLVE, actor=by, target=subject_score,
                 organisation_id=session.plan.institution_id, before=before,
                 after=_score_record(subject_score) | {"reason": reason})
    return subject_score
