"""Input checks. Every problem found is reported at once, in Chinese, so the clerk can fix them together."""

from collections.abc import Iterable

from kaowu.arrangement.solver.model import (
    DESK_ROOM_KINDS,
    ROOM_KINDS,
    ROOM_LABELS,
    SUBJECT_KINDS,
    ArrangementInputError,
    Assignment,
    CandidateSpec,
    Limits,
    RoomSpec,
    SessionSpec,
)


def _duplicates(ids: Iterable[int]) -> list[int]:
    ids = list(ids)
    if len(set(ids)) == len(ids):
        return []
    seen: set[int] = set()
    twice: list[int] = []
    for value in ids:
        if value in seen:
            twice.append(value)
        seen.add(value)
    return twice


def check_input(
    sessions: list[SessionSpec], rooms: list[RoomSpec], candidates: list[CandidateSpec],
    limits: Limits, fixed: list[Assignment], slot_of: dict[int, int],
) -> None:
    """Raise ArrangementInputError listing every problem; return quietly when the input can be arranged."""
    errors: list[str] = []
    for value in _duplicates(s.id for s in sessions):
        errors.append(f"场次编号 {value} 重复")
    for value in _duplicates(r.id for r in rooms):
        errors.append(f"考场编号 {value} 重复")
    for value in _duplicates(c.application_id for c in candidates):
        errors.append(f"报名编号 {value} 重复")
    for name, value in (("理论考场每室人数上限", limits.theory_room_max),
                        ("同一考点同一时段考生上限", limits.site_slot_candidate_cap),
                        ("同一考点同一时段总人数上限", limits.site_slot_person_cap)):
        if value is not None and value < 1:
            errors.append(f"{name}须为正整数")
    if limits.site_staff < 0:
        errors.append("考点工作人员数不能为负数")

    room_by_id = {r.id: r for r in rooms}
    for room in rooms:
        if room.kind not in ROOM_KINDS:
            errors.append(f"考场 {room.title} 的类别 {room.kind} 无法识别")
        if room.capacity < 0 or room.staff < 0:
            errors.append(f"考场 {room.title} 的容量和工作人员数不能为负数")
        if not isinstance(room.stations, int) and len(set(room.stations)) != len(room.stations):
            errors.append(f"考场 {room.title} 的工位号重复")
    session_by_id = {s.id: s for s in sessions}
    for session in sessions:
        if session.subject_kind not in SUBJECT_KINDS:
            errors.append(f"场次 {session.title} 的科目类别 {session.subject_kind} 无法识别")
        if session.needs not in ROOM_KINDS:
            errors.append(f"场次 {session.title} 所需考场类别 {session.needs} 无法识别")
        if session.end <= session.start:
            errors.append(f"场次 {session.title} 的结束时间须晚于开始时间")
        for room_id in session.room_ids or ():
            room = room_by_id.get(room_id)
            if room is None:
                errors.append(f"场次 {session.title} 指定的考场（编号 {room_id}）不存在")
            elif room.kind != session.needs:
                errors.append(f"场次 {session.title} 指定的考场 {room.title} 不是{ROOM_LABELS.get(session.needs)}")

    errors.extend(_check_candidates(candidates, session_by_id))
    errors.extend(_check_fixed(fixed, session_by_id, room_by_id, limits, slot_of))
    if errors:
        raise ArrangementInputError(errors)


def _check_candidates(candidates: list[CandidateSpec], session_by_id: dict[int, SessionSpec]) -> list[str]:
    # Candidates share a few session lists: check each list once, and name candidates only if one is wrong.
    verdicts = {ids: _check_session_list(ids, session_by_id) for ids in {c.session_ids for c in candidates}}
    if not any(verdicts.values()):
        return []
    return [f"考生（报名编号 {c.application_id}）{verdicts[c.session_ids]}" for c in candidates
            if verdicts[c.session_ids]]


def _check_session_list(ids: tuple[int, ...], session_by_id: dict[int, SessionSpec]) -> str | None:
    unknown = [value for value in ids if value not in session_by_id]
    if unknown:
        return f"所报场次（编号 {'、'.join(map(str, unknown))}）不存在"
    if len(set(ids)) != len(ids):
        return "同一场次列出两次"
    ordered = sorted((session_by_id[value] for value in ids), key=lambda s: (s.start, s.end))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start < before.end:
            return f"须参加的两个场次时间重叠：{before.title}—{before.end:%H:%M} 与 {after.title}—{after.end:%H:%M}"
    return None


def _check_fixed(
    fixed: list[Assignment], session_by_id: dict[int, SessionSpec], room_by_id: dict[int, RoomSpec],
    limits: Limits, slot_of: dict[int, int],
) -> list[str]:
    errors: list[str] = []
    taken: dict[tuple[int, int, int], Assignment] = {}
    pairs: set[tuple[int, int]] = set()
    places: dict[int, frozenset[int]] = {}
    for held in fixed:
        session = session_by_id.get(held.session_id)
        room = room_by_id.get(held.room_id)
        who = f"已发布的准考证（报名编号 {held.application_id}）"
        if session is None or room is None:
            errors.append(f"{who}所在场次或考场不存在")
            continue
        if room.kind != session.needs:
            errors.append(f"{who}的考场 {room.title} 不是{ROOM_LABELS.get(session.needs)}")
            continue
        if (held.application_id, held.session_id) in pairs:
            errors.append(f"{who}在场次 {session.title} 有两个座位")
            continue
        pairs.add((held.application_id, held.session_id))
        if room.id not in places:
            places[room.id] = frozenset(room.places(limits.theory_room_max))
        desk = room.kind in DESK_ROOM_KINDS
        what = "座位" if desk else "工位"
        if (held.seat is None) == desk or (held.station is None) != desk:
            errors.append(f"{who}在 {room.title} 应有且只有{what}号")
            continue
        if held.place not in places[room.id]:
            errors.append(f"{who}的{what} {room.title} {held.place} 号已不在该考场可用范围内，请全部重新编排")
            continue
        key = (room.id, slot_of[session.id], held.place)
        if key in taken:
            errors.append(f"{who}与报名编号 {taken[key].application_id} 在 {room.title} 同一时段占用同一位置 "
                          f"{held.place} 号")
            continue
        taken[key] = held
    return errors
