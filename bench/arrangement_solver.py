"""Time the solver on a synthetic province (not a test; the benchmark `arrange` measures the whole run).

    .venv/bin/python -m bench.arrangement_solver [candidates]

The layout follows `kaowu demo`: each site has two theory rooms and a computer room of 30 desks and a
practical room of 20 stations, so 1,000 sites give 4,000 rooms. Three layouts:

- pooled: province-wide sessions per item and level (统考), any room of the kind;
- per institution: each institution's sessions use its own site's rooms (Session.rooms);
- capped: pooled, with the 四川 2021 caps (40 candidates, 50 persons per site and slot, 2 staff a room).
"""

import random
import sys
import time
from datetime import datetime, timedelta

from kaowu.arrangement.solver import CandidateSpec, Limits, RoomSpec, SessionSpec, arrangement_solve

DAY = datetime(2026, 12, 5)
THEORY_SLOTS = [DAY + timedelta(days=d, hours=h) for d in (0, 1) for h in (9, 14)]
PRACTICAL_SLOTS = [DAY + timedelta(days=2, hours=h) for h in (8, 13)]


def synthetic_rooms(sites: int, staff: int = 0) -> list[RoomSpec]:
    rooms = []
    for site in range(1, sites + 1):
        base = site * 10
        rooms += [
            RoomSpec(base + 1, site, "theory", 30, name=f"{site}-理论1", staff=staff),
            RoomSpec(base + 2, site, "theory", 30, name=f"{site}-理论2", staff=staff),
            RoomSpec(base + 3, site, "computer", 30, name=f"{site}-机考1", staff=staff),
            RoomSpec(base + 4, site, "practical", 20, stations=20, name=f"{site}-实操1", staff=staff),
        ]
    return rooms


def _items(rng: random.Random, count: int) -> list[tuple[str, int]]:
    return [(f"6-{n // 5:02d}-0{n % 7}-00", 1 + n % 5) for n in rng.sample(range(10 * count), count)]


def pooled_province(count: int, sites: int, seed: int = 1) -> tuple[list, list, list]:
    """Province-wide sessions per item and level; each candidate sits theory, a third also practical."""
    rng = random.Random(seed)
    items = _items(rng, 200)
    sessions, theory_of, practical_of = [], {}, {}
    for n, item in enumerate(items):
        start = THEORY_SLOTS[n % len(THEORY_SLOTS)]
        cbt = n % 10 == 0
        sessions.append(SessionSpec(2 * n + 1, start, start + timedelta(minutes=90), "theory",
                                    label=f"{item[0]} {item[1]}级 理论知识", room_kind="computer" if cbt else None))
        theory_of[item] = 2 * n + 1
        start = PRACTICAL_SLOTS[n % len(PRACTICAL_SLOTS)]
        sessions.append(SessionSpec(2 * n + 2, start, start + timedelta(hours=3), "practical"))
        practical_of[item] = 2 * n + 2
    candidates = []
    for application in range(1, count + 1):
        item = items[min(int(rng.expovariate(1 / 40)), len(items) - 1)]
        ids = (theory_of[item], practical_of[item]) if application % 3 == 0 else (theory_of[item],)
        candidates.append(CandidateSpec(application, item[0], item[1], rng.randrange(1, sites + 1), ids))
    return sessions, synthetic_rooms(sites), candidates


def institution_plans(count: int, sites: int, seed: int = 1) -> tuple[list, list, list]:
    """Each institution (one site) examines a few items of its own, in its own rooms."""
    rng = random.Random(seed)
    rooms = synthetic_rooms(sites)
    items = _items(rng, 200)
    sessions, candidates, per_site = [], [], count // sites
    application = 0
    for site in range(1, sites + 1):
        theory, practical = (site * 10 + 1, site * 10 + 2), (site * 10 + 4,)
        chosen = rng.sample(items, 4)
        for n, item in enumerate(chosen):
            session_id = site * 100 + n * 2
            start = THEORY_SLOTS[n]
            sessions.append(SessionSpec(session_id, start, start + timedelta(minutes=90), "theory", room_ids=theory))
            start = PRACTICAL_SLOTS[n % 2] + timedelta(days=n // 2)
            sessions.append(SessionSpec(session_id + 1, start, start + timedelta(hours=3), "practical",
                                        room_ids=practical))
            for _ in range(per_site // len(chosen)):
                application += 1
                ids = (session_id, session_id + 1) if application % 3 == 0 else (session_id,)
                candidates.append(CandidateSpec(application, item[0], item[1], site, ids))
    return sessions, rooms, candidates


def time_solver(count: int = 100_000, sites: int = 1000) -> list[tuple[str, float, float, int, int]]:
    """(layout, wall seconds, CPU seconds, assignments, shortages) for each layout; best of three runs."""
    rows = []
    layouts = [
        ("pooled", pooled_province, Limits(theory_room_max=30), 0),
        ("per institution", institution_plans, Limits(theory_room_max=30), 0),
        ("capped", pooled_province, Limits(theory_room_max=30, site_slot_candidate_cap=40, site_slot_person_cap=50), 2),
    ]
    for name, build, limits, staff in layouts:
        sessions, rooms, candidates = build(count, sites)
        if staff:
            rooms = synthetic_rooms(sites, staff=staff)
        wall = cpu = float("inf")
        for _ in range(3):
            began, began_cpu = time.perf_counter(), time.process_time()
            result = arrangement_solve(sessions=sessions, rooms=rooms, candidates=candidates, seed=7, limits=limits)
            wall = min(wall, time.perf_counter() - began)
            cpu = min(cpu, time.process_time() - began_cpu)
        rows.append((name, wall, cpu, len(result.assignments), len(result.shortages)))
    return rows


if __name__ == "__main__":
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    for name, wall, cpu, placed, short in time_solver(total):
        print(f"{name:16} {wall:6.3f} s wall {cpu:6.3f} s CPU  {placed:7d} places  {short} sessions short")
