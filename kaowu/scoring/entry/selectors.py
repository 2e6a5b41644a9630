"""Scoped reads for score entry: who may do what on a plan, a session's candidates, a room's assessor group
and its sheets (each assessor sees only their own sheet until the whole group has signed, R-CQ-11, R-FJ-19),
the compiled scores, the second check's queue, and `entry_progress` (what is still missing per session,
which the release refuses to submit without)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kaowu.accounts.models import Role, User
from kaowu.accounts.roles import OFFICE_ROLES, is_institution_staff_of, is_reviewing_center_of
from kaowu.arrangement.audit import ArrangementAction
from kaowu.arrangement.models import AdmissionTicket, SeatAssignment, StationDraw
from kaowu.catalog.policy import policy_active
from kaowu.core.ids import id_mask
from kaowu.core.models import AuditEvent
from kaowu.plans.models import Plan, Session
from kaowu.plans.selectors import plans_visible_to
from kaowu.registration.models import Application
from kaowu.scoring.composition import PartRule, assessors_combine, subject_score_from_parts
from kaowu.scoring.models import Attendance, ScoreEntry, ScoreSheet, ScoreSummary, SubjectScore
from kaowu.sites.models import Room
from kaowu.staffing.models import DispatchAssignment, DispatchRun, StaffMember
from kaowu.staffing.needs import LIVE_ASSIGNMENT

# Who reaches the score entry pages at all (each page then asks the predicates below): the office, and the
# people at the exam who record attendance (invigilators) and score (assessors). Scoring's own gates, built
# from accounts.roles' groups.
ENTRY_ROLES = OFFICE_ROLES | {Role.INVIGILATOR, Role.ASSESSOR}
ATTENDANCE_ROLES = OFFICE_ROLES | {Role.INVIGILATOR}
SEATED = (Application.Status.PAID, Application.Status.TICKETED)
NOT_SCORED = (Attendance.Status.ABSENT, Attendance.Status.CANCELLED)
CENT = Decimal("0.01")
DEFAULT_FULL_MARKS = Decimal("100")


# --- who may do what -------------------------------------------------------------------------------

def may_record_attendance(user: User, plan: Plan) -> bool:
    """The plan's institution staff, or an invigilator of that institution."""
    return is_institution_staff_of(user, plan.institution_id) or (
        user.role == Role.INVIGILATOR and user.organisation_id == plan.institution_id)


def is_center(user: User, plan: Plan) -> bool:
    """The province, or a city center that sees the plan (it reviews it, or the institution is in its
    subtree): they read score entry, they do not write it."""
    return is_reviewing_center_of(user, plan.reviewing_center) or is_reviewing_center_of(user, plan.institution)


def staff_member_of(user: User) -> StaffMember | None:
    if not user.is_authenticated or user.role != Role.ASSESSOR:
        return None
    return StaffMember.objects.filter(user=user).first()


def entry_plans_visible_to(user: User) -> QuerySet[Plan]:
    """Office roles as for plans; an invigilator the plans of their institution; an assessor the plans in
    which a published dispatch puts them in an assessor group."""
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.role in OFFICE_ROLES:
        return plans_visible_to(user)
    if user.role == Role.INVIGILATOR and user.organisation_id:
        return Plan.objects.filter(institution_id=user.organisation_id).select_related("institution",
                                                                                      "reviewing_center")
    if user.role == Role.ASSESSOR:
        return Plan.objects.filter(pk__in=_own_assignments(user).values("session__plan")).select_related(
            "institution", "reviewing_center")
    return Plan.objects.none()


def entry_plan_get_for_user(*, user: User, plan_id: int) -> Plan:
    return get_object_or_404(entry_plans_visible_to(user), pk=plan_id)


def entry_session_get_for_user(*, user: User, session_id: int) -> Session:
    return get_object_or_404(Session.objects.select_related("plan__institution", "plan__reviewing_center",
                                                            "subject", "item__occupation", "item__special_item"),
                             pk=session_id, plan__in=entry_plans_visible_to(user))


def session_room_get(*, session: Session, room_id: int) -> Room:
    """A room in which the session seats candidates."""
    return get_object_or_404(Room.objects.select_related("site").filter(seats__session=session).distinct(),
                             pk=room_id)


# --- the subject's scoring items -------------------------------------------------------------------

# A scoring item: SubjectPart.order (0 = the whole subject), name, full marks, weight.
Part = PartRule


def session_full_marks(session: Session) -> Decimal:
    return session.subject.full_marks if session.subject_id else DEFAULT_FULL_MARKS


def session_parts(session: Session) -> list[Part]:
    """The scoring items of the session's subject: its weighted parts, or the whole subject as part 0."""
    if session.subject_id:
        parts = [Part(p.order, p.name, p.full_marks, p.weight) for p in session.subject.parts.order_by("order")]
        if parts:
            return parts
        return [Part(0, session.subject.name, session.subject.full_marks, Decimal(1))]
    return [Part(0, "成绩", DEFAULT_FULL_MARKS, Decimal(1))]


def session_is_assessed(session: Session) -> bool:
    """Scored by an assessor group (signed sheets, R-CQ-11) rather than imported: the subject's answer mode
    decides (实际操作, 答辩, 论文 by assessors; 上机考试 and 纸笔作答 imported, a computer-answered 专业能力
    included), whatever the room. A session without a subject: whether a group was dispatched to it."""
    if session.subject_id:
        return session.subject.scored_by_assessors
    return assessor_groups(session).exists()


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def assessors_mean(scores: list[Decimal]) -> Decimal:
    """The group's score for one item: the mean of the assessors, half up to 0.01 (composition)."""
    return assessors_combine(scores)[0]


def subject_from_parts(parts: list[Part], values: dict[int, Decimal], full_marks: Decimal) -> Decimal:
    """The subject score from its weighted parts (composition.subject_score_from_parts); part 0 alone is
    the subject score itself."""
    if len(parts) == 1 and parts[0].order == 0:
        return round2(values[0])
    return subject_score_from_parts(parts, values)


# --- candidates and attendance ---------------------------------------------------------------------

@dataclass
class CandidateRow:
    application_id: int
    name: str
    id_masked: str
    ticket: str
    room: Room
    seat: int
    attendance: str = ""  # Attendance.Status or "" when not recorded

    @property
    def attendance_label(self) -> str:
        return dict(Attendance.Status.choices).get(self.attendance, "未登记")

    @property
    def scored(self) -> bool:
        return self.attendance not in NOT_SCORED


def session_candidates(session: Session, *, room: Room | None = None) -> list[CandidateRow]:
    """The candidates seated in the session (one room or all), by room and seat, masked IDs."""
    seats = SeatAssignment.objects.filter(session=session, application__status__in=SEATED)
    if room is not None:
        seats = seats.filter(room=room)
    seats = list(seats.select_related("application__candidate", "room__site")
                 .order_by("room__site__name", "room__name", "seat_number"))
    ids = [s.application_id for s in seats]
    tickets = dict(AdmissionTicket.objects.filter(application_id__in=ids, status=AdmissionTicket.Status.VALID)
                   .values_list("application_id", "number"))
    recorded = dict(Attendance.objects.filter(session=session, application_id__in=ids)
                    .values_list("application_id", "status"))
    return [CandidateRow(application_id=s.application_id, name=s.application.candidate.name,
                         id_masked=id_mask(s.application.candidate.id_number), ticket=tickets.get(s.application_id, ""),
                         room=s.room, seat=s.seat_number, attendance=recorded.get(s.application_id, ""))
            for s in seats]


def attendance_from_checkin(session: Session) -> dict[int, str]:
    """到考 as the door recorded it: the candidates of a practical room's station draw (R-FJ-16), and those
    whose ticket was checked on the exam day. Everyone else of the session is proposed as 缺考."""
    seated = set(SeatAssignment.objects.filter(session=session, application__status__in=SEATED)
                 .values_list("application_id", flat=True))
    present: set[int] = set()
    for draw in StationDraw.objects.filter(session=session):
        present.update(int(pk) for pk in draw.present)
    day_start = timezone.make_aware(datetime.combine(session.date, datetime.min.time()))
    checked = AuditEvent.objects.filter(action=ArrangementAction.CHECKIN, object_type="arrangement.AdmissionTicket",
                                        at__gte=day_start, at__lt=day_start + timezone.timedelta(days=1),
                                        after__valid=True).values_list("object_id", flat=True)
    ticket_ids = [int(pk) for pk in checked if pk.isdigit()]
    if ticket_ids:
        present.update(AdmissionTicket.objects.filter(pk__in=ticket_ids).values_list("application_id", flat=True))
    if not present & seated:
        return {}
    return {pk: Attendance.Status.PRESENT if pk in present else Attendance.Status.ABSENT for pk in seated}


# --- assessor groups and sheets --------------------------------------------------------------------

def _own_assignments(user: User) -> QuerySet[DispatchAssignment]:
    return DispatchAssignment.objects.filter(
        staff__user=user, role=DispatchAssignment.Role.ASSESSOR, status__in=LIVE_ASSIGNMENT,
        run__status=DispatchRun.Status.PUBLISHED, session__isnull=False, room__isnull=False)


def assessor_groups(session: Session) -> QuerySet[DispatchAssignment]:
    return DispatchAssignment.objects.filter(
        session=session, role=DispatchAssignment.Role.ASSESSOR, status__in=LIVE_ASSIGNMENT,
        run__status=DispatchRun.Status.PUBLISHED, room__isnull=False)


def room_group(session: Session, room: Room) -> list[DispatchAssignment]:
    """The room's assessor group of the published dispatch, the leader first."""
    return list(assessor_groups(session).filter(room=room).select_related("staff__user")
                .order_by("-leader", "staff__name", "pk"))


def group_member(user: User, group: list[DispatchAssignment]) -> DispatchAssignment | None:
    if not user.is_authenticated or user.role != Role.ASSESSOR:
        return None
    return next((a for a in group if a.staff.user_id == user.pk), None)


def group_leader(group: list[DispatchAssignment]) -> DispatchAssignment | None:
    return next((a for a in group if a.leader), None)


def my_rooms(user: User) -> list[DispatchAssignment]:
    """An assessor's rooms to score, by date."""
    return list(_own_assignments(user).select_related(
        "session__plan__institution", "session__subject", "session__item__occupation",
        "session__item__special_item", "room__site").order_by("session__date", "session__start", "pk"))


def room_sheets(session: Session, room: Room, group: list[DispatchAssignment]) -> dict[int, ScoreSheet]:
    """The group's sheets by StaffMember id (without their scores)."""
    staff_ids = [a.staff_id for a in group]
    return {s.assessor_id: s for s in ScoreSheet.objects.filter(session=session, room=room,
                                                              assessor_id__in=staff_ids)}


def group_all_signed(group: list[DispatchAssignment], sheets: dict[int, ScoreSheet]) -> bool:
    return bool(group) and all(a.staff_id in sheets and sheets[a.staff_id].status == ScoreSheet.Status.SIGNED
                               for a in group)


def sheet_scores(sheet: ScoreSheet) -> dict[tuple[int, int], Decimal]:
    return {(e.application_id, e.part): e.score for e in ScoreEntry.objects.filter(sheet=sheet)}


def sheets_visible(*, session: Session, room: Room, user: User) -> list[ScoreSheet]:
    """The sheets whose scores `user` may read: before every sheet of the group is signed, only their own
    (independent scoring, R-FJ-19); afterwards the whole group's, for the group, the institution and the
    center."""
    group = room_group(session, room)
    sheets = room_sheets(session, room, group)
    if group_all_signed(group, sheets):
        member = group_member(user, group)
        if member or is_institution_staff_of(user, session.plan.institution_id) or is_center(user, session.plan):
            return [sheets[a.staff_id] for a in group]
        return []
    member = group_member(user, group)
    if member and member.staff_id in sheets:
        return [sheets[member.staff_id]]
    return []


@dataclass
class SheetPage:
    group: list
    member: DispatchAssignment | None
    sheet: ScoreSheet | None
    parts: list[Part]
    candidates: list[CandidateRow]
    scores: dict = field(default_factory=dict)
    statuses: list = field(default_factory=list)  # (name, leader, status label) of every member, no scores
    all_signed: bool = False

    @property
    def editable(self) -> bool:
        return self.sheet is not None and self.sheet.status == ScoreSheet.Status.DRAFT


def sheet_page(*, session: Session, room: Room, user: User) -> SheetPage:
    group = room_group(session, room)
    sheets = room_sheets(session, room, group)
    member = group_member(user, group)
    sheet = sheets.get(member.staff_id) if member else None
    statuses = [(a.staff.name, a.leader, sheets[a.staff_id].get_status_display() if a.staff_id in sheets
                 else "未开始") for a in group]
    return SheetPage(group=group, member=member, sheet=sheet, parts=session_parts(session),
                     candidates=session_candidates(session, room=room),
                     scores=sheet_scores(sheet) if sheet else {}, statuses=statuses,
                     all_signed=group_all_signed(group, sheets))


@dataclass
class RoomRow:
    candidate: CandidateRow
    by_assessor: list  # (name, total or None) in group order, only once all sheets are signed
    score: SubjectScore | None


def room_page(*, session: Session, room: Room, user: User) -> dict:
    """The leader's compile page (read-only for the rest of the group, the institution and the center)."""
    group = room_group(session, room)
    sheets = room_sheets(session, room, group)
    all_signed = group_all_signed(group, sheets)
    visible = sheets_visible(session=session, room=room, user=user) if all_signed else []
    parts = session_parts(session)
    full = session_full_marks(session)
    entries: dict[int, dict[tuple[int, int], Decimal]] = {s.pk: {} for s in visible}
    for e in ScoreEntry.objects.filter(sheet__in=visible):
        entries[e.sheet_id][(e.application_id, e.part)] = e.score
    candidates = session_candidates(session, room=room)
    scores = {s.application_id: s for s in SubjectScore.objects.filter(
        session=session, application_id__in=[c.application_id for c in candidates]).select_related("second_check")}
    rows = []
    for c in candidates:
        by_assessor = []
        for sheet in visible:
            values = {p.order: entries[sheet.pk].get((c.application_id, p.order)) for p in parts}
            total = subject_from_parts(parts, values, full) if all(v is not None for v in values.values()) else None
            by_assessor.append((sheet.assessor.name, total))
        rows.append(RoomRow(candidate=c, by_assessor=by_assessor, score=scores.get(c.application_id)))
    member = group_member(user, group)
    leader = group_leader(group)
    summary = ScoreSummary.objects.filter(session=session, room=room).select_related("uploaded_by").first()
    return {
        "group": group, "sheets": sheets, "all_signed": all_signed, "rows": rows, "parts": parts,
        "assessor_names": [s.assessor.name for s in visible], "member": member,
        "is_leader": bool(member and leader and member.pk == leader.pk), "leader": leader, "summary": summary,
        "statuses": [(a.staff.name, a.leader, sheets[a.staff_id].get_status_display() if a.staff_id in sheets
                      else "未开始") for a in group],
        "spread_max": policy_active().assessor_score_spread_max,
        "compiled": sum(1 for r in rows if r.score is not None),
    }


def may_read_room(user: User, session: Session, room: Room) -> bool:
    plan = session.plan
    return (is_institution_staff_of(user, plan.institution_id) or is_center(user, plan)
            or group_member(user, room_group(session, room)) is not None)


def summary_get(*, session: Session, room: Room) -> ScoreSummary | None:
    return ScoreSummary.objects.filter(session=session, room=room).first()


def subject_score_room(score: SubjectScore) -> Room | None:
    seat = SeatAssignment.objects.filter(session_id=score.session_id, application_id=score.application_id) \
        .select_related("room").first()
    return seat.room if seat else None


def subject_score_get_for_user(*, user: User, score_id: int) -> SubjectScore:
    return get_object_or_404(
        SubjectScore.objects.select_related("session__plan__institution", "session__subject",
                                            "application__candidate", "entered_by"),
        pk=score_id, session__plan__in=entry_plans_visible_to(user))


# --- the second check ------------------------------------------------------------------------------

@dataclass
class CheckRow:
    score: SubjectScore
    name: str
    id_masked: str
    ticket: str
    state: str  # "todo", "mine" (entered by this user: someone else checks), "flagged", "mismatch", "verified"


def check_rows(*, session: Session, user: User) -> list[CheckRow]:
    """The session's entered scores for the checking page: blind, so the row carries no score for the
    checker's eyes (the template shows none); the state says what may be done."""
    scores = list(SubjectScore.objects.filter(session=session).select_related(
        "application__candidate", "second_check").order_by("application__candidate__name", "pk"))
    tickets = dict(AdmissionTicket.objects.filter(application_id__in=[s.application_id for s in scores],
                                                  status=AdmissionTicket.Status.VALID)
                   .values_list("application_id", "number"))
    assessor_users = set(assessor_groups(session).exclude(staff__user__isnull=True)
                         .values_list("staff__user_id", flat=True))
    rows = []
    for s in scores:
        check = getattr(s, "second_check", None)
        if check is not None and check.matches:
            state = "verified"
        elif check is not None:
            state = "mismatch"
        elif s.flagged and not s.settle_reason:
            state = "flagged"
        elif s.entered_by_id == user.pk or user.pk in assessor_users:
            state = "mine"
        else:
            state = "todo"
        rows.append(CheckRow(score=s, name=s.application.candidate.name,
                             id_masked=id_mask(s.application.candidate.id_number),
                             ticket=tickets.get(s.application_id, ""), state=state))
    return rows


def mismatches(*, plan: Plan) -> list[SubjectScore]:
    return list(SubjectScore.objects.filter(session__plan=plan, second_check__matches=False)
                .select_related("session__subject", "session__item__occupation", "session__item__special_item",
                                "application__candidate", "second_check__checked_by", "entered_by")
                .order_by("session__date", "session__start", "application__candidate__name"))


# --- progress --------------------------------------------------------------------------------------

@dataclass
class SessionProgress:
    """What score entry of one session has and lacks. `assessed`: scored by assessor groups (sheets,
    compile, summary photo) rather than imported."""

    session: Session
    assessed: bool
    candidates: int = 0
    attendance: int = 0
    absent: int = 0
    rooms: list = field(default_factory=list)  # [{room, group, signed, compiled, summary, candidates}]
    sheets_needed: int = 0
    sheets_signed: int = 0
    scored: int = 0  # SubjectScore rows
    unscored: int = 0  # seated candidates with neither a score nor 缺考/成绩取消 on record
    compiled: int = 0  # of them from the assessors' sheets
    flagged_unsettled: int = 0
    summaries: int = 0
    summaries_needed: int = 0
    checked: int = 0  # matching second checks
    mismatches: int = 0
    check_required: bool = True

    @property
    def unchecked(self) -> int:
        return self.scored - self.checked - self.mismatches if self.check_required else 0

    def problems(self) -> list[str]:
        """What still stands between this session and submission, in Chinese."""
        out = []
        if self.attendance < self.candidates:
            out.append(f"到考情况未登记{self.candidates - self.attendance}人")
        if self.assessed:
            if self.sheets_signed < self.sheets_needed:
                out.append(f"评分表未签名{self.sheets_needed - self.sheets_signed}份（R-CQ-11）")
            if any(not r["group"] for r in self.rooms):
                out.append("有考场没有已发布的考评组")
            if self.summaries < self.summaries_needed:
                out.append(f"签名汇总表照片未上传{self.summaries_needed - self.summaries}个考场（R-FJ-10）")
        if self.unscored:
            out.append(f"成绩未录入{self.unscored}人")
        if self.flagged_unsettled:
            out.append(f"评分差超限待组长裁定{self.flagged_unsettled}人")
        if self.mismatches:
            out.append(f"复核不一致待更正{self.mismatches}人")
        if self.unchecked > 0:
            out.append(f"待复核{self.unchecked}人（R-CQ-11）")
        return out

    @property
    def complete(self) -> bool:
        return not self.problems()


def entry_progress(plan: Plan) -> list[SessionProgress]:
    """Per session of the plan: candidates, attendance recorded, sheets signed, compiled, flagged and not
    settled, summary photos, checked, mismatches. A fixed number of queries per session."""
    check_required = policy_active().score_entry_double_signature_required
    sessions = list(plan.sessions.select_related("subject", "item__occupation", "item__special_item")
                    .order_by("date", "start", "pk"))
    out = []
    for session in sessions:
        seats = (SeatAssignment.objects.filter(session=session, application__status__in=SEATED)
                 .values("room_id").annotate(n=Count("pk")))
        per_room = {row["room_id"]: row["n"] for row in seats}
        progress = SessionProgress(session=session, assessed=session_is_assessed(session),
                                   candidates=sum(per_room.values()), check_required=check_required)
        seated = SeatAssignment.objects.filter(session=session, application__status__in=SEATED) \
            .values("application_id")
        att = Attendance.objects.filter(session=session, application_id__in=seated).aggregate(
            n=Count("pk"), absent=Count("pk", filter=Q(status__in=NOT_SCORED)))
        progress.attendance, progress.absent = att["n"], att["absent"]
        scores = SubjectScore.objects.filter(session=session).aggregate(
            n=Count("pk"), compiled=Count("pk", filter=Q(source=SubjectScore.Source.ASSESSORS)),
            flagged=Count("pk", filter=Q(flagged=True, settle_reason="")),
            checked=Count("pk", filter=Q(second_check__matches=True)),
            mismatches=Count("pk", filter=Q(second_check__matches=False)))
        progress.scored, progress.compiled = scores["n"], scores["compiled"]
        progress.flagged_unsettled, progress.checked = scores["flagged"], scores["checked"]
        progress.mismatches = scores["mismatches"]
        covered = set(SubjectScore.objects.filter(session=session).values_list("application_id", flat=True))
        covered |= set(Attendance.objects.filter(session=session, status__in=NOT_SCORED)
                       .values_list("application_id", flat=True))
        progress.unscored = len(set(seated.values_list("application_id", flat=True)) - covered)
        if progress.assessed:
            groups = defaultdict(list)
            for a in assessor_groups(session).values("room_id", "staff_id"):
                groups[a["room_id"]].append(a["staff_id"])
            signed = defaultdict(set)
            for room_id, staff_id in ScoreSheet.objects.filter(session=session, status=ScoreSheet.Status.SIGNED) \
                    .values_list("room_id", "assessor_id"):
                signed[room_id].add(staff_id)
            summaries = set(ScoreSummary.objects.filter(session=session).values_list("room_id", flat=True))
            compiled = dict(SeatAssignment.objects.filter(
                session=session, application__subject_scores__session=session).values("room_id")
                .annotate(n=Count("pk")).values_list("room_id", "n"))
            rooms = {r.pk: r for r in Room.objects.filter(pk__in=per_room).select_related("site")}
            for room_id in sorted(per_room, key=lambda pk: (rooms[pk].site.name, rooms[pk].name)):
                group = groups.get(room_id, [])
                done = len(signed[room_id] & set(group))
                progress.rooms.append({"room": rooms[room_id], "group": len(group), "signed": done,
                                       "compiled": compiled.get(room_id, 0), "summary": room_id in summaries,
                                       "candidates": per_room[room_id]})
                progress.sheets_needed += len(group)
                progress.sheets_signed += done
            progress.summaries_needed = len(per_room)
            progress.summaries = len(summaries & set(per_room))
        out.append(progress)
    return out


def entry_blockers(plan: Plan) -> list[str]:
    """Every session's problems, each prefixed with the session: empty when the plan's scores are complete."""
    out = []
    for progress in entry_progress(plan):
        label = session_label(progress.session)
        out.extend(f"{label}：{problem}" for problem in progress.problems())
    return out


def session_label(session: Session) -> str:
    item = session.item.special_item if session.item.special_item_id else session.item
    subject = f" · {session.subject.name}" if session.subject_id else ""
    return f"{session.date:%m-%d} {session.start:%H:%M} {item}{subject}"


def my_entry_plans(user: User) -> list[Plan]:
    return list(entry_plans_visible_to(user).order_by("-registration_closes", "pk")[:200])

