"""The `dispatch` scenario and its generated province, at a small scale (no database)."""

from collections import Counter

import pytest

from bench.runner import SCENARIOS
from bench.scenarios import Options, dispatch
from bench.scenarios.dispatch_world import DAYS, build_world, shuffled
from kaowu.staffing.solver import Placement, dispatch_objective, dispatch_solve, dispatch_violations

SMALL = 0.05


@pytest.fixture(scope="module")
def world():
    return build_world(scale=SMALL)


@pytest.fixture(scope="module")
def solved(world):
    return dispatch_solve(world.posts, world.staff, site_caps=world.site_caps, time_limit=60)


def test_the_province_is_the_same_for_the_same_seed_and_differs_for_another():
    first, again, other = build_world(scale=SMALL), build_world(scale=SMALL), build_world(seed=7, scale=SMALL)
    assert first.posts == again.posts and first.staff == again.staff and first.site_caps == again.site_caps
    assert first.posts != other.posts


def test_the_province_is_feasible_by_construction(world):
    assert dispatch_violations(world.posts, world.staff, world.planted, site_caps=world.site_caps) == []
    assert len({placement.post_id for placement in world.planted}) == len(world.posts)


def test_the_province_has_the_mix_the_rules_are_about(world):
    roles = Counter(post.role for post in world.posts)
    assert set(roles) == {"assessor", "invigilator", "supervisor", "chief"}
    practical = [post for post in world.posts if post.role == "assessor"]
    assert all(post.leader and post.count >= 3 for post in practical)
    assert all(post.count == 2 and post.staff_organisation_ids == {post.institution_id}
               for post in world.posts if post.role == "invigilator")
    assert len({post.item_key for post in practical}) >= 8 and {post.day for post in world.posts} == set(DAYS)
    staff = world.staff
    assert any(card.valid_until < DAYS[0] for person in staff for card in person.cards)  # expired cards
    assert any(person.unavailable for person in staff) and any(person.trained_candidate_ids for person in staff)
    assert any(person.related_candidate_ids for person in staff) and any(person.employer_keys for person in staff)
    assert any(person.recent_institution_ids for person in staff) and any(len(person.roles) > 1 for person in staff)
    caps_used = max(cap.candidates + sum(next(p.count for p in world.posts if p.id == pid) for pid in cap.post_ids)
                    for cap in world.site_caps)
    assert caps_used <= 50


def test_the_solver_dispatches_it_optimally_and_beats_the_planted_dispatch(world, solved):
    assert solved.status == "optimal" and solved.gap == 0.0
    assert dispatch_violations(world.posts, world.staff, solved.placements, site_caps=world.site_caps) == []
    assert solved.objective == dispatch_objective(world.posts, world.staff, solved.placements)
    assert solved.objective <= dispatch_objective(world.posts, world.staff, world.planted)


def test_the_same_province_in_another_row_order_gets_the_same_objective(world, solved):
    mixed = shuffled(world, seed=3)
    again = dispatch_solve(mixed.posts, mixed.staff, site_caps=mixed.site_caps, time_limit=60)
    assert again.status == "optimal" and again.objective == solved.objective


def test_a_declined_place_is_refilled_and_everything_else_stays(world, solved):
    declined = next(p for p in solved.placements if p.leader)
    others = [p for p in solved.placements if p != declined]
    again = dispatch_solve(world.posts, world.staff, site_caps=world.site_caps, fixed=others,
                           forbidden={(declined.post_id, declined.staff_id)}, time_limit=60)
    assert again.ok
    assert set(others) <= set(again.placements) and declined not in again.placements
    (new,) = set(again.placements) - set(others)
    assert new.post_id == declined.post_id and new.staff_id != declined.staff_id
    assert new.leader  # the leader declined: the newcomer leads the group
    assert dispatch_violations(world.posts, world.staff, again.placements, site_caps=world.site_caps) == []
    assert Placement(declined.post_id, declined.staff_id, True) not in again.placements


def test_the_scenario_is_registered_and_reports_its_metrics(monkeypatch):
    assert SCENARIOS["dispatch"] is dispatch.run
    monkeypatch.setenv("KAOWU_BENCH_DISPATCH_SCALE", str(SMALL))
    monkeypatch.setenv("KAOWU_BENCH_DISPATCH_TIME_LIMIT", "60")
    metrics = dispatch.run(Options())
    checker_missing = "checker_error" in metrics
    assert metrics["errors"] == (1 if checker_missing else 0)
    assert metrics["violations"] == (-1 if checker_missing else 0) and metrics["own_violations"] == 0
    assert metrics["status"] == "optimal" and metrics["gap"] == 0.0 and metrics["ratio"] == 1.0
    assert metrics["objective"] == metrics["bound"] < metrics["planted_objective"]
    assert metrics["posts"] > metrics["room_posts"] > 100 and metrics["staff"] == 400
    assert metrics["pairs"] >= metrics["modelled_pairs"] > 0 and metrics["variables"] > 0


def test_a_bad_scale_is_refused(monkeypatch):
    monkeypatch.setenv("KAOWU_BENCH_DISPATCH_SCALE", "lots")
    with pytest.raises(dispatch.BenchError):
        dispatch.run(Options())
