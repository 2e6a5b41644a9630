"""Score entry and results for institutions' own tools: a session's candidates and attendance, theory scores
from a marking tool (checked as the Excel import checks them), an assessor's own sheet from a tablet, a
plan's composed results, and a candidate's own results — the same selectors and services as the pages.

Scope as on the pages: a session outside the caller's plans, a room the session does not use, a sheet of a
group the assessor is not in, or a plan the caller neither runs nor reviews is 404; a role that may see but
not act is 403; a rule's refusal is 422 with the rule id. An assessor's answers carry their own scores
only, never another assessor's (independent scoring, R-CQ-11, R-FJ-19)."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from kaowu.accounts.models import Role
from kaowu.accounts.roles import is_institution_staff_of, is_reviewing_center_of
from kaowu.api.errors import refusals_as_http
from kaowu.core.ids import id_mask
from kaowu.plans.selectors import plans_visible_to
from kaowu.scoring.entry import selectors as entry
from kaowu.scoring.entry import services as services_entry
from kaowu.scoring.entry.theory_api import TheoryRowsRefused, theory_scores_record
from kaowu.scoring.models import Attendance, Result
from kaowu.scoring.release import selectors as release_selectors

router = Router(tags=["成绩"])
ATTENDANCE_LABELS = dict(Attendance.Status.choices)


def _act(call: Callable):
    with refusals_as_http(), transaction.atomic():
        return call()


def _session(request, session_id: int):
    return entry.entry_session_get_for_user(user=request.auth, session_id=session_id)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


# --- candidates and attendance ---------------------------------------------------------------------

class CandidateOut(Schema):
    application_id: int
    ticket_number: str
    name: str
    id_masked: str
    room_id: int
    room_name: str
    seat: int
    attendance: str  # present / absent / cancelled, "" while not recorded
    attendance_label: str


def _candidate_out(row: entry.CandidateRow) -> dict:
    return {"application_id": row.application_id, "ticket_number": row.ticket, "name": row.name,
            "id_masked": row.id_masked, "room_id": row.room.pk, "room_name": row.room.name, "seat": row.seat,
            "attendance": row.attendance, "attendance_label": row.attendance_label}


@router.get("/sessions/{session_id}/candidates", response=list[CandidateOut],
            summary="场次的考生名单（报名编号、准考证号、姓名、脱敏证件号、考场、到考情况）")
def session_candidates(request, session_id: int):
    session = _session(request, session_id)
    if not entry.may_record_attendance(request.auth, session.plan):
        raise HttpError(403, "只有本计划所属机构的管理员、经办人或监考员可以查看考生名单")
    return [_candidate_out(row) for row in entry.session_candidates(session)]


class AttendanceIn(Schema):
    application_id: int
    status: Literal[tuple(Attendance.Status.values)]  # type: ignore[valid-type]


class AttendanceOut(Schema):
    changed: int
    candidates: list[CandidateOut]


@router.post("/sessions/{session_id}/attendance", response=AttendanceOut,
             summary="登记到考情况（到考 present、缺考 absent、成绩取消 cancelled）：机构人员或本机构监考员")
def attendance_record(request, session_id: int, payload: list[AttendanceIn]):
    session = _session(request, session_id)
    rows = {row.application_id: row.status for row in payload}
    if len(rows) != len(payload):
        raise HttpError(422, "同一考生出现多次，请每名考生只提交一行")
    changed = _act(lambda: services_entry.attendance_record(session=session, rows=rows, by=request.auth))
    return {"changed": changed,
            "candidates": [_candidate_out(row) for row in entry.session_candidates(session)
                           if row.application_id in rows]}


# --- theory scores from a marking tool -------------------------------------------------------------

class TheoryScoreIn(Schema):
    application_id: int | None = None
    ticket_number: str | None = None
    name: str | None = None  # checked against the candidate when given
    score: Decimal | str | None = None
    absent: bool = False


class TheoryScoresOut(Schema):
    total: int  # rows sent
    new: int  # scores recorded by this call
    existing: int  # rows identical to scores already recorded: nothing changed
    absent: int  # of the new ones, 缺考


class RowProblemOut(Schema):
    index: int
    field: str
    message: str


class TheoryRefusedOut(Schema):
    detail: str
    errors: list[RowProblemOut] = []  # empty for a refusal of the whole call


@router.post("/sessions/{session_id}/scores", response={200: TheoryScoresOut, 422: TheoryRefusedOut},
             summary="提交理论成绩（阅卷系统）：全部登记或全部不登记，逐行报错；"
                     "相同内容重复提交不新增；考评组评分的场次不适用（R-CQ-11）")
def theory_scores(request, session_id: int, payload: list[TheoryScoreIn]):
    session = _session(request, session_id)
    try:
        with refusals_as_http():
            report = theory_scores_record(session=session, by=request.auth,
                                          rows=[row.model_dump() for row in payload])
    except TheoryRowsRefused as exc:
        return Status(422, {"detail": exc.message, "errors": [p.as_json() for p in exc.problems]})
    return {"total": report.total, "new": report.new, "existing": report.existing, "absent": report.absent}


# --- an assessor's own sheet -----------------------------------------------------------------------

class PartOut(Schema):
    order: int
    name: str
    full_marks: str


class SheetCandidateOut(Schema):
    application_id: int
    ticket_number: str
    name: str
    seat: int
    attendance: str
    scored: bool  # False for 缺考/成绩取消: not scored


class EntryOut(Schema):
    application_id: int
    part: int
    score: str


class MemberOut(Schema):
    name: str
    leader: bool
    status_label: str  # of their sheet; never their scores


class SheetOut(Schema):
    session_id: int
    room_id: int
    sheet_id: int | None
    status: str  # not_started / draft / signed
    status_label: str
    signed_at: datetime | None
    leader: bool
    parts: list[PartOut]
    candidates: list[SheetCandidateOut]
    scores: list[EntryOut]  # the caller's own
    group: list[MemberOut]


def _room_of_group(request, session_id: int, room_id: int):
    """The session and room, for a member of the room's assessor group only (404 for anyone else)."""
    session = _session(request, session_id)
    room = entry.session_room_get(session=session, room_id=room_id)
    if entry.group_member(request.auth, entry.room_group(session, room)) is None:
        raise Http404("您不在本考场的考评组")
    return session, room


def _sheet_out(request, session, room) -> dict:
    """The caller's own sheet: sheet_page's `scores` are read from their sheet alone."""
    page = entry.sheet_page(session=session, room=room, user=request.auth)
    sheet = page.sheet
    seat = {c.application_id: n for n, c in enumerate(page.candidates)}  # the scores in the room's seat order
    return {
        "session_id": session.pk, "room_id": room.pk, "sheet_id": sheet.pk if sheet else None,
        "status": sheet.status if sheet else "not_started",
        "status_label": sheet.get_status_display() if sheet else "未开始",
        "signed_at": sheet.signed_at if sheet else None, "leader": page.member.leader,
        "parts": [{"order": p.order, "name": p.name, "full_marks": f"{p.full_marks.normalize():f}"}
                  for p in page.parts],
        "candidates": [{"application_id": c.application_id, "ticket_number": c.ticket, "name": c.name,
                        "seat": c.seat, "attendance": c.attendance, "scored": c.scored} for c in page.candidates],
        "scores": [{"application_id": a, "part": p, "score": _text(page.scores[(a, p)])}
                   for a, p in sorted(page.scores, key=lambda key: (seat.get(key[0], len(seat)), key[1]))],
        "group": [{"name": name, "leader": leader, "status_label": label} for name, leader, label in page.statuses],
    }


@router.get("/sessions/{session_id}/rooms/{room_id}/sheet", response=SheetOut,
            summary="本人的评分表（考评员本人令牌；只含本人评分）")
def sheet_detail(request, session_id: int, room_id: int):
    session, room = _room_of_group(request, session_id, room_id)
    return _sheet_out(request, session, room)


class SheetEntryIn(Schema):
    application_id: int
    part: int = 0  # the subject's scoring item (SubjectPart.order), 0 for the whole subject
    score: Decimal | str | None = None  # empty clears the entry


class SheetIn(Schema):
    scores: list[SheetEntryIn]


@router.put("/sessions/{session_id}/rooms/{room_id}/sheet", response=SheetOut,
            summary="填写本人评分表（考评员本人令牌）：未列出的评分保持不变，分数为空即清除；签名后不能修改（R-CQ-11）")
def sheet_save(request, session_id: int, room_id: int, payload: SheetIn):
    session, room = _room_of_group(request, session_id, room_id)
    scores = {(entry_in.application_id, entry_in.part): entry_in.score for entry_in in payload.scores}
    if len(scores) != len(payload.scores):
        raise HttpError(422, "同一考生的同一评分项出现多次，请只提交一次")
    _act(lambda: services_entry.own_sheet_save(session=session, room=room, scores=scores, by=request.auth))
    return _sheet_out(request, session, room)


@router.post("/sessions/{session_id}/rooms/{room_id}/sheet/sign", response=SheetOut,
             summary="签名本人评分表（考评员本人令牌）：到考考生须全部评分，签名后只读（R-CQ-11）")
def sheet_sign(request, session_id: int, room_id: int):
    session, room = _room_of_group(request, session_id, room_id)
    _act(lambda: services_entry.own_sheet_sign(session=session, room=room, by=request.auth))
    return _sheet_out(request, session, room)


# --- results ---------------------------------------------------------------------------------------

class SubjectOut(Schema):
    subject: int | None = None
    name: str = ""
    score: str | None = None
    pass_mark: str | None = None
    passed: bool = False
    attendance: str = ""
    carried: bool = False  # kept from an earlier sitting (R-CQ-13)


class ResultOut(Schema):
    application_id: int
    name: str
    id_masked: str
    item: str
    outcome: str
    outcome_label: str
    grade: str
    total: str | None
    final: bool
    subjects: list[SubjectOut]


class PlanResultsOut(Schema):
    plan_id: int
    status: str | None  # the release's status; None before anyone submitted
    status_label: str
    results: list[ResultOut]


def _result_out(result: Result) -> dict:
    application = result.application
    return {"application_id": application.pk, "name": application.candidate.name,
            "id_masked": id_mask(application.candidate.id_number), "item": str(application.item),
            "outcome": result.outcome, "outcome_label": result.get_outcome_display(), "grade": result.grade,
            "total": _text(result.total), "final": result.final, "subjects": result.subjects or []}


@router.get("/plans/{plan_id}/results", response=PlanResultsOut,
            summary="计划的考核结果（上报后生成）：本机构人员或审核该计划的中心")
def plan_results(request, plan_id: int):
    user = request.auth
    plan = get_object_or_404(plans_visible_to(user), pk=plan_id)
    if not (is_institution_staff_of(user, plan.institution_id) or is_reviewing_center_of(user, plan.reviewing_center)):
        raise Http404("不在您的范围内")
    release = release_selectors.release_of(plan)
    if release is None:
        return {"plan_id": plan.pk, "status": None, "status_label": "成绩尚未上报", "results": []}
    return {"plan_id": plan.pk, "status": release.status, "status_label": release.get_status_display(),
            "results": [_result_out(r) for r in release_selectors.release_results(release)]}


class MyResultOut(Schema):
    application_id: int
    plan_name: str
    institution: str
    item: str
    status_label: str  # where the plan's results are: 审核通过, 公示中, 成绩已确认
    recheck_until: date | None  # the last day to ask a recheck (R-FJ-11), once published
    result: ResultOut


@router.get("/results/mine", response=list[MyResultOut],
            summary="考生本人的考核结果（中心审核确认后可见，与考生页面相同）")
def my_results(request):
    if request.auth.role != Role.CANDIDATE:
        raise HttpError(403, "仅考生本人可以查询自己的考核结果")
    return [{"application_id": row.application.pk, "plan_name": row.application.plan.name,
             "institution": row.application.plan.institution.name, "item": str(row.application.item),
             "status_label": row.release.get_status_display(), "recheck_until": row.release.recheck_until,
             "result": _result_out(row.result)}
            for row in release_selectors.candidate_results(request.auth, timezone.localdate())
            if row.result is not None]
