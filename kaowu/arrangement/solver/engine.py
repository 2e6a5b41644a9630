"""The arrangement: greedy best-fit bin filling, slot by slot. See README.md beside this file."""

import gc
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from operator import attrgetter

from kaowu.arrangement.solver.ledger import Ledger, RoomSlot
from kaowu.arrangement.solver.model import (
    DESK_ROOM_KINDS,
    ROOM_LABELS,
    Arrangement,
    Assignment,
    CandidateSpec,
    Limits,
    RoomSpec,
    SessionSpec,
    Shortage,
)
from kaowu.arrangement.solver.timeslots import room_slots, session_cliques
from kaowu.arrangement.solver.validate import check_input

# A group: (session, item key, level) and its application ids in order of institution, then application.
Group = tuple[SessionSpec, str, int, list[int]]


class Pool:
    """Sessions of one slot that may use the same rooms and meet the same site caps: their groups are
    packed together into those rooms."""

    __slots__ = ("slot", "room_ids", "cliques", "groups", "sessions")

    def __init__(self, slot: int, room_ids: tuple[int, ...], cliques: tuple[int, ...]):
        self.slot = slot
        self.room_ids = room_ids
        self.cliques = cliques
        self.groups: list[Group] = []
        self.sessions: list[SessionSpec] = []


def arrangement_solve(
    *, sessions: Iterable[SessionSpec], rooms: Iterable[RoomSpec], candidates: Iterable[CandidateSpec],
    seed: int, limits: Limits | None = None, fixed: Iterable[Assignment] = (),
) -> Arrangement:
    """Place every candidate in every session they sit; the same input and seed give the same result.

    Raises ArrangementInputError when the input is inconsistent (unknown ids, a candidate in two
    overlapping sessions, a published place that no longer exists). When the rooms are too few the
    result places nobody and lists the missing places per session."""
    with _cyclic_gc_paused():
        return _solve(list(sessions), list(rooms), list(candidates), seed, limits or Limits(), list(fixed))


@contextmanager
def _cyclic_gc_paused():
    """A run makes some 10^5 small acyclic objects; the cyclic collector would walk the growing heap again and
    again (a third of the run time) and find nothing to free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _solve(sessions: list[SessionSpec], rooms: list[RoomSpec], candidate_list: list[CandidateSpec], seed: int,
           limits: Limits, fixed: list[Assignment]) -> Arrangement:
    # Sorting makes the result independent of the order the caller happened to read its rows in.
    session_list = sorted(sessions, key=lambda s: (s.start, s.end, s.id))
    room_list = sorted(rooms, key=lambda r: (r.site_id, r.id))
    fixed_list = sorted(fixed, key=lambda a: (a.session_id, a.room_id, a.place or 0, a.application_id))
    slot_of = room_slots(session_list)
    check_input(session_list, room_list, candidate_list, limits, fixed_list, slot_of)

    capped = limits.site_slot_candidate_cap is not None or limits.site_slot_person_cap is not None
    cliques_of = session_cliques(session_list) if capped else {}
    ledger = Ledger(rooms={r.id: r for r in room_list}, limits=limits, slot_of=slot_of, cliques_of=cliques_of,
                    seed=seed)
    ledger.hold(fixed_list)

    pools = _pools(session_list, room_list, candidate_list, fixed_list, slot_of, cliques_of)
    assignments: list[Assignment] = []
    short: dict[int, int] = {}
    cap_bound: set[int] = set()
    for slot_pools in pools:
        # The pool with the fewest places goes first: it has the least choice.
        slot_pools.sort(key=lambda pool: (_free_places(ledger, pool), pool.sessions[0].start, pool.sessions[0].id))
        for pool in slot_pools:
            left = _fill(ledger, pool, assignments)
            if not left:
                continue
            # Places left in the rooms while candidates are not: a site cap stopped them, not the rooms.
            rooms_free = any(ledger.free_places(room_id, pool.slot) > 0 for room_id in pool.room_ids)
            for session, application_ids in left:
                if application_ids:
                    short[session.id] = short.get(session.id, 0) + len(application_ids)
                    if rooms_free:
                        cap_bound.add(session.id)

    stats = {"placed": len(assignments), "rooms_used": ledger.rooms_used(), "slots": len(pools),
             "held": len(fixed_list)}
    if short:
        by_id = {s.id: s for s in session_list}
        shortages = tuple(_shortage(by_id[session_id], missing, session_id in cap_bound)
                          for session_id, missing in sorted(short.items(), key=lambda kv: (by_id[kv[0]].start, kv[0])))
        stats.update(placed=0, rooms_used=0)
        return Arrangement(seed=seed, assignments=(), shortages=shortages, stats=stats)
    return Arrangement(seed=seed, assignments=tuple(assignments), stats=stats)


def _pools(
    sessions: list[SessionSpec], rooms: list[RoomSpec], candidates: list[CandidateSpec],
    fixed: list[Assignment], slot_of: dict[int, int], cliques_of: dict[int, tuple[int, ...]],
) -> list[list[Pool]]:
    """Group the candidates per session and item/level, and the sessions into pools, slot by slot."""
    held = {(a.application_id, a.session_id) for a in fixed}
    # One sort by institution and application puts every group's list in order as it is built.
    ordered = sorted(candidates, key=attrgetter("institution_id", "application_id"))
    members: defaultdict[tuple[int, str, int], list[int]] = defaultdict(list)
    for candidate in ordered:
        application_id, item_key, level = candidate.application_id, candidate.item_key, candidate.level or 0
        for session_id in candidate.session_ids:
            if held and (application_id, session_id) in held:
                continue
            members[(session_id, item_key, level)].append(application_id)
    groups_of: dict[int, list[tuple[str, int, list[int]]]] = {}
    for (session_id, item_key, level), application_ids in members.items():
        groups_of.setdefault(session_id, []).append((item_key, level, application_ids))

    kind_lists: dict[str, list[int]] = {}
    for room in rooms:
        kind_lists.setdefault(room.kind, []).append(room.id)
    rooms_of_kind = {kind: tuple(ids) for kind, ids in kind_lists.items()}
    order = {r.id: n for n, r in enumerate(rooms)}

    by_slot: dict[int, dict[tuple, Pool]] = {}
    for session in sessions:
        if session.id not in groups_of:
            continue
        if session.room_ids is None:
            room_ids = rooms_of_kind.get(session.needs, ())
            rooms_key: tuple = ("every", session.needs)  # hashing thousands of room ids per session is slow
        else:
            room_ids = rooms_key = tuple(sorted(set(session.room_ids), key=order.__getitem__))
        slot = slot_of[session.id]
        cliques = cliques_of.get(session.id, ())
        pools = by_slot.setdefault(slot, {})
        pool = pools.get((rooms_key, cliques))
        if pool is None:
            pool = pools[(rooms_key, cliques)] = Pool(slot, room_ids, cliques)
        pool.sessions.append(session)
        for item_key, level, application_ids in groups_of[session.id]:
            pool.groups.append((session, item_key, level, application_ids))
    result = []
    for slot in sorted(by_slot):
        for pool in by_slot[slot].values():
            # Largest group first (first-fit decreasing packs tightest); ties in a fixed order.
            pool.groups.sort(key=lambda g: (-len(g[3]), g[0].start, g[0].id, g[1], g[2]))
        result.append(list(by_slot[slot].values()))
    return result


def _free_places(ledger: Ledger, pool: Pool) -> int:
    free_places, slot = ledger.free_places, pool.slot
    return sum(free_places(room_id, slot) for room_id in pool.room_ids)


def _fill(ledger: Ledger, pool: Pool, out: list[Assignment]) -> list[tuple[SessionSpec, list[int]]]:
    """Best fit: a group goes whole into the room with the fewest places that still holds it; a group too
    big for any room fills the roomiest one and the rest goes on the same way. Rooms sit in buckets by how
    many candidates of this pool they can take. That only shrinks while the pool is filled (a site's staff
    are counted together with its first candidate), so a stale bucket is corrected when it is looked at, and
    a room dropped at zero never comes back: nothing is left while any room could still take a candidate."""
    cliques = pool.cliques
    effective = ledger.effective
    room_slots = [ledger.room_slot(room_id, pool.slot) for room_id in pool.room_ids]
    values = [effective(rs, cliques) for rs in room_slots]
    top = max(values, default=0)
    buckets: list[list[RoomSlot]] = [[] for _ in range(top + 1)]
    for rs, value in zip(reversed(room_slots), reversed(values), strict=True):  # pop() takes rooms in order
        if value > 0:
            buckets[value].append(rs)

    def take(need: int) -> tuple[RoomSlot | None, int]:
        for size in range(need, top + 1):
            bucket = buckets[size]
            while bucket:
                rs = bucket.pop()
                value = effective(rs, cliques)
                if value >= need:
                    return rs, value
                if value > 0:
                    buckets[value].append(rs)  # value < need <= size: a lower bucket
        for size in range(min(need - 1, top), 0, -1):
            bucket = buckets[size]
            while bucket:
                rs = bucket.pop()
                value = effective(rs, cliques)
                if value >= size:
                    return rs, value
                if value > 0:
                    buckets[value].append(rs)
        return None, 0

    left: list[tuple[SessionSpec, list[int]]] = []
    for session, _item, _level, application_ids in pool.groups:
        done = 0
        total = len(application_ids)
        while done < total:
            rs, value = take(total - done)
            if rs is None:
                break
            count = min(total - done, value)
            out.extend(ledger.place(rs, session.id, cliques, application_ids[done:done + count]))
            done += count
            value = effective(rs, cliques)
            if value > 0:
                buckets[min(value, top)].append(rs)
        if done < total:
            left.append((session, application_ids[done:]))
    return left


def _shortage(session: SessionSpec, missing: int, cap_bound: bool) -> Shortage:
    kind = session.needs
    unit = "座位" if kind in DESK_ROOM_KINDS else "工位"
    message = f"{session.title} {ROOM_LABELS.get(kind, kind)} 缺少 {missing} 个{unit}"
    if cap_bound:
        message += "（考场尚有空位，但已达同一考点同一时段人数上限，R-SC21-2）"
        return Shortage(session.id, kind, missing, "R-SC21-2", message)
    return Shortage(session.id, kind, missing, "R-CQ-6", message)
