"""Dispatch (三员派遣): the center generates a proposal with the solver, edits it by hand (every edit is
re-checked against the hard rules), publishes it; the people confirm or decline, and a decline re-solves
only the post it leaves open."""

import math
from collections import defaultdict
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaowu.accounts.models import Role, User
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.services import audit_record
from kaowu.plans.models import Plan
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
    if user.role == Role.PROVINCE_ADMIN:
        return True
    return user.role == Role.CITY_REVIEWER and plan.reviewing_center_id == user.organisation_id


def _require_center(by: User, plan: Plan) -> None:
    if not can_dispatch(by, plan):
        raise PermissionRefused("只有受理本计划的鉴定中心可以派遣考评员和督导员（R-FJ-8）")


def _run_record(run: DispatchRun) -> dict:
    return {"status": run.status, "objective": run.objective, "gap": run.gap,
            "assignments": run.assignments.filter(status__in=LIVE_ASSIGNMENT).count()}


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
            old.status = Status.SUPERSEDED
            old.save(update_fields=["status", "updated_at"])
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
        audit_record(action="dispatch.generate", actor=by, target=run, organisation=run.center,
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
    assignment.status = AStatus.WITHDRAWN
    assignment.save(update_fields=["status", "updated_at"])
    new = DispatchAssignment.objects.create(
        run=run, staff=staff, post_id=assignment.post_id, post_label=assignment.post_label, role=assignment.role,
        leader=assignment.leader, date=assignment.date, session_id=assignment.session_id,
        room_id=assignment.room_id, site_id=assignment.site_id, manual=True)
    audit_record(action="dispatch.assignment_replace", actor=by, target=new, organisation=run.center,
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
        old.status = Status.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
        _live(old).update(status=AStatus.WITHDRAWN, updated_at=timezone.now())
    run.status, run.published_at, run.published_by = Status.PUBLISHED, timezone.now(), by
    run.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit_record(action="dispatch.publish", actor=by, target=run, organisation=run.center, after=_run_record(run))
    return run


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
    assignment.status, assignment.decided_at = AStatus.CONFIRMED, timezone.now()
    assignment.save(update_fields=["status", "decided_at", "updated_at"])
    audit_record(action="dispatch.assignment_confirm", actor=by, target=assignment,
                 organisation_id=assignment.run.center_id, after={"post": assignment.post_id})
    return assignment


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
        locked.status, locked.decided_at, locked.decline_reason = AStatus.DECLINED, timezone.now(), reason.strip()
        locked.save(update_fields=["status", "decided_at", "decline_reason", "updated_at"])
        audit_record(action="dispatch.assignment_decline", actor=by, target=locked,
                     organisation_id=locked.run.center_id, after={"post": locked.post_id, "reason": reason.strip()})
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
            audit_record(action="dispatch.refill_failed", actor=by, target=run, organisation_id=run.center_id,
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
            audit_record(action="dispatch.refill_short", actor=by, target=run, organisation=run.center,
                         after={"shortages": len(run.shortages)})
            return []
        new = [p for p in result.placements if (p.post_id, p.staff_id) not in fixed_keys]
        # A declined leader's group gets its leader among the new people (the solver chose which).
        created = _assignments_create(run, data.post_places, [replace(p) for p in new])
        run.shortages = []
        run.save(update_fields=["shortages", "updated_at"])
        audit_record(action="dispatch.refill", actor=by, target=run, organisation=run.center,
                     after={"new": [(p.post_id, p.staff_id) for p in new]})
        return created
