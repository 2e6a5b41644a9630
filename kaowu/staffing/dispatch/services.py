"""Dispatch (三员派遣): the center generates a proposal with the solver, edits it by hand (every edit is
re-checked against the hard rules), publishes it; the people confirm or decline, and a decline re-solves
only the post it leaves open."""

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kaowu.accounts.models import User
from kaowu.accounts.roles import is_reviewing_center_of
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.services import AuditRow, audit_record, audit_record_many
from kaowu.core.workflow import row_lock, transition_check
from kaowu.plans.models import Plan
from kaowu.staffing.audit import StaffingAction
from kaowu.staffing.models import DispatchAssignment, DispatchRun, StaffMember
from kaowu.staffing.needs import (
    LIVE_ASSIGNMENT,
    LIVE_RUN,
    DispatchInput,
    busy_elsewhere,
    dispatch_input_load,
    overlaps,
    placements_of,
    post_as_json,
)
from kaowu.staffing.solver import DispatchInputError, Placement, dispatch_solve, dispatch_violations
from kaowu.staffing.solver.eligibility import RULE_DECLINED

Status = DispatchRun.Status
AStatus = DispatchAssignment.Status
# A plan's dispatch is a few hundred posts at most; the province-scale figure is in the `dispatch` benchmark.
TIME_LIMIT_SECONDS = 30.0
# A plan with more seated room-sessions than this is dispatched by a background job (`kaowu worker`).
BACKGROUND_ROOM_SESSIONS = 20
PROGRESS_STEPS = 3
RESOLVE_TIME_LIMIT_SECONDS = 10.0


def _json_safe(value):
    """The solver's statistics as JSON a database accepts: no NaN or infinity (a part without an LP value)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def can_dispatch(user: User, plan: Plan) -> bool:
    """The center the plan is filed with dispatches for it (R-FJ-8); the province may too."""
    return is_reviewing_center_of(user, plan.reviewing_center)


def _require_center(by: User, plan: Plan) -> None:
    if not can_dispatch(by, plan):
        raise PermissionRefused("只有受理本计划的鉴定中心可以派遣考评员和督导员（R-FJ-8）")


def _run_record(run: DispatchRun) -> dict:
    return {"status": run.status, "objective": run.objective, "gap": run.gap,
            "assignments": run.assignments.filter(status__in=LIVE_ASSIGNMENT).count()}


# --- the workflows ------------------------------------------------------------------------------------

# A run is written with the solver's outcome (proposed, or infeasible when posts stay short); the center
# publishes a proposal; a new proposal supersedes the open ones, a publication the published one.
DISPATCH_RUN_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RUNNING: frozenset({Status.PROPOSED, Status.INFEASIBLE, Status.FAILED}),
    Status.PROPOSED: frozenset({Status.PUBLISHED, Status.SUPERSEDED}),
    Status.INFEASIBLE: frozenset({Status.SUPERSEDED}),
    Status.FAILED: frozenset(),
    Status.PUBLISHED: frozenset({Status.SUPERSEDED}),
    Status.SUPERSEDED: frozenset(),
}
DISPATCH_RUN_ACTIONS = {
    Status.PROPOSED: StaffingAction.DISPATCH_GENERATE,
    Status.INFEASIBLE: StaffingAction.DISPATCH_GENERATE,
    Status.FAILED: StaffingAction.DISPATCH_GENERATE,
    Status.PUBLISHED: StaffingAction.DISPATCH_PUBLISH,
    Status.SUPERSEDED: StaffingAction.DISPATCH_SUPERSEDE,
}


def dispatch_run_transition(*, run: DispatchRun, to: str, by: User, reason: str = "") -> DispatchRun:
    """Move a (locked) run to `to`: a publication stamps who and when. The caller is atomic."""
    row_lock(run, fields=["status"])
    transition_check(table=DISPATCH_RUN_TRANSITIONS, status=Status, current=run.status, to=to, noun="派遣方案")
    before = run.status
    run.status = to
    fields = ["status", "updated_at"]
    if to == Status.PUBLISHED:
        run.published_at, run.published_by = timezone.now(), by
        fields = ["status", "published_at", "published_by", "updated_at"]
    run.save(update_fields=fields)
    if to == Status.PUBLISHED:
        after = _run_record(run)
    else:
        after = {"status": to, **({"reason": reason} if reason else {})}
    audit_record(action=DISPATCH_RUN_ACTIONS[to], actor=by, target=run, organisation_id=run.center_id,
                 before=None if to == Status.PUBLISHED else {"status": before}, after=after)
    return run


# A person confirms or declines what they were sent to; the center withdraws an assignment when it puts
# someone else in the place or publishes another dispatch. Declined and withdrawn are final.
# An approved plan change that moves a confirmed person's post asks them to confirm again (R-CQ-8).
DISPATCH_ASSIGNMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AStatus.PROPOSED: frozenset({AStatus.CONFIRMED, AStatus.DECLINED, AStatus.WITHDRAWN}),
    AStatus.CONFIRMED: frozenset({AStatus.DECLINED, AStatus.WITHDRAWN, AStatus.PROPOSED}),
    AStatus.DECLINED: frozenset(),
    AStatus.WITHDRAWN: frozenset(),
}
DISPATCH_ASSIGNMENT_ACTIONS = {
    AStatus.PROPOSED: StaffingAction.ASSIGNMENT_RECONFIRM,
    AStatus.CONFIRMED: StaffingAction.ASSIGNMENT_CONFIRM,
    AStatus.DECLINED: StaffingAction.ASSIGNMENT_DECLINE,
    AStatus.WITHDRAWN: StaffingAction.ASSIGNMENT_WITHDRAW,
}


def _assignment_move(assignment: DispatchAssignment, *, to: str, reason: str, now) -> list[str]:
    """Check the move and set the fields it implies; returns the fields to save."""
    transition_check(table=DISPATCH_ASSIGNMENT_TRANSITIONS, status=AStatus, current=assignment.status, to=to,
                     noun="派遣安排")
    assignment.status = to
    if to == AStatus.WITHDRAWN:
        return ["status", "updated_at"]
    if to == AStatus.PROPOSED:  # asked again: the earlier confirmation no longer holds
        assignment.decided_at = None
        return ["status", "decided_at", "updated_at"]
    assignment.decided_at = now
    if to == AStatus.DECLINED:
        assignment.decline_reason = reason
        return ["status", "decided_at", "decline_reason", "updated_at"]
    assignment.notice = ""  # confirmed at the new time
    return ["status", "decided_at", "notice", "updated_at"]


def _assignment_after(assignment: DispatchAssignment, to: str, reason: str) -> dict:
    after = {"post": assignment.post_id}
    if to in (AStatus.DECLINED, AStatus.PROPOSED):
        after["reason"] = reason
    elif to == AStatus.WITHDRAWN:
        after |= {"staff": assignment.staff_id, **({"reason": reason} if reason else {})}
    return after


def dispatch_assignment_transition(*, assignment: DispatchAssignment, to: str, by: User | None,
                                   reason: str = "") -> DispatchAssignment:
    """Move a (locked) assignment to `to`: a confirmation or a decline stamps when, a decline keeps its
    reason. The caller is atomic."""
    row_lock(assignment, fields=["status"])
    fields = _assignment_move(assignment, to=to, reason=reason, now=timezone.now())
    assignment.save(update_fields=fields)
    audit_record(action=DISPATCH_ASSIGNMENT_ACTIONS[to], actor=by, target=assignment,
                 organisation_id=assignment.run.center_id, after=_assignment_after(assignment, to, reason))
    return assignment


def dispatch_assignments_transition(*, assignments: QuerySet[DispatchAssignment], to: str, by: User | None,
                                    reason: str = "") -> int:
    """Move many assignments at once (the live ones of a superseded run) in one update, one audit event
    each, as `dispatch_assignment_transition` would one by one. The caller is atomic. Returns how many."""
    rows = list(assignments.select_for_update(of=("self",)).select_related("run").order_by("pk"))
    if not rows:
        return 0
    now = timezone.now()
    for assignment in rows:  # each checked against the table; they all take the same values
        fields = _assignment_move(assignment, to=to, reason=reason, now=now)
    DispatchAssignment.objects.filter(pk__in=[a.pk for a in rows]).update(
        **{field: getattr(rows[0], field) for field in fields if field != "updated_at"}, updated_at=now)
    return audit_record_many(
        action=DISPATCH_ASSIGNMENT_ACTIONS[to], actor=by, model=DispatchAssignment,
        rows=[AuditRow(object_id=a.pk, object_repr=str(a), after=_assignment_after(a, to, reason),
                       organisation_id=a.run.center_id) for a in rows])


def dispatch_generate(*, plan: Plan, by: User, time_limit: float = TIME_LIMIT_SECONDS,
                      progress: Callable[[int, str], None] | None = None) -> DispatchRun:
    """Solve the batch's posts and record the proposal (or, when no dispatch exists, what is missing).
    The solver runs outside any transaction; what it found is written in one. `progress(step, message)`
    hears each of the PROGRESS_STEPS phases (reading, solving, writing) and the solver's own messages."""
    say = progress or (lambda _step, _message: None)
    _require_center(by, plan)
    started_at = timezone.now()
    say(0, "正在读取考场、岗位和可派遣人员")
    data = dispatch_input_load(plan)
    if not data.posts:
        raise ValidationError("本计划尚未编排考场（没有已安排考生的考场），无法生成派遣方案")
    say(1, f"正在求解：{len(data.posts)} 个岗位，{len(data.staff)} 名人员（最长约 {time_limit:.0f} 秒）")
    result = dispatch_solve(data.posts, data.staff, site_caps=data.site_caps, forbidden=data.forbidden,
                            time_limit=time_limit, progress=lambda message: say(1, message))
    say(2, "正在写入派遣方案")
    with transaction.atomic():
        for old in DispatchRun.objects.select_for_update().filter(plan=plan, status__in=(Status.PROPOSED,
                                                                                         Status.INFEASIBLE)):
            dispatch_run_transition(run=old, to=Status.SUPERSEDED, by=by, reason="已生成新的派遣方案")
        run = DispatchRun.objects.create(
            plan=plan, center=plan.reviewing_center or by.organisation, started_by=by, started_at=started_at,
            finished_at=timezone.now(), solver_status=result.status, objective=result.objective,
            bound=_json_safe(result.bound), gap=_json_safe(result.gap), seconds=round(result.seconds, 3),
            posts=[post_as_json(p) for p in data.posts],
            shortages=[{"post_id": s.post_id, "role": s.role, "needed": s.needed, "available": s.available,
                        "excluded": s.excluded, "message": s.message, "rule_id": s.rule_id}
                       for s in result.shortages],
            stats=_json_safe({**result.stats, "posts": len(data.posts), "staff": len(data.staff),
                              "unseated_sessions": data.unseated_sessions}),
            status=Status.PROPOSED if result.ok else Status.INFEASIBLE,
            error="" if result.ok or result.shortages else "求解时限内未找到派遣方案，请稍后重试或增加人员",
        )
        if result.ok:
            _assignments_create(run, data.post_places, result.placements)
        audit_record(action=StaffingAction.DISPATCH_GENERATE, actor=by, target=run, organisation=run.center,
                     after=_run_record(run) | {"plan": plan.pk, "shortages": len(result.shortages)})
    return run


def _assignments_create(run: DispatchRun, places: dict, placements, *, manual: bool = False) -> list:
    posts = {p["id"]: p for p in run.posts}
    rows = []
    for placement in placements:
        post = posts[placement.post_id]
        session_id, room_id, site_id = places.get(placement.post_id, (None, None, post.get("site_id")))
        rows.append(DispatchAssignment(
            run=run, staff_id=placement.staff_id, post_id=placement.post_id, post_label=post["label"][:200],
            role=post["role"], leader=placement.leader, date=post["day"], session_id=session_id, room_id=room_id,
            site_id=site_id, manual=manual))
    return DispatchAssignment.objects.bulk_create(rows)


def _live(run: DispatchRun):
    return run.assignments.filter(status__in=LIVE_ASSIGNMENT)


def _violations(run: DispatchRun, placements: list[Placement], *, changed_staff_ids: set[int]) -> list:
    """Every hard rule on the run's placements after an edit, plus other batches' assignments of the people
    the edit brings in (nobody in two places, R-FJ-8)."""
    data = dispatch_input_load(run.plan)
    # partial: a place still open elsewhere (a move opened one, a refill is pending) is no reason to refuse
    # this edit, which keeps every post's count as it was.
    found = [v for v in dispatch_violations(data.posts, data.staff, placements, site_caps=data.site_caps,
                                            partial=True)
             if v.staff_id is None or v.staff_id in changed_staff_ids]
    posts = {p.id: p for p in data.posts}
    busy = busy_elsewhere(run.plan, list(changed_staff_ids))
    for placement in placements:
        if placement.staff_id not in changed_staff_ids:
            continue
        for start, end, label in busy.get(placement.staff_id, []):
            post = posts.get(placement.post_id)
            if post and overlaps(post.intervals, start, end):
                found.append(RuleViolation("R-FJ-8", f"同一时间已派往其他批次：{label}"))
    return found


def _refuse(violations) -> None:
    first = violations[0]
    rule_id = getattr(first, "rule_id", "R-FJ-8")
    # The solver's messages end with their rule id; the refusal names it once.
    messages = "；".join(getattr(v, "message", str(v)).removesuffix(f"（{getattr(v, 'rule_id', '')}）")
                        for v in violations[:5])
    raise RuleViolation(rule_id, messages)


@transaction.atomic
def assignment_replace(*, assignment: DispatchAssignment, staff: StaffMember, by: User) -> DispatchAssignment:
    """Put another person in an assignment's place. Refused, with the rule id, when the result breaks a
    hard rule (qualification, 考培分离, 回避, overlaps, availability, the site cap)."""
    run = DispatchRun.objects.select_for_update().get(pk=assignment.run_id)
    _require_center(by, run.plan)
    if run.status not in (Status.PROPOSED, Status.PUBLISHED):
        raise ValidationError("该派遣方案已被取代，不能再调整")
    row_lock(assignment)  # a decline at the same moment: one of the two
    if assignment.status not in LIVE_ASSIGNMENT:
        raise ValidationError("该安排已谢绝或撤回，不能调整")
    if staff.pk == assignment.staff_id:
        raise ValidationError("调整前后是同一人")
    live = list(_live(run))
    placements = [Placement(a.post_id, staff.pk if a.pk == assignment.pk else a.staff_id, a.leader) for a in live]
    found = _violations(run, placements, changed_staff_ids={staff.pk})
    if found:
        _refuse(found)
    before = {"staff": assignment.staff_id, "name": assignment.staff.name}
    assignment.run = run
    dispatch_assignment_transition(assignment=assignment, to=AStatus.WITHDRAWN, by=by, reason=f"调整为{staff.name}")
    new = DispatchAssignment.objects.create(
        run=run, staff=staff, post_id=assignment.post_id, post_label=assignment.post_label, role=assignment.role,
        leader=assignment.leader, date=assignment.date, session_id=assignment.session_id,
        room_id=assignment.room_id, site_id=assignment.site_id, manual=True)
    audit_record(action=StaffingAction.ASSIGNMENT_REPLACE, actor=by, target=new, organisation=run.center,
                 before=before, after={"staff": staff.pk, "name": staff.name, "post": assignment.post_id})
    _refill_after_commit(run, by)
    return new


def _refill_after_commit(run: DispatchRun, by: User | None) -> None:
    """A published run with places open (a move opened one; a refill failed on a conflict the center has
    just resolved by hand) is filled again once the current change commits."""
    if run.status != Status.PUBLISHED:
        return
    held = defaultdict(int)
    for post_id in _live(run).values_list("post_id", flat=True):
        held[post_id] += 1
    if any(held[post["id"]] < post["count"] for post in run.posts):
        transaction.on_commit(lambda: dispatch_refill(run=run, by=by))


@transaction.atomic
def dispatch_publish(*, run: DispatchRun, by: User) -> DispatchRun:
    run = DispatchRun.objects.select_for_update().get(pk=run.pk)
    _require_center(by, run.plan)
    if run.status != Status.PROPOSED:
        raise ValidationError(f"只有待发布的派遣方案可以发布（当前：{run.get_status_display()}）")
    placements = placements_of(_live(run))
    data = dispatch_input_load(run.plan)
    found = dispatch_violations(data.posts, data.staff, placements, site_caps=data.site_caps)
    if found:
        _refuse(found)
    for old in DispatchRun.objects.select_for_update().filter(plan=run.plan, status=Status.PUBLISHED):
        dispatch_run_transition(run=old, to=Status.SUPERSEDED, by=by, reason="已发布新的派遣方案")
        dispatch_assignments_transition(assignments=_live(old), to=AStatus.WITHDRAWN, by=by,
                                        reason="已发布新的派遣方案")
    return dispatch_run_transition(run=run, to=Status.PUBLISHED, by=by)


def _require_own(by: User, assignment: DispatchAssignment) -> None:
    if getattr(getattr(by, "staff_member", None), "pk", None) != assignment.staff_id:
        raise PermissionRefused("只能确认或谢绝派给本人的安排")
    if assignment.run.status != Status.PUBLISHED:
        raise ValidationError("该派遣方案未发布或已被取代")


@transaction.atomic
def assignment_confirm(*, assignment: DispatchAssignment, by: User) -> DispatchAssignment:
    assignment = DispatchAssignment.objects.select_for_update(of=("self",)).select_related("run").get(pk=assignment.pk)
    _require_own(by, assignment)
    if assignment.status != AStatus.PROPOSED:
        raise ValidationError(f"该安排当前为“{assignment.get_status_display()}”，不能确认")
    return dispatch_assignment_transition(assignment=assignment, to=AStatus.CONFIRMED, by=by)


def assignment_decline(*, assignment: DispatchAssignment, by: User, reason: str) -> list[DispatchAssignment]:
    """Decline, then fill the place again: everyone else stays where they are (fixed), the people who
    declined this post are kept out of it, and only the open place is solved. Returns the new assignments
    (empty when nobody can take the place: the run then lists the shortage for the center)."""
    if not reason.strip():
        raise ValidationError("谢绝须说明原因")
    with transaction.atomic():
        locked = DispatchAssignment.objects.select_for_update(of=("self",)).select_related("run").get(pk=assignment.pk)
        _require_own(by, locked)
        if locked.status not in LIVE_ASSIGNMENT:
            raise ValidationError(f"该安排当前为“{locked.get_status_display()}”，不能谢绝")
        dispatch_assignment_transition(assignment=locked, to=AStatus.DECLINED, by=by, reason=reason.strip())
    return dispatch_refill(run=locked.run, by=by)


def dispatch_refill(*, run: DispatchRun, by: User | None) -> list[DispatchAssignment]:
    """Fill the places left open by declines, keeping every live assignment fixed."""
    data = dispatch_input_load(run.plan)
    live = list(_live(run))
    declined = run.assignments.filter(status=AStatus.DECLINED).values_list("post_id", "staff_id")
    forbidden = {**data.forbidden, **dict.fromkeys(declined, RULE_DECLINED)}
    fixed = placements_of(live)
    held = defaultdict(int)
    for placement in fixed:
        held[placement.post_id] += 1
    if all(held[p.id] >= p.count for p in data.posts):
        return []
    try:
        result = dispatch_solve(data.posts, data.staff, site_caps=data.site_caps, fixed=fixed, forbidden=forbidden,
                                time_limit=RESOLVE_TIME_LIMIT_SECONDS)
    except DispatchInputError as exc:
        # Something changed since the dispatch was made (a card expired, a relation was declared): the
        # kept assignments themselves break a rule now. The center sees why and edits by hand.
        with transaction.atomic():
            DispatchRun.objects.filter(pk=run.pk).update(error=str(exc)[:2000], updated_at=timezone.now())
            audit_record(action=StaffingAction.REFILL_FAILED, actor=by, target=run, organisation_id=run.center_id,
                         after={"error": str(exc)[:500]})
        return []
    with transaction.atomic():
        run = DispatchRun.objects.select_for_update().get(pk=run.pk)
        fixed_keys = {(p.post_id, p.staff_id) for p in fixed}
        if not result.ok:
            run.shortages = [{"post_id": s.post_id, "role": s.role, "needed": s.needed, "available": s.available,
                              "excluded": s.excluded, "message": s.message, "rule_id": s.rule_id}
                             for s in result.shortages]
            run.save(update_fields=["shortages", "updated_at"])
            audit_record(action=StaffingAction.REFILL_SHORT, actor=by, target=run, organisation=run.center,
                         after={"shortages": len(run.shortages)})
            return []
        new = [p for p in result.placements if (p.post_id, p.staff_id) not in fixed_keys]
        # A declined leader's group gets its leader among the new people (the solver chose which).
        created = _assignments_create(run, data.post_places, [replace(p) for p in new])
        run.shortages, run.error = [], ""
        run.save(update_fields=["shortages", "error", "updated_at"])
        audit_record(action=StaffingAction.REFILL, actor=by, target=run, organisation=run.center,
                     after={"new": [(p.post_id, p.staff_id) for p in new]})
        return created


def dispatch_letter_record(*, run: DispatchRun, by: User, letter: str, rows: int) -> None:
    """Who downloaded which dispatch letter (they name the people and where they go)."""
    audit_record(action=StaffingAction.LETTER_DOWNLOAD, actor=by, target=run, organisation_id=run.center_id,
                 after={"letter": letter, "rows": rows})


# --- a session moved (R-CQ-8) -------------------------------------------------------------------------

RECONFIRM_NOTICE = "考试时间已变更，请重新确认"


def _when(post: dict | None) -> str:
    spans = []
    for start, end in (post or {}).get("intervals") or []:
        start, end = datetime.fromisoformat(start), datetime.fromisoformat(end)
        spans.append(f"{start:%m-%d %H:%M}–{end:%H:%M}")
    return "；".join(spans)


def _post_after_move(assignment: DispatchAssignment, data: DispatchInput, moves: list[dict]) -> str | None:
    """The post an assignment holds now that sessions moved, or None when its post is gone.

    A room's team follows its session (the post of the same room that staffs it); a site's supervisor for a
    day whose sessions all left follows them to their new day; the chief stays the batch's chief."""
    if assignment.post_id.startswith("room:"):
        return next((pid for pid, sessions in data.post_sessions.items()
                     if pid.startswith("room:") and data.post_places[pid][1] == assignment.room_id
                     and assignment.session_id in sessions), None)
    posts = data.post_sessions
    if assignment.post_id in posts:
        return assignment.post_id
    if assignment.post_id.startswith("site:"):
        _kind, site_id, day = assignment.post_id.split(":")
        for move in moves:
            if move["before"]["date"].replace("-", "") == day:
                candidate = f"site:{site_id}:{move['after']['date'].replace('-', '')}"
                if candidate in posts:
                    return candidate
    return None


def _move_conflicts(run: DispatchRun, data: DispatchInput, moved: list[DispatchAssignment]) -> dict[int, list[str]]:
    """What the new times break for the people who moved, by person: the checks a dispatch makes (cards on
    the new day, 考培分离, 回避, declared days off, two posts at once in this batch) and their other batches'
    assignments at the new time (R-FJ-8)."""
    staff_ids = {a.staff_id for a in moved}
    known = {person.id for person in data.staff}
    problems: dict[int, list[str]] = defaultdict(list)
    for a in moved:
        if a.staff_id not in known:
            problems[a.staff_id].append(f"{a.staff.name} 已不在本计划可派遣的人员库中")
    placements = [p for p in placements_of(_live(run)) if p.staff_id in known and p.post_id in data.post_places]
    for violation in dispatch_violations(data.posts, data.staff, placements, site_caps=data.site_caps, partial=True):
        if violation.staff_id in staff_ids:
            problems[violation.staff_id].append(violation.message)
    posts = {post.id: post for post in data.posts}
    busy = busy_elsewhere(run.plan, sorted(staff_ids))
    for a in moved:
        post = posts.get(a.post_id)
        for start, end, label in busy.get(a.staff_id, []):
            if post and overlaps(post.intervals, start, end):
                problems[a.staff_id].append(f"{a.staff.name} 同一时间已派往其他批次：{label}（R-FJ-8）")
    return {staff_id: list(dict.fromkeys(messages)) for staff_id, messages in problems.items()}


def dispatch_follow_session_moves(*, plan: Plan, moves: list[dict], by: User | None) -> list[DispatchAssignment]:
    """Carry a plan's dispatch along with sessions an approved change moved (R-CQ-8), inside that change's
    transaction (its service checked the center's right to approve).

    Each live run keeps the posts computed again from the sessions' current times; every assignment whose
    post moved takes the new post, day and label (what 我的派遣 and the letters show), a visible notice, and
    what the new time breaks for that person (`conflict`, for the center and the chief examiner). People who
    had confirmed a published dispatch are asked again (confirmed → proposed, audited). An assignment whose
    post no longer exists is withdrawn. Places the move opened (a supervisor for a new day) are filled after
    the commit, keeping everyone else (`dispatch_refill`). Returns the assignments that moved."""
    runs = list(DispatchRun.objects.select_for_update().filter(plan=plan, status__in=LIVE_RUN).order_by("pk"))
    if not runs:
        return []
    data = dispatch_input_load(plan)
    new_posts = {post.id: post_as_json(post) for post in data.posts}
    everyone_moved = []
    for run in runs:
        old_posts = {post["id"]: post for post in run.posts}
        run.posts = list(new_posts.values())
        run.save(update_fields=["posts", "updated_at"])
        moved: list[tuple[DispatchAssignment, str, str]] = []
        for a in (run.assignments.select_for_update(of=("self",)).filter(status__in=LIVE_ASSIGNMENT)
                  .select_related("staff").order_by("pk")):
            a.run = run
            post_id = _post_after_move(a, data, moves)
            if post_id is None:
                dispatch_assignment_transition(assignment=a, to=AStatus.WITHDRAWN, by=by,
                                               reason="场次变更后不再需要该岗位")
                continue
            old, new = old_posts.get(a.post_id), new_posts[post_id]
            if post_id == a.post_id and old is not None and _when(old) == _when(new):
                continue
            before_post = a.post_id
            a.post_id, a.post_label, a.date = post_id, new["label"][:200], date.fromisoformat(new["day"])
            a.session_id, a.room_id, a.site_id = data.post_places[post_id]
            a.notice = f"{RECONFIRM_NOTICE}（到岗时间原为 {_when(old) or a.date}，现为 {_when(new)}）"[:200]
            a.save(update_fields=["post_id", "post_label", "date", "session_id", "room_id", "site_id", "notice",
                                  "updated_at"])
            moved.append((a, before_post, _when(old)))
        conflicts = _move_conflicts(run, data, [a for a, _p, _w in moved]) if moved else {}
        for a, before_post, was in moved:
            a.conflict = "；".join(conflicts.get(a.staff_id, []))[:500]
            a.save(update_fields=["conflict", "updated_at"])
            audit_record(action=StaffingAction.ASSIGNMENT_MOVE, actor=by, target=a, organisation_id=run.center_id,
                         before={"post": before_post, "time": was},
                         after={"post": a.post_id, "time": _when(new_posts[a.post_id]),
                                **({"conflict": a.conflict} if a.conflict else {})})
            if a.status == AStatus.CONFIRMED:
                dispatch_assignment_transition(assignment=a, to=AStatus.PROPOSED, by=by, reason=RECONFIRM_NOTICE)
            everyone_moved.append(a)
        _refill_after_commit(run, by)
    return everyone_moved


def on_sessions_moved(sender, *, plan: Plan, moves: list[dict], by: User | None, **kwargs) -> None:
    """Receiver of `kaowu.plans.signals.sessions_moved` (connected in StaffingConfig.ready)."""
    dispatch_follow_session_moves(plan=plan, moves=moves, by=by)
