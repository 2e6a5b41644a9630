"""Dispatch (三员派遣): the center generates a proposal with the solver, edits it by hand (every edit is
re-checked against the hard rules), publishes it; the people confirm or decline, and a decline re-solves
only the post it leaves open."""

import math
from collections import defaultdict
from dataclasses import replace

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
    busy_elsewhere,
    dispatch_input_load,
    overlaps,
    placements_of,
    post_as_json,
)
from kaowu.staffing.solver import DispatchInputError, Placement, dispatch_solve, dispatch_violations

Status = DispatchRun.Status
AStatus = DispatchAssignment.Status
# A plan's dispatch is a few hundred posts at most; the province-scale figure is in the `dispatch` benchmark.
TIME_LIMIT_SECONDS = 30.0
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
DISPATCH_ASSIGNMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AStatus.PROPOSED: frozenset({AStatus.CONFIRMED, AStatus.DECLINED, AStatus.WITHDRAWN}),
    AStatus.CONFIRMED: frozenset({AStatus.DECLINED, AStatus.WITHDRAWN}),
    AStatus.DECLINED: frozenset(),
    AStatus.WITHDRAWN: frozenset(),
}
DISPATCH_ASSIGNMENT_ACTIONS = {
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
    assignment.decided_at = now
    if to == AStatus.DECLINED:
        assignment.decline_reason = reason
        return ["status", "decided_at", "decline_reason", "updated_at"]
    return ["status", "decided_at", "updated_at"]


def _assignment_after(assignment: DispatchAssignment, to: str, reason: str) -> dict:
    after = {"post": assignment.post_id}
    if to == AStatus.DECLINED:
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


def dispatch_generate(*, plan: Plan, by: User, time_limit: float = TIME_LIMIT_SECONDS) -> DispatchRun:
    """Solve the batch's posts and record the proposal (or, when no dispatch exists, what is missing).
    The solver runs outside any transaction; what it found is written in one."""
    _require_center(by, plan)
    started_at = timezone.now()
    data = dispatch_input_load(plan)
    if not data.posts:
        raise ValidationError("本计划尚未编排考场（没有已安排考生的考场），无法生成派遣方案")
    result = dispatch_solve(data.posts, data.staff, site_caps=data.site_caps, forbidden=data.forbidden,
                            time_limit=time_limit)
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
    found = [v for v in dispatch_violations(data.posts, data.staff, placements, site_caps=data.site_caps)
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
    return new


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
    forbidden = set(data.forbidden) | set(declined)
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
        run.shortages = []
        run.save(update_fields=["shortages", "updated_at"])
        audit_record(action=StaffingAction.REFILL, actor=by, target=run, organisation=run.center,
                     after={"new": [(p.post_id, p.staff_id) for p in new]})
        return created


def dispatch_letter_record(*, run: DispatchRun, by: User, letter: str, rows: int) -> None:
    """Who downloaded which dispatch letter (they name the people and where they go)."""
    audit_record(action=StaffingAction.LETTER_DOWNLOAD, actor=by, target=run, organisation_id=run.center_id,
                 after={"letter": letter, "rows": rows})
