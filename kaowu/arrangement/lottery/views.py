"""Station lottery pages (工位抽签, R-FJ-16), made for a phone or tablet at the room's door."""

from datetime import date

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaowu.accounts.models import Role
from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.arrangement.lottery import selectors, services
from kaowu.arrangement.lottery.draw import ALGORITHM
from kaowu.catalog.policy import policy_active
from kaowu.core.actions import service_action
from kaowu.core.downloads import private_file_response
from kaowu.core.permissions import role_required


def _day(request) -> date:
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


def _gather_time(session) -> str:
    """When candidates gather to draw (R-FJ-16: N minutes before the start)."""
    minutes = policy_active().gather_minutes_before
    start = session.start.hour * 60 + session.start.minute - minutes
    return f"{max(start, 0) // 60:02d}:{max(start, 0) % 60:02d}" if minutes else ""


@role_required(*OFFICE_ROLES, Role.INVIGILATOR)  # then scoped by the selectors
def lottery_home(request):
    day = _day(request)
    return render(request, "arrangement/lottery_home.html", {
        "day": day, "is_today": day == timezone.localdate(),
        "places": selectors.lottery_places(user=request.user, day=day),
    })


def _result_rows(draw, seats_by_application):
    applications = selectors.draw_applications(draw)
    rows = []
    for row in draw.result:
        application = applications.get(int(row["application"]))
        seat = seats_by_application.get(int(row["application"]))
        rows.append({"station": row["station"], "application": application,
                     "candidate": application.candidate if application else None,
                     "seat": seat.seat_number if seat else None})
    return rows


def _room_page(request, session, room, checked=frozenset(), status=200):
    seats = selectors.lottery_seats(session=session, room=room)
    draw = selectors.lottery_draw_of(session=session, room=room)
    today = timezone.localdate()
    context = {
        "session": session, "room": room, "plan": session.plan, "seats": seats, "draw": draw,
        "station_numbers": services.room_station_numbers(room), "gather_time": _gather_time(session),
        "is_today": session.date == today, "may_draw": selectors.lottery_may_draw(request.user, session.plan),
        "checked": checked,
    }
    if draw is not None:
        by_application = {seat.application_id: seat for seat in seats}
        context["rows"] = _result_rows(draw, by_application)
        present = {int(pk) for pk in draw.present}
        context["absent"] = [seat for seat in seats if seat.application_id not in present]
    context["can_draw"] = draw is None and context["is_today"] and context["may_draw"] and bool(seats)
    return render(request, "arrangement/lottery_room.html", context, status=status)


@role_required(*OFFICE_ROLES, Role.INVIGILATOR)  # then scoped by the selectors
def lottery_room(request, session_id: int, room_id: int):
    session, room = selectors.lottery_place_get_for_user(user=request.user, session_id=session_id, room_id=room_id)
    return _room_page(request, session, room)


@require_POST
@role_required(*OFFICE_ROLES, Role.INVIGILATOR)  # then scoped by the selectors
def lottery_draw(request, session_id: int, room_id: int):
    session, room = selectors.lottery_place_get_for_user(user=request.user, session_id=session_id, room_id=room_id)
    present = {int(value) for value in request.POST.getlist("present") if value.isdigit()}
    drawn = service_action(
        request,
        lambda: services.station_draw(session=session, room=room, by=request.user, present_application_ids=present),
        f"抽签完成：{len(present)}名到场考生已抽取工位。请向考生宣读随机种子和结果。",
    )
    if drawn:
        return redirect("lottery_room", session_id=session.pk, room_id=room.pk)
    # Refused: show the page again with the ticks kept, so nobody has to tick the whole room twice.
    return _room_page(request, session, room, checked=present)


@role_required(*OFFICE_ROLES, Role.INVIGILATOR)  # then scoped by the selectors
def lottery_print(request, draw_id: int):
    draw = selectors.draw_get_for_user(user=request.user, draw_id=draw_id)
    seats = selectors.lottery_seats(session=draw.session, room=draw.room)
    by_application = {seat.application_id: seat for seat in seats}
    present = {int(pk) for pk in draw.present}
    return render(request, "arrangement/lottery_print.html", {
        "draw": draw, "session": draw.session, "room": draw.room, "plan": draw.session.plan,
        "rows": sorted(_result_rows(draw, by_application), key=lambda r: r["station"]),
        "absent": [seat for seat in seats if seat.application_id not in present], "algorithm": ALGORITHM,
    })


@role_required(*OFFICE_ROLES, Role.INVIGILATOR)  # then scoped by the selectors
def lottery_replay(request, draw_id: int):
    draw = selectors.draw_get_for_user(user=request.user, draw_id=draw_id)
    check = services.station_draw_replay(draw)
    applications = selectors.draw_applications(draw)
    recorded = {int(row["application"]): row["station"] for row in draw.result}
    rows = [{"application": applications.get(app), "recorded": recorded.get(app), "recomputed": station,
             "same": recorded.get(app) == station}
            for app, station in check.replay.expected]
    differences = [{"application": applications.get(app), "recorded": was, "recomputed": now}
                   for app, was, now in check.replay.differences]
    return render(request, "arrangement/lottery_replay.html", {
        "draw": draw, "session": draw.session, "room": draw.room, "check": check, "rows": rows,
        "differences": differences, "algorithm": ALGORITHM,
    })


@role_required(*OFFICE_ROLES, Role.INVIGILATOR)  # then scoped by the selectors
def lottery_photo(request, session_id: int, room_id: int, application_id: int):
    """The photo of a candidate of this room, for the check at the door (the invigilator cannot open
    the registration records, so the registration photo route would refuse them)."""
    application = selectors.lottery_photo_application(user=request.user, session_id=session_id, room_id=room_id,
                                                      application_id=application_id)
    return private_file_response(application.candidate.photo, filename=f"photo-{application.pk}.jpg",
                                 content_type="image/jpeg", missing="照片不存在")
