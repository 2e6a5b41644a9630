"""Scoped reads for the station lottery (工位抽签, R-FJ-16).

Who sees a room's lottery: the invigilators and staff of the plan's institution (they also draw),
the city center that oversees the plan (reads only) and the province. Everyone else gets a 404,
so that an outsider cannot probe which sessions exist.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Role, User
from kaowu.accounts.roles import is_institution_staff_of
from kaowu.arrangement.audit import ArrangementAction
from kaowu.arrangement.models import SeatAssignment, StationDraw
from kaowu.core.models import AuditEvent
from kaowu.plans.models import Plan, Session
from kaowu.plans.selectors import plans_visible_to
from kaowu.registration.models import Application
from kaowu.sites.models import Room, RoomKind

# Applications that hold their seat on the exam day (a withdrawn or refunded one does not draw).
SEATED_STATUSES = (Application.Status.PAID, Application.Status.TICKETED)


def _institution_drawer_of(user: User, institution_id: int) -> bool:
    """The plan's institution's staff and its invigilators (they draw at the door)."""
    return is_institution_staff_of(user, institution_id) or (
        user.role == Role.INVIGILATOR and user.organisation_id == institution_id)


def lottery_may_draw(user: User, plan: Plan) -> bool:
    """The plan's institution's staff and invigilators; the province admin too."""
    if not user.is_authenticated:
        return False
    if user.role == Role.PROVINCE_ADMIN:
        return True
    return _institution_drawer_of(user, plan.institution_id)


def lottery_sessions_visible_to(user: User) -> QuerySet[Session]:
    if not user.is_authenticated or user.organisation_id is None:
        return Session.objects.none()
    sessions = Session.objects.select_related("plan__institution", "item__occupation", "item__special_item",
                                              "subject")
    if user.role == Role.PROVINCE_ADMIN:
        return sessions
    if _institution_drawer_of(user, user.organisation_id):
        return sessions.filter(plan__institution=user.organisation)
    if user.role == Role.CITY_REVIEWER:
        return sessions.filter(plan__in=plans_visible_to(user))
    return Session.objects.none()


@dataclass(frozen=True)
class LotteryPlace:
    """A practical room of a session: where a draw happens."""

    session: Session
    room: Room
    seats: int
    stations: int
    draw: StationDraw | None


def lottery_places(*, user: User, day: date) -> list[LotteryPlace]:
    """The practical rooms of the sessions on `day` that the user can see, with their draw if made."""
    sessions = list(lottery_sessions_visible_to(user).filter(date=day, rooms__kind=RoomKind.PRACTICAL)
                    .distinct().order_by("start", "pk"))
    if not sessions:
        return []
    rooms = (Room.objects.filter(kind=RoomKind.PRACTICAL, sessions__in=sessions).select_related("site")
             .annotate(station_count=Count("stations", distinct=True)).distinct())
    rooms_by_pk = {room.pk: room for room in rooms}
    links = Session.rooms.through.objects.filter(session__in=sessions, room__in=list(rooms_by_pk))
    seats = dict(
        ((row["session"], row["room"]), row["n"])
        for row in SeatAssignment.objects.filter(session__in=sessions, application__status__in=SEATED_STATUSES)
        .values("session", "room").annotate(n=Count("pk"))
    )
    draws = {(d.session_id, d.room_id): d for d in StationDraw.objects.filter(session__in=sessions)}
    by_session: dict[int, list[int]] = {}
    for link in links:
        by_session.setdefault(link.session_id, []).append(link.room_id)
    places = []
    for session in sessions:
        for room in sorted((rooms_by_pk[pk] for pk in by_session.get(session.pk, [])),
                           key=lambda r: (r.site.name, r.name)):
            places.append(LotteryPlace(session, room, seats.get((session.pk, room.pk), 0), room.station_count,
                                       draws.get((session.pk, room.pk))))
    return places


def lottery_place_get_for_user(*, user: User, session_id: int, room_id: int) -> tuple[Session, Room]:
    """A session the user can see and one of its practical rooms, or 404."""
    session = get_object_or_404(lottery_sessions_visible_to(user), pk=session_id)
    room = get_object_or_404(session.rooms.filter(kind=RoomKind.PRACTICAL).select_related("site"), pk=room_id)
    return session, room


def lottery_seats(*, session: Session, room: Room) -> list[SeatAssignment]:
    """The candidates placed in this room for this session, in seat order."""
    return list(SeatAssignment.objects.filter(session=session, room=room, application__status__in=SEATED_STATUSES)
                .select_related("application__candidate").order_by("seat_number"))


def lottery_draw_of(*, session: Session, room: Room) -> StationDraw | None:
    return StationDraw.objects.filter(session=session, room=room).select_related("drawn_by").first()


def draw_get_for_user(*, user: User, draw_id: int) -> StationDraw:
    return get_object_or_404(
        StationDraw.objects.filter(session__in=lottery_sessions_visible_to(user))
        .select_related("session__plan", "session__item__occupation", "session__item__special_item",
                        "session__subject", "room__site", "drawn_by"),
        pk=draw_id,
    )


def draw_applications(draw: StationDraw) -> dict[int, Application]:
    """The applications a draw names (they may have left the room since: the draw keeps them)."""
    ids = [int(pk) for pk in draw.present]
    return {a.pk: a for a in Application.objects.filter(pk__in=ids).select_related("candidate")}


def lottery_photo_application(*, user: User, session_id: int, room_id: int, application_id: int) -> Application:
    """An application seated in (or drawn for) a room the user can see: its photo is shown at the door."""
    session, room = lottery_place_get_for_user(user=user, session_id=session_id, room_id=room_id)
    seated = Q(seats__session=session, seats__room=room)
    draw = lottery_draw_of(session=session, room=room)
    if draw is not None:
        seated |= Q(pk__in=[int(pk) for pk in draw.present])
    return get_object_or_404(Application.objects.filter(seated).select_related("candidate").distinct(),
                             pk=application_id)


def draw_audited(draw: StationDraw) -> dict:
    """What the audit event written at draw time recorded (`after`), or {} when there is none."""
    event = (AuditEvent.objects.filter(action=ArrangementAction.STATION_DRAW, object_type=StationDraw._meta.label,
                                       object_id=str(draw.pk)).order_by("pk").first())
    return (event.after or {}) if event is not None else {}
