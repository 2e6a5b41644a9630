"""Station lottery (工位抽签, R-FJ-16) on the exam day: draw once per room and session, replay on demand.

The seed is drawn with `secrets` (not guessable beforehand), shown on screen and recorded in the draw
and in its audit event together with the present candidates and the room's stations at that moment.
Replaying reads the stations from that audit event, so a station added to the room later does not
make an honest draw look forged; it also checks that the draw row still says what was audited.
"""

import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kaowu.accounts.models import User
from kaowu.arrangement.audit import ArrangementAction
from kaowu.arrangement.lottery.draw import ALGORITHM, DrawRefused, Replay, draw_replay, stations_draw
from kaowu.arrangement.lottery.selectors import SEATED_STATUSES, draw_audited, lottery_may_draw
from kaowu.arrangement.models import StationDraw
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.services import audit_record
from kaowu.plans.models import Session
from kaowu.sites.models import Room, RoomKind

SEED_LIMIT = 2**63  # StationDraw.seed is a BigIntegerField


def room_station_numbers(room: Room) -> list[int]:
    return sorted(room.stations.values_list("number", flat=True))


def _refuse_second_draw(first: StationDraw) -> RuleViolation:
    at = timezone.localtime(first.drawn_at)
    who = first.drawn_by.full_name or first.drawn_by.username
    return RuleViolation("R-FJ-16", f"本场次该考场已于{at:%Y年%m月%d日 %H:%M:%S}由{who}抽签，"
                                    "每个考场每场次只能抽签一次；结果可在本页查看和重放校验")


@transaction.atomic
def station_draw(*, session: Session, room: Room, by: User, present_application_ids: list[int],
                 seed: int | None = None, today: date | None = None) -> StationDraw:
    """Draw stations for the candidates present at a practical room's door (R-FJ-16)."""
    plan = session.plan
    if not lottery_may_draw(by, plan):
        raise PermissionRefused("只有本机构的监考员、工作人员或省中心可以抽取工位")
    today = today or timezone.localdate()
    if session.date != today:
        raise RuleViolation("R-FJ-16", f"工位抽签只能在考试当天（{session.date:%Y年%m月%d日}）考前集合时进行，"
                                       f"今天是{today:%Y年%m月%d日}")
    if room.kind != RoomKind.PRACTICAL or not session.rooms.filter(pk=room.pk).exists():
        raise ValidationError("只有本场次的实操考场才抽取工位")
    # One draw per room and session: the room row serialises two invigilators pressing at once.
    Room.objects.select_for_update().filter(pk=room.pk).first()
    first = StationDraw.objects.filter(session=session, room=room).select_related("drawn_by").first()
    if first is not None:
        raise _refuse_second_draw(first)

    wanted = {int(pk) for pk in present_application_ids}
    if not wanted:
        raise ValidationError("请先勾选到场考生")
    seats = dict(session.seats.filter(room=room, application_id__in=wanted, application__status__in=SEATED_STATUSES)
                 .values_list("application_id", "seat_number"))
    strangers = wanted - set(seats)
    if strangers:
        raise ValidationError(f"有{len(strangers)}名勾选的考生不在本场次本考场的座位名单中，不能参加本考场抽签")
    present = sorted(seats, key=lambda pk: (seats[pk], pk))  # draw order: seat order
    stations = room_station_numbers(room)
    if seed is None:
        seed = secrets.randbits(32)
    if not 0 <= seed < SEED_LIMIT:
        raise ValidationError("随机种子须为非负整数")
    try:
        pairs = stations_draw(seed, present, stations)
    except DrawRefused as exc:
        raise ValidationError(exc.message) from exc

    try:
        with transaction.atomic():
            draw = StationDraw.objects.create(
                session=session, room=room, seed=seed, present=present,
                result=[{"application": app, "station": station} for app, station in pairs],
                drawn_by=by, drawn_at=timezone.now(),
            )
    except IntegrityError:  # a draw committed between our check and our insert (no row lock on SQLite reads)
        first = StationDraw.objects.select_related("drawn_by").get(session=session, room=room)
        raise _refuse_second_draw(first) from None
    audit_record(action=ArrangementAction.STATION_DRAW, actor=by, target=draw, organisation=plan.institution, after={
        "session": session.pk, "room": room.pk, "seed": seed, "present": present, "stations": stations,
        "result": draw.result, "algorithm": ALGORITHM,
    })
    return draw


@dataclass(frozen=True)
class DrawReplay:
    """The outcome of 重放校验: recomputed from the seed and compared with the record."""

    matches: bool
    replay: Replay
    stations: list[int]
    stations_recorded: bool  # the stations come from the audit event written at draw time
    record_intact: bool  # the draw row still holds the seed, candidates and result that were audited


def station_draw_replay(draw: StationDraw) -> DrawReplay:
    """Recompute a draw from its seed and say whether it gives back the recorded result."""
    audited = draw_audited(draw)
    if "stations" in audited:
        stations, stations_recorded = [int(n) for n in audited["stations"]], True
    else:
        stations, stations_recorded = room_station_numbers(draw.room), False
    intact = not audited or (audited.get("seed") == draw.seed and audited.get("present") == draw.present
                             and audited.get("result") == draw.result)
    recorded = [(int(row["application"]), int(row["station"])) for row in draw.result]
    replay = draw_replay(draw.seed, [int(pk) for pk in draw.present], stations, recorded)
    return DrawReplay(replay.matches and intact, replay, stations, stations_recorded, intact)
