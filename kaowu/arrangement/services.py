"""考场编排 and 准考证: arrangement runs, ticket publishing and the audited seat export.

`arrangement_run` reads a plan's paid applications, sessions and rooms with a handful of value queries,
hands them to the pure solver (kaowu.arrangement.solver) and writes the seats with one bulk insert.
It works in two phases so that a background job can show progress: reading and solving happen outside
any transaction; then, in ONE transaction with the institution's row locked (its plans share its sites),
it checks that nothing it read has changed (and reads and solves again if it has), withdraws tickets
(full mode), replaces the seats, records the run and writes the audit events.

`tickets_publish` issues numbered tickets (numbering.py) to paid applications that have a seat in every
session of their item, in bulk: one insert of tickets, one UPDATE of statuses, audit rows in bulk.
"""

import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from openpyxl import Workbook

from kaowu.accounts.models import Organisation, User
from kaowu.accounts.roles import require_institution_staff_of
from kaowu.arrangement import numbering
from kaowu.arrangement.audit import ArrangementAction
from kaowu.arrangement.models import AdmissionTicket, ArrangementRun, SeatAssignment
from kaowu.arrangement.solver import (
    ArrangementInputError,
    Assignment,
    CandidateSpec,
    Limits,
    RoomSpec,
    SessionSpec,
    arrangement_solve,
)
from kaowu.arrangement.solver.model import DESK_ROOM_KINDS, ROOM_LABELS
from kaowu.catalog.models.catalogue import LEVEL_LABELS
from kaowu.catalog.policy import policy_active
from kaowu.core.services import audit_record
from kaowu.core.workflow import row_lock, transition_check
from kaowu.plans.models import Plan, PlanItem, Session
from kaowu.registration.models import Application
from kaowu.registration.services import FEE_PAID, ApplicationMoved, applications_transition_bulk
from kaowu.sites.models import Room, Station

Status = Application.Status
Mode = ArrangementRun.Mode
# Plans whose applications can be arranged: paid applications exist only once registration opened.
ARRANGEABLE = {Plan.Status.REGISTRATION_OPEN, Plan.Status.REGISTRATION_CLOSED}
# Above this many paid applications the page runs the arrangement as a background job with progress.
BACKGROUND_APPLICATIONS = 2_000
FULL_REASON = "全部重排"
RELEASED_REASON = "报名已撤回，座位已释放"
SEAT_BATCH = 20_000  # rows per INSERT statement; Django lowers it where the database needs (SQLite)
TICKET_BATCH = 5_000  # tickets per INSERT statement
SEED_LIMIT = 10**12  # a seed a person can read out and type in again

Progress = Callable[[int, int, str], None]
PROGRESS_STEPS = 4


def _require_staff(by: User, plan: Plan) -> None:
    require_institution_staff_of(by, plan.institution_id,
                                 "只有本机构的管理员或经办人可以办理本机构计划的考场编排和准考证")


def item_label(item: PlanItem) -> str:
    """PlanItem.__str__ without its queries, for items loaded with occupation and special item."""
    if item.special_item_id:
        return str(item.special_item)
    return f"{item.occupation.name} {LEVEL_LABELS.get(item.level, item.level)}"


def _items_of(plan: Plan) -> dict[int, PlanItem]:
    return {item.pk: item for item in PlanItem.objects.filter(plan=plan).select_related("occupation", "special_item")}


# --- reading the input ---------------------------------------------------------------------------

@dataclass
class ArrangementInput:
    sessions: list[SessionSpec]
    rooms: list[RoomSpec]
    candidates: list[CandidateSpec]
    fixed: list[Assignment]  # published places of this plan and the places other plans hold in the rooms
    own_fixed: int  # how many of `fixed` are this plan's published places
    own_sessions: int  # how many of `sessions` are this plan's (the others hold other plans' places)
    unscheduled: int  # paid applications whose item has no session yet
    room_ids: tuple[int, ...]
    fingerprint: tuple = ()
    counts: dict = field(default_factory=dict)


def _session_room_kind(subject_kind: str | None, answer_mode: str | None, listed: list[str]) -> str:
    """The room kind a session needs. The rooms the clerk listed for it say where it is held; without rooms,
    its subject does: answered on computers → computer room, hands-on → practical room, else theory room.
    (Rooms of several kinds listed: the subject's kind if among them, else the kind most of them are.)"""
    if answer_mode == "computer":
        wanted = "computer"
    elif subject_kind == "practical":
        wanted = "practical"
    else:
        wanted = "theory"
    if not listed or wanted in listed:
        return wanted
    return max(sorted(set(listed)), key=listed.count)


def _fingerprint(plan: Plan, room_ids: Iterable[int]) -> tuple:
    """What must not have changed between reading the input and writing the seats."""
    apps = Application.objects.filter(plan=plan).aggregate(
        paid=Count("pk", filter=Q(status__in=FEE_PAID)), ticketed=Count("pk", filter=Q(status=Status.TICKETED)),
        changed=Max("updated_at"))
    sessions = Session.objects.filter(plan=plan).aggregate(n=Count("pk"), changed=Max("updated_at"))
    seats = SeatAssignment.objects.filter(room_id__in=list(room_ids)).aggregate(n=Count("pk"), last=Max("pk"))
    return (tuple(apps.values()), tuple(sessions.values()), tuple(seats.values()))


def arrangement_input_load(*, plan: Plan, mode: str) -> ArrangementInput:
    """The solver's input for a plan, read with a fixed number of value queries whatever its size."""
    items = _items_of(plan)
    session_rows = list(Session.objects.filter(plan=plan).values_list(
        "pk", "item_id", "date", "start", "end", "subject__kind", "subject__answer_mode", "subject__name",
        "subject_id"))
    listed: defaultdict[int, list[int]] = defaultdict(list)
    for session_id, room_id in Session.rooms.through.objects.filter(session__plan=plan).values_list(
            "session_id", "room_id"):
        listed[session_id].append(room_id)
    site_ids = set(plan.sites.values_list("pk", flat=True))
    fixed_rows = []
    if mode == Mode.INCREMENTAL:
        fixed_rows = list(SeatAssignment.objects.filter(session__plan=plan, application__status=Status.TICKETED)
                          .values_list("application_id", "session_id", "room_id", "seat_number"))
    wanted_rooms = {room_id for ids in listed.values() for room_id in ids} | {row[2] for row in fixed_rows}
    room_rows = list(Room.objects.filter(Q(site_id__in=site_ids) | Q(pk__in=wanted_rooms)).values_list(
        "pk", "site_id", "kind", "capacity", "desks", "name", "site__name"))
    kind_of = {row[0]: row[2] for row in room_rows}
    stations: defaultdict[int, list[int]] = defaultdict(list)
    practical = [row[0] for row in room_rows if row[2] == "practical"]
    if practical:
        for room_id, number in Station.objects.filter(room_id__in=practical).values_list("room_id", "number"):
            stations[room_id].append(number)
    rooms = []
    for room_id, site_id, kind, capacity, desks, name, site_name in room_rows:
        if kind in DESK_ROOM_KINDS:
            seats = min(capacity, desks) if desks else capacity  # one candidate per desk (R-CQ-6)
            rooms.append(RoomSpec(room_id, site_id, kind, seats, name=f"{site_name} {name}"))
        else:
            rooms.append(RoomSpec(room_id, site_id, kind, capacity, stations=tuple(stations.get(room_id, ())),
                                  name=f"{site_name} {name}"))
    plan_rooms_of_kind: defaultdict[str, list[int]] = defaultdict(list)
    for room_id, site_id, kind, *_rest in room_rows:
        if site_id in site_ids:
            plan_rooms_of_kind[kind].append(room_id)
    kind_tuples = {kind: tuple(ids) for kind, ids in plan_rooms_of_kind.items()}

    sessions, sessions_of_item, session_kind, subject_of = [], defaultdict(list), {}, {}
    for session_id, item_id, day, start, end, subject_kind, answer_mode, subject_name, subject_id in session_rows:
        subject_of[session_id] = subject_id
        rooms_listed = listed.get(session_id, [])
        needs = _session_room_kind(subject_kind, answer_mode, [kind_of[r] for r in rooms_listed if r in kind_of])
        room_ids = (tuple(r for r in rooms_listed if kind_of.get(r) == needs) if rooms_listed
                    else kind_tuples.get(needs, ()))
        kind = subject_kind or ("practical" if needs == "practical" else "theory")
        item = items[item_id]
        sessions.append(SessionSpec(session_id, datetime.combine(day, start), datetime.combine(day, end), kind,
                                    label=f"{item_label(item)} {subject_name or ''}".strip(), room_kind=needs,
                                    room_ids=room_ids))
        sessions_of_item[item_id].append(session_id)
        session_kind[session_id] = needs

    candidates, unscheduled = [], 0
    institution_id = plan.institution_id
    session_tuples = {item_id: tuple(ids) for item_id, ids in sessions_of_item.items()}
    for application_id, item_id, carried in Application.objects.filter(plan=plan, status__in=FEE_PAID).values_list(
            "pk", "item_id", "carried_subjects").iterator(chunk_size=10_000):
        ids = session_tuples.get(item_id)
        if carried and ids:
            # A retake sits only the subjects it failed; the passed ones are carried over (R-CQ-13).
            ids = tuple(i for i in ids if subject_of[i] not in carried)
            if not ids:
                continue
        if not ids:
            unscheduled += 1
            continue
        item = items[item_id]
        candidates.append(CandidateSpec(application_id, str(item_id), item.level, institution_id, ids))

    fixed = [_assignment(row, kind_of) for row in fixed_rows]
    own_fixed, own_sessions = len(fixed), len(sessions)
    foreign_sessions, foreign_places = _other_plans_places(plan, sessions, kind_of)
    return ArrangementInput(sessions=sessions + foreign_sessions, rooms=rooms, candidates=candidates,
                            fixed=fixed + foreign_places, own_fixed=own_fixed, own_sessions=own_sessions,
                            unscheduled=unscheduled, room_ids=tuple(kind_of))


def _assignment(row: tuple, kind_of: dict[int, str]) -> Assignment:
    application_id, session_id, room_id, number = row
    if kind_of.get(room_id) in DESK_ROOM_KINDS:
        return Assignment(application_id, session_id, room_id, seat=number)
    return Assignment(application_id, session_id, room_id, station=number)


def _other_plans_places(plan: Plan, sessions: list[SessionSpec],
                        kind_of: dict[int, str]) -> tuple[list[SessionSpec], list[Assignment]]:
    """Places other plans of the institution hold in these rooms at overlapping times: they stay where they
    are and count towards the rooms and the site caps. Their sessions join the input (with nobody to place)."""
    if not sessions or not kind_of:
        return [], []
    days = {s.start.date() for s in sessions}
    rows = list(SeatAssignment.objects.filter(room_id__in=list(kind_of), session__date__in=days)
                .exclude(session__plan=plan)
                .values_list("application_id", "session_id", "room_id", "seat_number", "session__date",
                             "session__start", "session__end"))
    if not rows:
        return [], []
    spans = [(s.start, s.end) for s in sessions]
    foreign: dict[int, SessionSpec] = {}
    held = []
    for application_id, session_id, room_id, number, day, start, end in rows:
        spec = foreign.get(session_id)
        if spec is None:
            begins, ends = datetime.combine(day, start), datetime.combine(day, end)
            if not any(begins < e and s < ends for s, e in spans):
                continue
            kind = kind_of[room_id]
            spec = foreign[session_id] = SessionSpec(
                session_id, begins, ends, "practical" if kind == "practical" else "theory", label="其他计划的场次",
                room_kind=kind, room_ids=tuple(r for r, k in kind_of.items() if k == kind))
        if kind_of[room_id] != spec.needs:
            continue
        held.append(_assignment((application_id, session_id, room_id, number), kind_of))
    return list(foreign.values()), held


def arrangement_limits() -> Limits:
    """The policy profile's parameters (R-CQ-6, R-SC21-2). Staff are not counted until staffing exists."""
    policy = policy_active()
    return Limits(theory_room_max=policy.theory_room_capacity,
                  site_slot_candidate_cap=policy.site_slot_candidate_cap,
                  site_slot_person_cap=policy.site_slot_person_cap, site_staff=0)


# --- the run -------------------------------------------------------------------------------------

def _shortage_rows(result, sessions: list[SessionSpec]) -> list[dict]:
    titles = {s.id: s.title for s in sessions}
    return [{"session": s.session_id, "session_title": titles.get(s.session_id, ""), "room_kind": s.room_kind,
             "room_kind_label": ROOM_LABELS.get(s.room_kind, s.room_kind), "missing": s.missing, "rule_id": s.rule_id,
             "message": s.message} for s in result.shortages]


def _solve(data: ArrangementInput, seed: int, limits: Limits):
    return arrangement_solve(sessions=data.sessions, rooms=data.rooms, candidates=data.candidates, seed=seed,
                             limits=limits, fixed=data.fixed)


def arrangement_run(*, plan: Plan, by: User, mode: str, seed: int | None = None,
                    progress: Progress | None = None) -> ArrangementRun:
    """Arrange a plan's paid applications (R-CQ-6, R-SC21-2). Incremental mode keeps every published ticket's
    places and (re)places every paid application without a ticket; full mode withdraws the published tickets
    (the applications go back to 已缴费) and arranges everyone again. A shortage or an input the solver refuses
    changes nothing: the run is recorded with status 考场不足 / 失败 and what was missing."""
    _require_staff(by, plan)
    if mode not in Mode.values:
        raise ValidationError(f"未知的编排方式：{mode}")
    if plan.status not in ARRANGEABLE:
        raise ValidationError(f"计划当前为“{plan.get_status_display()}”，开放报名后才能编排考场")
    if seed is None:
        seed = secrets.randbelow(SEED_LIMIT)
    if not 0 <= seed < 2**63:
        raise ValidationError("随机种子须为非负整数")
    report = progress or (lambda done, total, message: None)
    started_at, began = timezone.now(), time.perf_counter()
    limits = arrangement_limits()

    report(0, PROGRESS_STEPS, "正在读取已缴费报名、场次和考场")
    data = arrangement_input_load(plan=plan, mode=mode)
    if not data.candidates and not data.unscheduled:
        raise ValidationError("本计划没有已缴费的报名，无需编排")
    data.fingerprint = _fingerprint(plan, data.room_ids)
    loaded = time.perf_counter()
    report(1, PROGRESS_STEPS,
           f"正在编排：{len(data.candidates)} 人，{data.own_sessions} 个场次，{len(data.rooms)} 个考场")
    try:
        result, error = _solve(data, seed, limits), ""
    except ArrangementInputError as exc:
        result, error = None, str(exc)
    solved = time.perf_counter()
    report(2, PROGRESS_STEPS, "正在写入座位" if result is not None and result.ok else "正在记录编排结果")
    with transaction.atomic():
        # Arrangements and publishing of one institution's plans take turns: the plans share its sites.
        Organisation.objects.select_for_update().filter(pk=plan.institution_id).first()
        retried = False
        if _fingerprint(plan, data.room_ids) != data.fingerprint:
            # Someone paid, withdrew or published meanwhile: read and solve again, under the lock.
            retried = True
            data = arrangement_input_load(plan=plan, mode=mode)
            try:
                result, error = _solve(data, seed, limits), ""
            except ArrangementInputError as exc:
                result, error = None, str(exc)
            solved = time.perf_counter()
        run = _record(plan=plan, by=by, mode=mode, seed=seed, started_at=started_at, data=data, result=result,
                      error=error)
        withdrawn = deleted = 0
        if run.status == ArrangementRun.Status.DONE:
            if mode == Mode.FULL:
                withdrawn = _tickets_withdraw_all(plan=plan, by=by, reason=FULL_REASON)
                deleted, _ = SeatAssignment.objects.filter(session__plan=plan).delete()
            else:
                withdrawn = _tickets_withdraw_released(plan=plan)
                deleted, _ = (SeatAssignment.objects.filter(session__plan=plan)
                              .exclude(application__status=Status.TICKETED).delete())
            SeatAssignment.objects.bulk_create(
                [SeatAssignment(run_id=run.pk, application_id=a.application_id, session_id=a.session_id,
                                room_id=a.room_id, seat_number=a.place) for a in result.assignments],
                batch_size=SEAT_BATCH)
        written = time.perf_counter()
        run.stats.update(withdrawn_tickets=withdrawn, seats_removed=deleted, retried=retried, timings={
            "load_s": round(loaded - began, 3), "solve_s": round(solved - loaded, 3),
            "write_s": round(written - solved, 3), "total_s": round(written - began, 3)})
        run.finished_at = timezone.now()
        run.save(update_fields=["stats", "finished_at", "updated_at"])
        audit_record(action=ArrangementAction.RUN, actor=by, target=run, organisation=plan.institution, after={
            "mode": mode, "seed": seed, "status": run.status, "placed": run.placed, "shortages": len(run.shortages),
            "withdrawn_tickets": withdrawn, "error": error[:300]})
    report(PROGRESS_STEPS, PROGRESS_STEPS, arrangement_run_summary(run))
    return run


def _record(*, plan: Plan, by: User, mode: str, seed: int, started_at, data: ArrangementInput, result,
            error: str) -> ArrangementRun:
    if result is None:
        status, placed, shortages, stats = ArrangementRun.Status.FAILED, 0, [], {}
    elif result.ok:
        status, placed, shortages, stats = ArrangementRun.Status.DONE, len(result.assignments), [], dict(result.stats)
    else:
        status, placed, shortages = ArrangementRun.Status.SHORT, 0, _shortage_rows(result, data.sessions)
        stats = dict(result.stats)
    stats.update(candidates=len(data.candidates), sessions=data.own_sessions, rooms=len(data.rooms),
                 kept=data.own_fixed, held_by_other_plans=len(data.fixed) - data.own_fixed,
                 unscheduled=data.unscheduled)
    return ArrangementRun.objects.create(plan=plan, mode=mode, seed=seed, status=status, started_by=by,
                                         started_at=started_at, placed=placed, shortages=shortages, stats=stats,
                                         error=error)


def arrangement_run_summary(run: ArrangementRun) -> str:
    """One Chinese sentence about a run, for messages and the job's progress."""
    if run.status == ArrangementRun.Status.DONE:
        text = f"编排完成：新编排 {run.placed} 人次"
        if run.stats.get("kept"):
            text += f"，保留已发布准考证的 {run.stats['kept']} 人次"
        if run.stats.get("withdrawn_tickets") and run.mode == Mode.FULL:
            text += f"；已作废 {run.stats['withdrawn_tickets']} 张已发布的准考证（全部重排），须重新发布"
        elif run.stats.get("withdrawn_tickets"):
            text += f"；已作废 {run.stats['withdrawn_tickets']} 张已撤回报名的准考证，其座位已释放"
        if run.stats.get("unscheduled"):
            text += f"；另有 {run.stats['unscheduled']} 人所报项目尚未安排场次"
        return text + f"（随机种子 {run.seed}）"
    if run.status == ArrangementRun.Status.SHORT:
        missing = sum(row["missing"] for row in run.shortages)
        return f"考场不足，未编排任何考生：{len(run.shortages)} 个场次共缺少 {missing} 个位置，详见缺口报告"
    if run.status == ArrangementRun.Status.FAILED:
        return f"编排失败，未做任何改动：{run.error}"
    return "编排中"


# --- tickets -------------------------------------------------------------------------------------

TicketStatus = AdmissionTicket.Status
# A ticket is withdrawn (by a full re-arrangement, or once its application has left) and never comes back:
# a new ticket with a new number is issued instead.
TICKET_TRANSITIONS: dict[str, set[str]] = {
    TicketStatus.VALID: {TicketStatus.WITHDRAWN},
    TicketStatus.WITHDRAWN: set(),
}


def ticket_transition(*, ticket: AdmissionTicket, to: str, by: User | None, reason: str = "") -> AdmissionTicket:
    """Move one ticket (withdraw it, with the reason and the time), audited. The caller is atomic."""
    row_lock(ticket, fields=["status"])
    transition_check(table=TICKET_TRANSITIONS, status=TicketStatus, current=ticket.status, to=to, noun="准考证")
    before = ticket.status
    ticket.status = to
    fields = ["status", "updated_at"]
    if to == TicketStatus.WITHDRAWN:
        ticket.withdrawn_at, ticket.withdrawn_reason = timezone.now(), reason[:200]
        fields += ["withdrawn_at", "withdrawn_reason"]
    ticket.save(update_fields=fields)
    audit_record(action=ArrangementAction.TICKET_WITHDRAWN, actor=by, target=ticket,
                 before={"status": before}, after={"status": to, **({"reason": reason} if reason else {})})
    return ticket


def tickets_transition_bulk(*, tickets: QuerySet[AdmissionTicket], frm: str, to: str, reason: str = "") -> int:
    """Move every ticket of `tickets` that is in `frm` to `to` in ONE UPDATE; returns how many moved.
    No event per ticket: the callers audit the move where it is decided (each application's event names the
    withdrawn ticket, the run's event counts them), as they always did."""
    transition_check(table=TICKET_TRANSITIONS, status=TicketStatus, current=frm, to=to, noun="准考证")
    now = timezone.now()
    changes = {"status": to, "updated_at": now}
    if to == TicketStatus.WITHDRAWN:
        changes.update(withdrawn_at=now, withdrawn_reason=reason[:200])
    return tickets.filter(status=frm).update(**changes)


def _tickets_withdraw_all(*, plan: Plan, by: User, reason: str) -> int:
    """Withdraw every valid ticket of the plan; ticketed applications go back to 已缴费 (one audit row each)."""
    items = {pk: item_label(item) for pk, item in _items_of(plan).items()}
    rows = [(app_id, name, items[item_id], number, status) for app_id, name, item_id, number, status in
            AdmissionTicket.objects.filter(application__plan=plan, status=TicketStatus.VALID).values_list(
                "application_id", "application__candidate__name", "application__item_id", "number",
                "application__status")]
    if not rows:
        return 0
    tickets_transition_bulk(tickets=AdmissionTicket.objects.filter(application__plan=plan), frm=TicketStatus.VALID,
                            to=TicketStatus.WITHDRAWN, reason=reason)
    applications_transition_bulk(
        applications=Application.objects.filter(plan=plan), frm=Status.TICKETED, to=Status.PAID, by=by,
        organisation_id=plan.institution_id, reason=reason,
        audited=[ApplicationMoved(row[0], row[1], row[2], {"ticket_withdrawn": row[3]})
                 for row in rows if row[4] == Status.TICKETED])
    return len(rows)


def _tickets_withdraw_released(*, plan: Plan) -> int:
    """Valid tickets of applications withdrawn or refunded since publishing: their seats are released now,
    so the tickets are withdrawn too (the applications' own transitions were audited when they happened)."""
    return tickets_transition_bulk(
        tickets=AdmissionTicket.objects.filter(application__plan=plan).exclude(application__status=Status.TICKETED),
        frm=TicketStatus.VALID, to=TicketStatus.WITHDRAWN, reason=RELEASED_REASON)


@dataclass(frozen=True)
class TicketsPublished:
    issued: int
    first: str = ""
    last: str = ""
    unplaced: int = 0  # paid applications left without a ticket because they lack a seat


def ticket_city_code(plan: Plan) -> str:
    """The city part of the plan's ticket numbers: its institution's city center's region code."""
    institution = plan.institution
    parent = institution.parent
    region = parent.region_code if parent is not None and parent.kind == Organisation.Kind.CITY \
        else institution.region_code
    return numbering.city_code_of(region)


@transaction.atomic
def tickets_publish(*, plan: Plan, by: User) -> TicketsPublished:
    """准考证: a numbered ticket for every paid application of the plan with a seat in each session of its
    item. Only 已缴费 applications are considered at all, so an unpaid one never gets a ticket (R-CQ-4)."""
    _require_staff(by, plan)
    Organisation.objects.select_for_update().filter(pk=plan.institution_id).first()
    sessions_of_item: defaultdict[int, set[int]] = defaultdict(set)
    first_day = None
    for session_id, item_id, day in Session.objects.filter(plan=plan).values_list("pk", "item_id", "date"):
        sessions_of_item[item_id].add(session_id)
        first_day = day if first_day is None or day < first_day else first_day
    seats: defaultdict[int, dict[int, tuple]] = defaultdict(dict)
    for app_id, session_id, room_id, number, day, start in (
            SeatAssignment.objects.filter(session__plan=plan, application__status=Status.PAID)
            .values_list("application_id", "session_id", "room_id", "seat_number", "session__date",
                         "session__start").iterator(chunk_size=10_000)):
        seats[app_id][session_id] = (day, start, session_id, room_id, number)
    items = {pk: item_label(item) for pk, item in _items_of(plan).items()}
    ready, unplaced = [], 0
    for app_id, item_id, name in Application.objects.filter(plan=plan, status=Status.PAID).exclude(
            tickets__status=AdmissionTicket.Status.VALID).values_list("pk", "item_id", "candidate__name"):
        needed, held = sessions_of_item.get(item_id), seats.get(app_id, {})
        if not needed or not needed <= held.keys():
            unplaced += 1
            continue
        # Numbers follow the seating: first session, room, seat.
        ready.append((min(held[s] for s in needed), app_id, name, items[item_id]))
    if not ready:
        if unplaced:
            raise ValidationError(f"没有可发布准考证的考生：{unplaced} 名已缴费考生尚未编排考场，请先编排")
        raise ValidationError("没有需要发布准考证的考生：已缴费的考生均已发布准考证")
    ready.sort()
    last = AdmissionTicket.objects.filter(application__plan=plan).aggregate(last=Max(Substr("number", 12, 4)))["last"]
    year = (first_day or timezone.localdate()).year
    try:
        numbers = list(numbering.ticket_numbers(year=year, city_code=ticket_city_code(plan), plan_id=plan.pk,
                                                first=int(last or 0) + 1, count=len(ready)))
    except numbering.TicketNumberError as exc:
        raise ValidationError(str(exc)) from None
    now = timezone.now()
    AdmissionTicket.objects.bulk_create(
        [AdmissionTicket(application_id=row[1], number=number, issued_at=now, issued_by=by)
         for row, number in zip(ready, numbers, strict=True)], batch_size=TICKET_BATCH)
    moved = applications_transition_bulk(
        applications=Application.objects.filter(plan=plan, tickets__status=TicketStatus.VALID), frm=Status.PAID,
        to=Status.TICKETED, by=by, organisation_id=plan.institution_id,
        audited=[ApplicationMoved(row[1], row[2], row[3], {"ticket": number})
                 for row, number in zip(ready, numbers, strict=True)])
    if moved != len(ready):  # the transaction rolls back, the audit rows with it
        raise ValidationError("发布过程中报名状态发生变化，未发布任何准考证，请重试")
    audit_record(action=ArrangementAction.TICKETS_PUBLISH, actor=by, target=plan, organisation=plan.institution,
                 after={"issued": len(ready), "first": numbers[0], "last": numbers[-1], "unplaced": unplaced})
    return TicketsPublished(issued=len(ready), first=numbers[0], last=numbers[-1], unplaced=unplaced)


# --- export --------------------------------------------------------------------------------------

SEAT_EXPORT_COLUMNS = ["场次日期", "时间", "科目", "考点", "考场", "座位号/工位号", "姓名", "证件类型", "证件号码",
                       "报考项目", "准考证号"]


def seats_export(*, plan: Plan, by: User, session: Session | None = None) -> bytes:
    """The seat list as Excel with full ID numbers (for checking identities at the door); audited, because
    personal data leaves the system."""
    from kaowu.arrangement.selectors import seat_export_rows

    book = Workbook(write_only=True)
    sheet = book.create_sheet("座位表")
    sheet.append(SEAT_EXPORT_COLUMNS)
    count = 0
    for row in seat_export_rows(plan=plan, session=session):
        sheet.append(row)
        count += 1
    buffer = BytesIO()
    book.save(buffer)
    audit_record(action=ArrangementAction.SEATS_EXPORT, actor=by, target=plan, organisation=plan.institution,
                 after={"rows": count, "session": session.pk if session else None})
    return buffer.getvalue()
