"""Small builders for solver inputs, shared by the solver tests."""

from datetime import datetime, timedelta

from kaowu.arrangement.solver import CandidateSpec, Limits, RoomSpec, SessionSpec, arrangement_solve

T0 = datetime(2026, 12, 5, 9, 0)


def session(id, start=T0, minutes=90, kind="theory", **kw):
    return SessionSpec(id, start, start + timedelta(minutes=minutes), kind, **kw)


def theory_room(id, site=1, capacity=30, **kw):
    return RoomSpec(id, site, "theory", capacity, **kw)


def practical_room(id, site=1, stations=20, **kw):
    return RoomSpec(id, site, "practical", kw.pop("capacity", 0), stations=stations, **kw)


def people(count, *session_ids, first=1, item="6-31-01-03", level=4, institution=1):
    return [CandidateSpec(first + n, item, level, institution, tuple(session_ids)) for n in range(count)]


def solve(sessions, rooms, candidates, seed=1, **limits):
    fixed = limits.pop("fixed", ())
    return arrangement_solve(sessions=sessions, rooms=rooms, candidates=candidates, seed=seed,
                             limits=Limits(**limits), fixed=fixed)

