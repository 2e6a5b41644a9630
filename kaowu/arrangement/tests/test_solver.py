"""The pure seat-arrangement solver: each rule on a small case (properties in test_solver_properties.py)."""

import random
from collections import Counter, defaultdict
from datetime import timedelta

import pytest

from kaowu.arrangement.solver import (
    ArrangementInputError,
    Assignment,
    CandidateSpec,
    RoomSpec,
)
from kaowu.arrangement.tests.factories import T0, people, practical_room, session, solve, theory_room

# -- capacity (R-CQ-6) ----------------------------------------------------------------------------------------

def test_r_cq_6_a_theory_room_takes_no_more_than_the_profile_maximum_even_with_more_desks():
    result = solve([session(1)], [theory_room(1, capacity=40), theory_room(2, capacity=40)], people(55, 1),
                   theory_room_max=30)
    assert result.ok
    counts = Counter(a.room_id for a in result.assignments)
    assert max(counts.values()) <= 30 and sum(counts.values()) == 55
    assert all(1 <= a.seat <= 30 and a.station is None for a in result.assignments)


def test_r_cq_6_a_theory_room_seats_one_candidate_per_desk_when_it_has_fewer_desks_than_the_maximum():
    result = solve([session(1)], [theory_room(1, capacity=12), theory_room(2, capacity=30)], people(40, 1))
    assert result.ok and len({(a.room_id, a.seat) for a in result.assignments}) == 40
    assert Counter(a.room_id for a in result.assignments)[1] <= 12
    assert all(a.seat <= 12 for a in result.assignments if a.room_id == 1)


def test_practical_candidates_get_the_rooms_stations_one_each():
    rooms = [practical_room(1, stations=(3, 5, 8, 13)), practical_room(2, stations=2)]
    result = solve([session(1, kind="practical")], rooms, people(6, 1))
    assert result.ok
    got = sorted((a.room_id, a.station) for a in result.assignments)
    assert got == [(1, 3), (1, 5), (1, 8), (1, 13), (2, 1), (2, 2)]
    assert all(a.seat is None for a in result.assignments)


def test_a_computer_based_theory_paper_goes_to_computer_rooms_only():
    rooms = [theory_room(1), RoomSpec(2, 1, "computer", 25)]
    result = solve([session(1, room_kind="computer")], rooms, people(20, 1))
    assert {a.room_id for a in result.assignments} == {2}


def test_a_session_uses_only_the_rooms_it_lists():
    rooms = [theory_room(1, site=1), theory_room(2, site=2), theory_room(3, site=2)]
    result = solve([session(1, room_ids=(2, 3))], rooms, people(50, 1))
    assert result.ok and {a.room_id for a in result.assignments} == {2, 3}


# -- shortage -------------------------------------------------------------------------------------------------

def test_too_few_rooms_places_nobody_and_says_how_many_seats_are_missing():
    result = solve([session(1)], [theory_room(1), theory_room(2)], people(97, 1))
    assert not result.ok and result.assignments == ()
    [shortage] = result.shortages
    assert (shortage.session_id, shortage.room_kind, shortage.missing, shortage.rule_id) == (1, "theory", 37, "R-CQ-6")
    assert shortage.message == "2026-12-05 09:00 理论知识 理论考场 缺少 37 个座位"


def test_shortage_is_reported_per_session_and_counts_stations_for_practical_rooms():
    sessions = [session(1), session(2, start=T0 + timedelta(hours=5), minutes=180, kind="practical",
                                       label="电工 四级 操作技能")]
    result = solve(sessions, [theory_room(1), practical_room(2, stations=10)], people(25, 1, 2))
    assert result.assignments == ()
    assert [(s.session_id, s.missing) for s in result.shortages] == [(2, 15)]
    assert result.shortages[0].message == "2026-12-05 14:00 电工 四级 操作技能 实操考场 缺少 15 个工位"


def test_with_no_room_of_the_kind_every_candidate_is_missing():
    result = solve([session(1, kind="practical")], [theory_room(1)], people(4, 1))
    assert [(s.room_kind, s.missing) for s in result.shortages] == [("practical", 4)]


# -- site caps (R-SC21-2) -------------------------------------------------------------------------------------

def test_r_sc21_2_a_site_takes_at_most_the_cap_across_sessions_running_at_the_same_time():
    sessions = [session(1), session(2, minutes=180, kind="practical")]
    rooms = [theory_room(1, site=1), theory_room(2, site=1), practical_room(3, site=1),
             theory_room(4, site=2), theory_room(5, site=2), practical_room(6, site=2)]
    candidates = people(50, 1) + people(30, 2, first=100, item="4-07-02-01")
    result = solve(sessions, rooms, candidates, site_slot_candidate_cap=40)
    assert result.ok
    site_of = {r.id: r.site_id for r in rooms}
    assert Counter(site_of[a.room_id] for a in result.assignments) == {1: 40, 2: 40}


def test_r_sc21_2_sessions_at_different_times_do_not_count_together():
    sessions = [session(1), session(2, start=T0 + timedelta(minutes=90))]  # back to back: 10:30 ends, 10:30 starts
    result = solve(sessions, [theory_room(1), theory_room(2)], people(40, 1) + people(40, 2, first=100),
                   site_slot_candidate_cap=40)
    assert result.ok and len(result.assignments) == 80


def test_r_sc21_2_a_full_site_is_reported_as_the_cap_not_as_missing_rooms():
    result = solve([session(1)], [theory_room(1), theory_room(2)], people(50, 1), site_slot_candidate_cap=40)
    [shortage] = result.shortages
    assert (shortage.missing, shortage.rule_id) == (10, "R-SC21-2")
    assert "同一考点同一时段人数上限" in shortage.message and result.assignments == ()


def test_r_sc21_2_the_person_cap_counts_the_staff_of_every_room_in_use_and_of_the_site():
    rooms = [theory_room(1, staff=2), theory_room(2, staff=2)]
    # 50 persons - 1 at the site - 2 + 2 in two rooms leaves 45 candidates.
    result = solve([session(1)], rooms, people(60, 1), site_slot_person_cap=50, site_staff=1)
    assert [s.missing for s in result.shortages] == [15]
    result = solve([session(1)], rooms, people(45, 1), site_slot_person_cap=50, site_staff=1)
    assert result.ok and len(result.assignments) == 45


def test_r_sc21_2_the_person_cap_prefers_filling_an_open_room_to_opening_another():
    rooms = [theory_room(1, capacity=30, staff=3), theory_room(2, capacity=30, staff=3)]
    result = solve([session(1)], rooms, people(20, 1) + people(20, 1, first=100, item="x"),
                   site_slot_person_cap=50)
    assert result.ok  # 30 + 10 candidates in two rooms and 6 staff = 46


# -- groups kept together -------------------------------------------------------------------------------------

def test_candidates_of_one_item_and_level_share_a_room_when_they_fit_in_one():
    groups = [people(25, 1, first=1000 * n, item=f"item{n}") for n in range(4)]
    result = solve([session(1)], [theory_room(n) for n in range(1, 5)], [c for g in groups for c in g])
    rooms_of = defaultdict(set)
    item_of = {c.application_id: c.item_key for g in groups for c in g}
    for a in result.assignments:
        rooms_of[item_of[a.application_id]].add(a.room_id)
    assert all(len(rooms) == 1 for rooms in rooms_of.values()) and len(rooms_of) == 4


def test_a_group_larger_than_a_room_fills_the_fewest_rooms_and_small_groups_share_one():
    candidates = (people(45, 1, item="big") + people(8, 1, first=100, item="a", level=3)
                  + people(6, 1, first=200, item="a", level=5))
    result = solve([session(1)], [theory_room(n) for n in range(1, 6)], candidates)
    groups = defaultdict(set)
    key_of = {c.application_id: (c.item_key, c.level) for c in candidates}
    for a in result.assignments:
        groups[key_of[a.application_id]].add(a.room_id)
    assert len(groups[("big", 4)]) == 2
    assert len(groups[("a", 3)]) == len(groups[("a", 5)]) == 1
    assert len({a.room_id for a in result.assignments}) == 2  # 45 + 8 + 6 = 59: two rooms of 30 hold them all


def test_a_group_sits_in_one_contiguous_block_of_seats_within_a_room():
    candidates = people(7, 1, item="a") + people(9, 1, first=100, item="b") + people(5, 1, first=200, item="c")
    result = solve([session(1)], [theory_room(1)], candidates)
    item_of = {c.application_id: c.item_key for c in candidates}
    seats = defaultdict(list)
    for a in result.assignments:
        seats[item_of[a.application_id]].append(a.seat)
    for block in seats.values():
        assert max(block) - min(block) + 1 == len(block)


# -- seed and determinism -------------------------------------------------------------------------------------

def test_the_same_seed_gives_the_same_arrangement_and_another_seed_another_seat_order():
    args = ([session(1)], [theory_room(1), theory_room(2)], people(50, 1))
    first, again, other = solve(*args, seed=42), solve(*args, seed=42), solve(*args, seed=43)
    assert first == again
    assert first.seed == 42
    assert sorted(first.assignments) != sorted(other.assignments)
    assert {(a.application_id, a.room_id) for a in first.assignments} == \
        {(a.application_id, a.room_id) for a in other.assignments}  # the seed moves seats, not rooms


def test_the_order_of_the_input_rows_does_not_change_the_arrangement():
    sessions = [session(1), session(2, start=T0 + timedelta(hours=5), kind="practical")]
    rooms = [theory_room(n, site=n % 3) for n in range(1, 6)] + [practical_room(9, site=1)]
    candidates = people(40, 1, 2, item="a") + people(50, 1, first=100, item="b", institution=2)
    shuffled = random.Random(5)
    for _ in range(3):
        shuffled.shuffle(sessions), shuffled.shuffle(rooms), shuffled.shuffle(candidates)
        assert solve(sessions, rooms, candidates) == solve(sorted(sessions, key=lambda s: s.id), rooms,
                                                           sorted(candidates, key=lambda c: c.application_id))


# -- incremental ----------------------------------------------------------------------------------------------

def test_published_places_stay_and_only_new_candidates_are_placed_around_them():
    rooms = [theory_room(1), theory_room(2)]
    before = solve([session(1)], rooms, people(40, 1))
    fixed = list(before.assignments)
    after = solve([session(1)], rooms, people(40, 1) + people(15, 1, first=500), fixed=fixed)
    assert after.ok
    assert {a.application_id for a in after.assignments} == set(range(500, 515))
    taken = {(a.room_id, a.seat) for a in fixed}
    assert not taken & {(a.room_id, a.seat) for a in after.assignments}


def test_published_places_count_when_the_rooms_run_out():
    rooms = [theory_room(1)]
    fixed = [Assignment(n, 1, 1, seat=n) for n in range(1, 26)]
    result = solve([session(1)], rooms, people(25, 1) + people(8, 1, first=100), fixed=fixed)
    assert [s.missing for s in result.shortages] == [3]


# -- input errors ---------------------------------------------------------------------------------------------

def test_a_candidate_in_two_overlapping_sessions_is_an_input_error():
    sessions = [session(1, label="电工 四级 理论知识"), session(2, start=T0 + timedelta(minutes=60), kind="practical")]
    with pytest.raises(ArrangementInputError) as raised:
        solve(sessions, [theory_room(1), practical_room(2)], [CandidateSpec(77, "x", 4, 1, (1, 2))])
    assert "报名编号 77" in str(raised.value) and "时间重叠" in str(raised.value)
    assert "电工 四级 理论知识" in raised.value.errors[0]


def test_an_unknown_session_and_a_published_seat_outside_the_room_are_input_errors():
    fixed = [Assignment(1, 1, 1, seat=31)]
    with pytest.raises(ArrangementInputError) as raised:
        solve([session(1)], [theory_room(1, capacity=40)], [CandidateSpec(1, "x", 4, 1, (1,)),
                                                            CandidateSpec(2, "x", 4, 1, (9,))], fixed=fixed)
    assert len(raised.value.errors) == 2
    assert "重新编排" in str(raised.value) and "不存在" in str(raised.value)


def test_two_published_tickets_on_one_seat_are_an_input_error():
    fixed = [Assignment(1, 1, 1, seat=3), Assignment(2, 1, 1, seat=3)]
    with pytest.raises(ArrangementInputError, match="同一位置"):
        solve([session(1)], [theory_room(1)], people(2, 1), fixed=fixed)


def test_overlapping_sessions_share_a_rooms_desks_and_later_sessions_reuse_them():
    sessions = [session(1), session(2, minutes=120), session(3, start=T0 + timedelta(hours=5))]
    candidates = people(20, 1, item="a") + people(10, 2, first=100, item="b") + people(30, 3, first=200)
    result = solve(sessions, [theory_room(1)], candidates)
    assert result.ok
    morning = [a.seat for a in result.assignments if a.session_id in (1, 2)]
    assert sorted(morning) == list(range(1, 31))
    assert sorted(a.seat for a in result.assignments if a.session_id == 3) == list(range(1, 31))


def test_nothing_to_arrange_is_a_success_with_no_places():
    result = solve([session(1)], [theory_room(1)], [])
    assert result.ok and result.assignments == ()
