"""Scoped reads behind the arrangement documents: the tickets of a plan, a room or an application, a room in
a session of a plan, the user's batch job, and the rows of the Excel lists."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_tasks_db.models import DBTaskResult

from kaowu.accounts.models import User
from kaowu.arrangement.models import AdmissionTicket, SeatAssignment
from kaowu.core.models import JobProgress
from kaowu.core.selectors import job_progress_get_for_user
from kaowu.plans.models import Plan, Session
from kaowu.plans.selectors import plan_get_for_user
from kaowu.registration.models import Application
from kaowu.sites.models import Room

# An application in one of these states has no usable ticket, whatever its ticket row says.
APPLICATION_VOID = {Application.Status.WITHDRAWN, Application.Status.REFUNDED}
TICKET_RELATED = ("application__candidate", "application__item__occupation", "application__item__special_item",
                  "application__plan__institution")


def plan_tickets(plan: Plan) -> QuerySet[AdmissionTicket]:
    """The valid tickets of a plan, in ticket number order (the order they were issued in)."""
    return AdmissionTicket.objects.filter(application__plan=plan, status=AdmissionTicket.Status.VALID).order_by(
        "number")


def application_ticket_latest(application: Application) -> tuple[AdmissionTicket | None, AdmissionTicket | None]:
    """(the valid ticket, the last withdrawn one) of an application; either may be None."""
    tickets = application.tickets.order_by("-issued_at")
    valid = tickets.filter(status=AdmissionTicket.Status.VALID).first()
    withdrawn = tickets.filter(status=AdmissionTicket.Status.WITHDRAWN).order_by("-withdrawn_at").first()
    return valid, withdrawn


def room_session_get_for_user(*, user: User, plan_id: int, session_id: int, room_id: int) -> tuple[Plan, Session, Room]:
    """A plan in the user's scope, one of its sessions and a room used by it (listed or seated), or 404."""
    plan = plan_get_for_user(user=user, plan_id=plan_id)
    session = get_object_or_404(plan.sessions.select_related("item__occupation", "item__special_item", "subject",
                                                             "plan"), pk=session_id)
    rooms = Room.objects.filter(Q(sessions=session) | Q(seats__session=session)).select_related("site").distinct()
    room = get_object_or_404(rooms, pk=room_id)
    return plan, session, room


def room_tickets(*, plan: Plan, room_id: int) -> tuple[Room, list[AdmissionTicket]]:
    """A room and the valid tickets of everyone seated in it in any session of the plan, by seat; 404 when
    nobody is seated there."""
    seats = (SeatAssignment.objects.filter(session__plan=plan, room_id=room_id)
             .order_by("session__date", "session__start", "seat_number").values_list("application_id", flat=True))
    order = list(dict.fromkeys(seats))
    if not order:
        raise Http404("该考场没有编排考生")
    room = get_object_or_404(Room.objects.select_related("site"), pk=room_id)
    tickets = {t.application_id: t for t in AdmissionTicket.objects.filter(
        application_id__in=order, status=AdmissionTicket.Status.VALID).select_related(*TICKET_RELATED)}
    return room, [tickets[a] for a in order if a in tickets]


def ticket_batch_get_for_user(*, user: User, task_id: str, task_path: str) -> tuple[JobProgress, Plan]:
    """The user's own batch job of the task at `task_path` and its plan (still in their scope); another task's
    id is a 404."""
    job = job_progress_get_for_user(user=user, task_id=task_id)
    enqueued = DBTaskResult.objects.filter(pk=job.task_id).values("task_path", "args_kwargs").first()
    if enqueued is None or enqueued["task_path"] != task_path:
        raise Http404("不是准考证生成任务")
    plan = plan_get_for_user(user=user, plan_id=enqueued["args_kwargs"]["kwargs"]["plan_id"])
    return job, plan


def roster_seats(*, plan: Plan, room: Room | None = None, session: Session | None = None) -> QuerySet[SeatAssignment]:
    """The seats of the 考生名单: the whole plan, or one room and/or session, in list order."""
    seats = (SeatAssignment.objects.filter(session__plan=plan)
             .select_related("application__candidate", "session__item__occupation", "session__item__special_item",
                             "session__subject", "room__site")
             .order_by("session__date", "session__start", "session_id", "room__site__name", "room__name",
                       "seat_number"))
    if room is not None:
        seats = seats.filter(room=room)
    if session is not None:
        seats = seats.filter(session=session)
    return seats


def plan_ticket_numbers(plan: Plan) -> dict[int, str]:
    """Application id → its valid ticket number, for a plan."""
    return dict(AdmissionTicket.objects.filter(application__plan=plan, status=AdmissionTicket.Status.VALID)
                .values_list("application_id", "number"))
