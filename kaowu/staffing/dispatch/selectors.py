"""Scoped reads for dispatch: the center's plans and runs, a person's own assignments."""

from collections import defaultdict
from collections.abc import Mapping

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Role, User
from kaowu.plans.models import Plan
from kaowu.staffing.dispatch.services import can_dispatch
from kaowu.staffing.models import DispatchAssignment, DispatchRun, StaffMember
from kaowu.staffing.needs import LIVE_ASSIGNMENT, staff_pool


def dispatch_plans_visible_to(user: User) -> QuerySet[Plan]:
    """Plans the user's center dispatches for: those filed with it; the province sees all."""
    plans = Plan.objects.select_related("institution", "reviewing_center")
    if user.role == Role.PROVINCE_ADMIN:
        return plans
    if user.role == Role.CITY_REVIEWER and user.organisation_id:
        return plans.filter(reviewing_center_id=user.organisation_id)
    return Plan.objects.none()


def dispatch_plan_get_for_user(*, user: User, plan_id: int) -> Plan:
    plan = get_object_or_404(dispatch_plans_visible_to(user), pk=plan_id)
    if not can_dispatch(user, plan):
        raise Http404
    return plan


def dispatch_plan_list(*, user: User) -> list[dict]:
    """Plans with seats (something to dispatch) and the state of their latest run, in two queries."""
    plans = list(dispatch_plans_visible_to(user).annotate(seats=Count("sessions__seats", distinct=True))
                 .filter(seats__gt=0).order_by("-registration_closes", "pk")[:200])
    latest: dict[int, DispatchRun] = {}
    for run in DispatchRun.objects.filter(plan__in=plans).exclude(status=DispatchRun.Status.SUPERSEDED) \
            .order_by("plan_id", "-started_at"):
        latest.setdefault(run.plan_id, run)
    return [{"plan": plan, "run": latest.get(plan.pk)} for plan in plans]


def dispatch_run_current(plan: Plan) -> DispatchRun | None:
    """The run the center is working on: the latest that is not superseded."""
    return (DispatchRun.objects.filter(plan=plan).exclude(status=DispatchRun.Status.SUPERSEDED)
            .order_by("-started_at").first())


def dispatch_run_get_for_user(*, user: User, run_id: int) -> DispatchRun:
    run = get_object_or_404(DispatchRun.objects.select_related("plan__institution", "center"), pk=run_id)
    if not can_dispatch(user, run.plan):
        raise Http404
    return run


def dispatch_board(run: DispatchRun) -> dict:
    """The run's posts with their people, in post order; declined and withdrawn people are listed apart."""
    assignments = list(run.assignments.select_related("staff", "site", "room").order_by("date", "post_id",
                                                                                           "-leader", "pk"))
    by_post: dict[str, list] = defaultdict(list)
    for a in assignments:
        if a.status in LIVE_ASSIGNMENT:
            by_post[a.post_id].append(a)
    posts = [{"post": post, "people": by_post.get(post["id"], [])} for post in run.posts]
    counts = defaultdict(int)
    for a in assignments:
        counts[a.status] += 1
    sites = sorted({(a.site_id, a.site.name) for a in assignments if a.site_id})
    live = [a for a in assignments if a.status in LIVE_ASSIGNMENT]
    return {"posts": posts, "counts": dict(counts), "sites": sites,
            "inactive": [a for a in assignments if a.status not in LIVE_ASSIGNMENT],
            # Who has not confirmed (again, after a change of time: R-CQ-8) and whose new time conflicts.
            "unconfirmed": [a for a in live if a.status == DispatchAssignment.Status.PROPOSED],
            "reconfirm": [a for a in live if a.notice and a.status == DispatchAssignment.Status.PROPOSED],
            "conflicts": [a for a in live if a.conflict]}


def dispatch_assignment_get_for_user(*, user: User, assignment_id: int) -> DispatchAssignment:
    """An assignment of a run the user's center dispatches; 404 for anyone else."""
    assignment = get_object_or_404(DispatchAssignment.objects.select_related("run__plan", "staff"),
                                   pk=assignment_id)
    if not can_dispatch(user, assignment.run.plan):
        raise Http404
    return assignment


def replacement_get(run: DispatchRun, role: str, staff_id) -> StaffMember | None:
    """The person chosen for a hand edit, if they are in the plan's pool for the role."""
    try:
        wanted = int(staff_id)
    except (TypeError, ValueError):
        return None
    return next((m for m in replacement_choices(run, role) if m.pk == wanted), None)


def letter_site_get(rows: list[DispatchAssignment], site_id: int):
    """The site of a site letter: one the run's live assignments are at."""
    site = next((a.site for a in rows if a.site_id == site_id), None)
    if site is None:
        raise Http404("该考点在本派遣中没有安排")
    return site


def replacement_choices(run: DispatchRun, role: str) -> list[StaffMember]:
    """People of the role in the plan's pool, for the hand-edit form (the service re-checks every rule)."""
    flag = {"assessor": "is_assessor", "supervisor": "is_supervisor", "invigilator": "is_invigilator",
            "chief": "is_chief"}[role]
    return [m for m in staff_pool(run.plan) if getattr(m, flag)]


def assignments_of(user: User) -> QuerySet[DispatchAssignment]:
    """A person's own assignments in published runs."""
    member = StaffMember.objects.filter(user=user).first()
    if member is None:
        return DispatchAssignment.objects.none()
    return (DispatchAssignment.objects.filter(staff=member, run__status=DispatchRun.Status.PUBLISHED)
            .exclude(status=DispatchAssignment.Status.WITHDRAWN)
            .select_related("run__plan__institution", "site", "room").order_by("date", "post_id"))


def chief_teams(rows: list[DispatchAssignment]) -> dict[int, dict]:
    """For the chief examiner among `rows` (the user's own assignments): each batch they lead, with its
    people and who has not confirmed (or not confirmed again after a change of time, R-CQ-8). Keyed by the
    chief's assignment. Nobody else sees a batch's team here."""
    chief = {a.run_id: a for a in rows if a.role == DispatchAssignment.Role.CHIEF and a.status in LIVE_ASSIGNMENT}
    teams: dict[int, dict] = {}
    if not chief:
        return teams
    people = (DispatchAssignment.objects.filter(run_id__in=chief, status__in=LIVE_ASSIGNMENT)
              .select_related("staff", "site", "room").order_by("run_id", "date", "post_id", "-leader", "pk"))
    by_run: dict[int, list] = defaultdict(list)
    for a in people:
        by_run[a.run_id].append(a)
    for run_id, mine in chief.items():
        team = by_run.get(run_id, [])
        teams[mine.pk] = {"people": team,
                          "unconfirmed": [a for a in team if a.status == DispatchAssignment.Status.PROPOSED],
                          "conflicts": [a for a in team if a.conflict]}
    return teams


def assignment_get_own(*, user: User, assignment_id: int) -> DispatchAssignment:
    return get_object_or_404(assignments_of(user), pk=assignment_id)


def letter_assignments(run: DispatchRun, *, staff_id: int | None = None, site_id: int | None = None):
    rows = run.assignments.filter(status__in=LIVE_ASSIGNMENT).select_related("staff", "site", "room")
    if staff_id is not None:
        rows = rows.filter(staff_id=staff_id)
    if site_id is not None:
        rows = rows.filter(Q(site_id=site_id) | Q(site__isnull=True))
    return list(rows.order_by("date", "post_id", "-leader"))


def dispatch_room_sessions(plan: Plan) -> int:
    """How many rooms-in-a-session have seated candidates: the size that decides whether the solver runs in
    the request or as a background job (services.BACKGROUND_ROOM_SESSIONS)."""
    from kaowu.arrangement.models import SeatAssignment

    return SeatAssignment.objects.filter(session__plan=plan).values("session_id", "room_id").distinct().count()


def dispatch_job_get_for_user(*, user: User, plan_id: int, task_id: str):
    """The user's own background dispatch of this plan (still in their scope), and the run it made."""
    from kaowu.core.selectors import job_arguments_get_for_user
    from kaowu.staffing.dispatch.tasks import dispatch_generate_task

    plan = dispatch_plan_get_for_user(user=user, plan_id=plan_id)
    job, kwargs = job_arguments_get_for_user(user=user, task_id=task_id, task=dispatch_generate_task)
    if kwargs.get("plan_id") != plan.pk:
        raise Http404("不是本计划的派遣任务")
    result = job.result or {}
    run = DispatchRun.objects.filter(plan=plan, pk=result["run"]).first() if result.get("run") else None
    return plan, job, run


def dispatch_list_rows(user: User, query: Mapping[str, str]) -> tuple[list[dict], dict]:
    """The dispatch list's rows (plans with seats and their latest run), as the page shows them."""
    return dispatch_plan_list(user=user), {}
