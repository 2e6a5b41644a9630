"""Time slots (时段) from session times.

Two views of "the same time", both on half-open [start, end) intervals:

- room slots: sessions of one room kind that overlap, directly or through a chain, form one slot and
  share the places of their rooms. (Chaining is conservative: 09:00-10:30 and 10:45-12:00 do not share a
  slot, but both do if a 09:00-12:00 session of the same room kind runs too. Places are never given twice.)
- cliques for the site caps (R-SC21-2): the maximal sets of sessions running at one instant. A cap holds at
  every instant exactly when it holds for every clique, so a session is checked against each clique it is in.
"""

from kaowu.arrangement.solver.model import SessionSpec


def room_slots(sessions: list[SessionSpec]) -> dict[int, int]:
    """Session id -> slot number; slot numbers increase with time and differ between room kinds."""
    slot_of: dict[int, int] = {}
    by_kind: dict[str, list[SessionSpec]] = {}
    for session in sessions:
        by_kind.setdefault(session.needs, []).append(session)
    chains: list[tuple[object, str, list[int]]] = []
    for kind, group in by_kind.items():
        group.sort(key=lambda s: (s.start, s.end, s.id))
        current: list[int] = []
        current_end = None
        current_start = None
        for session in group:
            if current and session.start < current_end:
                current.append(session.id)
                current_end = max(current_end, session.end)
            else:
                if current:
                    chains.append((current_start, kind, current))
                current, current_start, current_end = [session.id], session.start, session.end
        if current:
            chains.append((current_start, kind, current))
    chains.sort(key=lambda chain: (chain[0], chain[1], chain[2][0]))
    for number, (_start, _kind, ids) in enumerate(chains):
        for session_id in ids:
            slot_of[session_id] = number
    return slot_of


def session_cliques(sessions: list[SessionSpec]) -> dict[int, tuple[int, ...]]:
    """Session id -> the numbers of the maximal cliques (sets running at one instant) it belongs to."""
    # Ends sort before starts at the same instant: [09:00, 10:00) and [10:00, 11:00) do not overlap.
    events = sorted(
        [(s.start, 1, s.id) for s in sessions] + [(s.end, 0, s.id) for s in sessions]
    )
    active: set[int] = set()
    cliques_of: dict[int, list[int]] = {s.id: [] for s in sessions}
    number = 0
    grew = False
    for _when, is_start, session_id in events:
        if is_start:
            active.add(session_id)
            grew = True
        else:
            if grew:  # the set just before the first end after some starts is a maximal clique
                for member in active:
                    cliques_of[member].append(number)
                number += 1
                grew = False
            active.discard(session_id)
    return {session_id: tuple(numbers) for session_id, numbers in cliques_of.items()}
