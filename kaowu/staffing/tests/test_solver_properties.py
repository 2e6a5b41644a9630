"""Properties on random small instances (hypothesis), against a brute force over every dispatch:

- the solver never returns a dispatch `dispatch_violations` objects to;
- it says "infeasible" exactly when no valid dispatch exists;
- otherwise its objective is the least one, its bound equals it, and it counts what dispatch_objective counts.
"""

import random
from datetime import timedelta
from itertools import combinations, product

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaowu.staffing.solver import Placement, Weights, dispatch_objective, dispatch_solve, dispatch_violations, part
from kaowu.staffing.tests.factories import DAY, card, person, post

REGIONS = ("510104", "510105", "510704", "440104")


@st.composite
def instances(draw):
    posts = []
    for n in range(draw(st.integers(1, 3))):
        role = draw(st.sampled_from(["assessor", "assessor", "invigilator", "supervisor"]))
        start = draw(st.sampled_from([8, 9, 10, 14]))
        day = DAY + timedelta(days=draw(st.sampled_from([0, 0, 1])))
        posts.append(post(f"p{n}", role, draw(st.integers(1, 2)), plan=draw(st.sampled_from([1, 2])),
                          institution=draw(st.sampled_from([10, 11])), day=day, start=start,
                          end=start + draw(st.sampled_from([1, 2, 7])),
                          leader=role == "assessor" and draw(st.booleans()),
                          level=draw(st.sampled_from([3, 4, None])), region=draw(st.sampled_from(REGIONS)),
                          candidates=draw(st.sets(st.integers(500, 509), max_size=2)),
                          conflicts=draw(st.sets(st.sampled_from(["org:10", "org:11"]), max_size=1)),
                          orgs=draw(st.sampled_from([None, None, None, {100}]))))
    staff = []
    for n in range(1, draw(st.integers(2, 6)) + 1):
        roles = draw(st.sets(st.sampled_from(["assessor", "assessor", "invigilator", "supervisor"]), min_size=1,
                             max_size=2))
        cards = [card(level=draw(st.sampled_from([3, 2, 3, 4])), valid=DAY + timedelta(days=draw(st.integers(-1, 5))))
                 for _ in range(draw(st.sampled_from([1, 1, 1, 0])))]
        staff.append(person(n, tuple(sorted(roles)), org=draw(st.sampled_from([100, 101])), cards=cards,
                            region=draw(st.sampled_from(REGIONS)),
                            employers=draw(st.sets(st.sampled_from(["org:10", "org:11", "org:12"]), max_size=1)),
                            unavailable=draw(st.sets(st.sampled_from([DAY, DAY + timedelta(days=1)]), max_size=1))
                            if draw(st.booleans()) else (),
                            trained=draw(st.sets(st.integers(500, 509), max_size=1)),
                            related=draw(st.sets(st.integers(500, 509), max_size=1)),
                            recent=draw(st.sets(st.sampled_from([10, 11]), max_size=1)),
                            max_posts=draw(st.sampled_from([None, None, 1, 2]))))
    weights = Weights(load_step=draw(st.sampled_from([0, 3, 7])), repeat_institution=draw(st.sampled_from([0, 8])))
    return posts, staff, weights


def brute_force(posts, staff, weights):
    """The least objective over every dispatch `dispatch_violations` accepts, or None."""
    ids = [s.id for s in staff]
    best = None
    for choice in product(*(combinations(ids, p.count) for p in posts)):
        placements = [Placement(p.id, s, p.leader and n == 0) for p, people in zip(posts, choice, strict=True)
                      for n, s in enumerate(people)]
        if dispatch_violations(posts, staff, placements):
            continue
        value = dispatch_objective(posts, staff, placements, weights)
        best = value if best is None else min(best, value)
    return best


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_solver_matches_brute_force(instance):
    posts, staff, weights = instance
    result = dispatch_solve(posts, staff, weights=weights, time_limit=20, workers=1)
    best = brute_force(posts, staff, weights)
    if best is None:
        assert result.status == "infeasible" and result.placements == () and result.shortages
        return
    assert result.status == "optimal", result.shortages
    assert dispatch_violations(posts, staff, result.placements) == []
    assert result.objective == best == dispatch_objective(posts, staff, result.placements, weights)
    assert result.bound == best and result.gap == 0.0


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(instances())
def test_restricted_models_keep_the_optimum(monkeypatch, instance):
    """Every part goes through the LP and reduced-cost restriction (as the big ones do), starting from a
    threshold of 0: the widening must still end at the brute-force optimum."""
    monkeypatch.setattr(part, "RESTRICT_PAIRS", 0)
    monkeypatch.setattr(part, "FIRST_THRESHOLD", 0.0)
    posts, staff, weights = instance
    result = dispatch_solve(posts, staff, weights=weights, time_limit=20, workers=1)
    best = brute_force(posts, staff, weights)
    if best is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal" and result.objective == best and result.bound == best
    assert dispatch_violations(posts, staff, result.placements) == []


def _overlapping_instance(seed: int):
    """Assessor posts, some long enough to overlap a morning and an afternoon post: their LP relaxation is
    sometimes fractional, which is what makes the restricted model widen."""
    rng = random.Random(seed)
    posts = []
    for n in range(rng.randint(4, 9)):
        start = rng.choice([8, 9, 10, 14])
        posts.append(post(f"p{n}", "assessor", rng.randint(1, 2), start=start, end=start + rng.choice([1, 2, 7]),
                          region=rng.choice(REGIONS), level=None, institution=rng.choice([10, 11])))
    staff = [person(n, region=rng.choice(REGIONS), recent={rng.choice([10, 11])} if rng.random() < 0.3 else (),
                    max_posts=rng.choice([None, None, 1, 2])) for n in range(1, rng.randint(4, 9))]
    return posts, staff


def test_widening_the_restricted_model_reaches_the_unrestricted_optimum(monkeypatch):
    widened = 0
    for seed in (15, 64, 74, 1, 2, 3):
        posts, staff = _overlapping_instance(seed)
        whole = dispatch_solve(posts, staff, time_limit=10, workers=1)
        monkeypatch.setattr(part, "RESTRICT_PAIRS", 0)
        monkeypatch.setattr(part, "FIRST_THRESHOLD", 0.0)
        restricted = dispatch_solve(posts, staff, time_limit=10, workers=1)
        monkeypatch.undo()
        assert (restricted.status, restricted.objective) == (whole.status, whole.objective)
        if restricted.ok:
            assert restricted.bound == restricted.objective
            widened += any(len(detail["rounds"]) > 1 for detail in restricted.stats["parts_detail"])
    assert widened  # the case this test is about did occur


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(instances())
def test_without_time_for_the_lp_the_cheapest_pairs_still_give_a_valid_dispatch(monkeypatch, instance):
    """A part too big for the LP in the time given is modelled on each post's cheapest pairs: the result is
    valid, but nothing is claimed about optimality beyond what the bound shows."""
    monkeypatch.setattr(part, "RESTRICT_PAIRS", 0)
    monkeypatch.setattr(part, "LP_SECONDS_PER_PAIR", 1e9)
    monkeypatch.setattr(part, "CHEAPEST_PER_PLACE", 1)
    monkeypatch.setattr(part, "CHEAPEST_EXTRA", 0)
    posts, staff, weights = instance
    result = dispatch_solve(posts, staff, weights=weights, time_limit=20, workers=1)
    best = brute_force(posts, staff, weights)
    if best is None:
        assert result.status == "infeasible"
        return
    assert result.ok and dispatch_violations(posts, staff, result.placements) == []
    assert result.bound <= best <= result.objective
