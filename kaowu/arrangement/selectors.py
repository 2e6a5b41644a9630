"""Scoped reads of the arrangement pages: institution staff see their plans, a city center the plans of its
institutions and those filed with it, the province all; everyone else nothing (plans.selectors)."""

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import User
from kaowu.accounts.roles import is_institution_staff_of
from kaowu.arrangement.models import AdmissionTicket, ArrangementRun, SeatAssignment
from kaowu.arrangement.services import ARRANGEABLE, item_label
from kaowu.plans.models import Plan, PlanItem, Session
from kaowu.plans.selectors import plans_visible_to
from kaowu.registration.models import Application, IdType
from kaowu.registration.services import FEE_PAID
from kaowu.sites.models import Room

Status = Application.Status


def arrangement_plans_visible_to(user: User) -> QuerySet[Plan]:
    return plans_visible_to(user)


def arrangement_plan_get_for_user(*, user: User, plan_id: int) -> Plan:
    return get_object_or_404(arrangement_plans_visible_to(user).select_related("institution__parent"), pk=plan_id)


def plan_session_get(*, plan: Plan, session_id: int | None) -> Session:
    """A session of the plan, or 404."""
    session = Session.objects.filter(plan=plan, pk=session_id).first()
    if session is None:
        raise Http404("该计划没有此场次")
    return session


def plan_run_get(*, plan: Plan, run_id: int) -> ArrangementRun | None:
    """An arrangement run of the plan (a job's result names it), or None."""
    return ArrangementRun.objects.filter(plan=plan, pk=run_id).first()


def can_arrange(user: User, plan: Plan) -> bool:
    return is_institution_staff_of(user, plan.institution_id) and plan.status in ARRANGEABLE


def _sessions(plan: Plan) -> list[Session]:
    return list(Session.objects.filter(plan=plan).select_related("item__occupation", "item__special_item", "subject")
                .order_by("date", "start", "pk"))


def session_title(session: Session) -> str:
    subject = session.subject.name if session.subject_id else ""
    return f"{item_label(session.item)} {subject}".strip()


def arrangement_counts(*, plan: Plan) -> dict[str, int]:
    """Applications whose fee is paid, of them still 已缴费 and already 已发准考证: one query."""
    return Application.objects.filter(plan=plan).aggregate(
        fee_paid=Count("pk", filter=Q(status__in=FEE_PAID)), paid=Count("pk", filter=Q(status=Status.PAID)),
        ticketed=Count("pk", filter=Q(status=Status.TICKETED)))


def arrangement_overview(*, plan: Plan) -> dict:
    """Counts, the last runs and the rooms used per session, in a fixed number of queries."""
    counts = arrangement_counts(plan=plan)
    needed = (Session.objects.filter(item=OuterRef("item")).order_by().values("item")
              .annotate(n=Count("pk")).values("n"))
    counts["placed"] = (Application.objects.filter(plan=plan, status__in=FEE_PAID)
                        .annotate(seat_count=Count("seats"), needed=Subquery(needed))
                        .filter(needed__gt=0, seat_count=F("needed")).count())
    counts["unplaced"] = counts["fee_paid"] - counts["placed"]
    counts["withdrawn_tickets"] = AdmissionTicket.objects.filter(
        application__plan=plan, status=AdmissionTicket.Status.WITHDRAWN).count()
    runs = list(ArrangementRun.objects.filter(plan=plan).select_related("started_by").order_by("-started_at")[:5])
    sessions = _sessions(plan)
    used = defaultdict(list)
    room_ids = set()
    for session_id, room_id, taken in (SeatAssignment.objects.filter(session__plan=plan)
                                       .values_list("session_id", "room_id").annotate(n=Count("pk"))
                                       .order_by("session_id", "room_id")):
        used[session_id].append((room_id, taken))
        room_ids.add(room_id)
    rooms = {room.pk: room for room in Room.objects.filter(pk__in=room_ids).select_related("site")} if room_ids else {}
    session_rows = []
    for session in sessions:
        room_rows = sorted(({"room": rooms[room_id], "taken": taken} for room_id, taken in used.get(session.pk, [])),
                           key=lambda row: (row["room"].site.name, row["room"].name))
        session_rows.append({"session": session, "title": session_title(session), "rooms": room_rows,
                             "taken": sum(r["taken"] for r in room_rows)})
    return {"counts": counts, "runs": runs, "last_run": runs[0] if runs else None, "sessions": session_rows}


def seat_list(*, plan: Plan, session_id: int | None, room_id: int | None) -> dict:
    """One room in one session: its seats with candidate, masked-on-the-page ID number, item and ticket number.
    The number of queries does not depend on the number of seats."""
    sessions = _sessions(plan)
    session = next((s for s in sessions if s.pk == session_id), sessions[0] if sessions else None)
    rooms, seats, room = [], [], None
    if session is not None:
        rooms = [{"room": r, "taken": r.taken} for r in
                 Room.objects.filter(seats__session=session).select_related("site")
                 .annotate(taken=Count("seats", filter=Q(seats__session=session))).order_by("site__name", "name")]
        room = next((r["room"] for r in rooms if r["room"].pk == room_id), rooms[0]["room"] if rooms else None)
    if room is not None:
        ticket = AdmissionTicket.objects.filter(application=OuterRef("application"),
                                                status=AdmissionTicket.Status.VALID).values("number")[:1]
        seats = list(SeatAssignment.objects.filter(session=session, room=room)
                     .select_related("application__candidate", "application__item__occupation",
                                     "application__item__special_item")
                     .annotate(ticket_number=Subquery(ticket)).order_by("seat_number"))
        for seat in seats:
            seat.item_label = item_label(seat.application.item)
    return {"sessions": [{"session": s, "title": session_title(s)} for s in sessions], "session": session,
            "rooms": rooms, "room": room, "seats": seats}


def seat_export_rows(*, plan: Plan, session: Session | None = None) -> Iterator[list]:
    """Rows of the seat export (full ID numbers), by session, site, room and seat."""
    items = {item.pk: item_label(item) for item in
             PlanItem.objects.filter(plan=plan).select_related("occupation", "special_item")}
    tickets = dict(AdmissionTicket.objects.filter(application__plan=plan, status=AdmissionTicket.Status.VALID)
                   .values_list("application_id", "number"))
    seats = SeatAssignment.objects.filter(session__plan=plan)
    if session is not None:
        seats = seats.filter(session=session)
    id_labels = dict(IdType.choices)
    rows = seats.order_by("session__date", "session__start", "session_id", "room__site__name", "room__name",
                          "seat_number").values_list(
        "session__date", "session__start", "session__end", "session__subject__name", "room__site__name",
        "room__name", "seat_number", "application__candidate__name", "application__candidate__id_type",
        "application__candidate__id_number", "application__item_id", "application_id")
    for (day, start, end, subject, site, room, number, name, id_type, id_number, item_id,
         application_id) in rows.iterator(chunk_size=5_000):
        yield [day.isoformat(), f"{start:%H:%M}-{end:%H:%M}", subject or "", site, room, number, name,
               str(id_labels.get(id_type, id_type)), id_number, items.get(item_id, ""), tickets.get(application_id, "")]
