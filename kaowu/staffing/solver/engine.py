"""dispatch_solve: validate, find the candidate pairs, split into independent parts, solve each (LP
relaxation, rounding, CP-SAT on the pairs that can matter: part.py), name the group leaders, check the
result, explain shortages. See README.md beside this file."""

import time
from collections.abc import Callable, Collection, Sequence

from kaowu.staffing.solver.cpsat import PartResult, solve_part
from kaowu.staffing.solver.eligibility import (
    DEFAULT_WEIGHTS,
    best_card_level,
    dispatch_objective,
    load_cost,
    placement_cost,
)
from kaowu.staffing.solver.explain import alone_shortage, cap_shortages, collision_shortage
from kaowu.staffing.solver.greedy import greedy_dispatch
from kaowu.staffing.solver.model import Dispatch, Placement, PostSpec, Shortage, SiteCapSpec, StaffSpec, Weights
from kaowu.staffing.solver.part import ChunkSolver
from kaowu.staffing.solver.prepare import Prepared, components
from kaowu.staffing.solver.validate import check_input, dispatch_violations

# Components smaller than this (in candidate pairs) are solved together in one model, to save CP-SAT's
# start-up cost per model; a bigger component gets a model of its own.
CHUNK_PAIRS = 1_000


def dispatch_solve(posts: Sequence[PostSpec], staff: Sequence[StaffSpec], *, site_caps: Sequence[SiteCapSpec] = (),
                   weights: Weights = DEFAULT_WEIGHTS, fixed: Sequence[Placement] = (),
                   forbidden: Collection[tuple[str, int]] = frozenset(), time_limit: float = 120.0,
                   workers: int = 2, seed: int = 0, progress: Callable[[str], None] | None = None) -> Dispatch:
    """Fill every post with exactly `count` people, keeping every hard rule, at the least weighted cost.

    `fixed` placements stay as given (and are part of the result: `placements` is the whole dispatch);
    `forbidden` (post_id, staff_id) pairs are never used (pairs naming unknown ids are ignored); a pair is
    one the person declined, unless `forbidden` maps it to the rule that keeps them out (R-FJ-8: busy in
    another batch), which a shortage then counts them under. The time
    limit covers the whole call. Raises DispatchInputError for malformed input, including fixed placements
    that break a hard rule. See README.md for the rules, the objective and the status values."""
    began = time.perf_counter()
    deadline = began + time_limit
    say = progress or (lambda _message: None)
    posts, staff, fixed = list(posts), list(staff), list(fixed)
    check_input(posts, staff, site_caps, weights, fixed, forbidden)
    prep = Prepared(posts, staff, weights, fixed, forbidden)
    cand = prep.cand
    pairs = sum(len(people) for people in cand)
    places = sum(need for need in prep.need if need > 0)
    say(f"资格筛选完成：{len(posts)} 个岗位（待补 {places} 人次），{len(staff)} 名人员，{pairs} 个可选安排")
    prepare_s = time.perf_counter() - began

    alone = [p for p in range(len(prep.posts)) if 0 < prep.need[p] and len(cand[p]) < prep.need[p]]
    cap_short = cap_shortages(prep, site_caps)
    explain = bool(alone or cap_short)  # already infeasible: only find which other posts collide

    parts = components(prep, cand)
    chunks = _chunks(parts, cand)
    sizes = [sum(len(cand[p]) + 1 for p in chunk) for chunk in chunks]
    labels = [f"求解第 {n + 1}/{len(chunks)} 部分（{len(chunk)} 个岗位）" for n, chunk in enumerate(chunks)]
    solvers = [ChunkSolver(prep, chunk, workers=workers, seed=seed, progress=progress, label=label)
               for chunk, label in zip(chunks, labels, strict=True)]
    results: list[PartResult | None] = [None] * len(chunks)
    for n, chunk in enumerate(chunks):
        # Smallest first, each its share of the time left by size; time they do not use passes on.
        left = max(0.0, deadline - time.perf_counter())
        share = left * sizes[n] / max(1, sum(sizes[n:]))
        if explain:
            results[n] = _explain(prep, chunk, share, workers, seed, progress, labels[n])
        else:
            results[n] = solvers[n].start(share)
            if results[n].status == "infeasible":
                # Proven: no dispatch fills every post of this part. Find the fewest open places to explain,
                # and from now on only look for shortages (costs no longer matter).
                share = max(1.0, min(share, deadline - time.perf_counter()))
                explained = _explain(prep, chunk, share, workers, seed, progress, labels[n])
                results[n] = PartResult("infeasible", explained.chosen, explained.objective, explained.bound,
                                        explained.short, True, {**explained.stats, "first_pass": results[n].stats})
                explain = True
        say(f"{labels[n]}：{results[n].status}，目标值 {results[n].objective}，下界 {results[n].bound:.0f}")
    # Time left over goes to the parts not yet proven optimal, biggest gap first.
    pending = [n for n, r in enumerate(results) if not explain and r.status in ("feasible", "hint")]
    pending.sort(key=lambda n: results[n].bound - results[n].objective)
    for i, n in enumerate(pending):
        left = deadline - time.perf_counter()
        if left < 1.0:
            break
        results[n] = solvers[n].resume(left / (len(pending) - i))
        say(f"{labels[n]}（续）：{results[n].status}，目标值 {results[n].objective}，下界 {results[n].bound:.0f}")
    results = list(zip(chunks, results, strict=True))

    added: dict[int, list[int]] = {}
    for _chunk, result in results:
        added.update(result.chosen)
    stats = {
        "posts": len(posts), "staff": len(staff), "places": places, "fixed": len(fixed), "pairs": pairs,
        "components": len(parts), "parts": len(chunks),
        "variables": sum(r.stats["variables"] for _, r in results),
        "constraints": sum(r.stats["constraints"] for _, r in results),
        "modelled_pairs": sum(r.stats.get("modelled_pairs", 0) for _, r in results),
        "lp_value": sum(r.stats.get("lp_value") or 0 for _, r in results),
        "prepare_s": round(prepare_s, 3),
        "part_status": [r.status for _, r in results],
        "part_seconds": [r.stats["solve_s"] for _, r in results],
    }
    short = [p for p in range(len(prep.posts)) if prep.need[p] > 0 and len(added.get(p, [])) < prep.need[p]]
    if explain or short:
        return _shortfall(prep, results, added, alone, cap_short, short, explain, began, stats)

    placements = _placements(prep, added)
    violations = dispatch_violations(posts, staff, placements, site_caps=site_caps, forbidden=forbidden)
    if violations:  # a bug, never a result: the model encodes every rule the checker checks
        raise RuntimeError("派遣结果违反规则：" + "；".join(v.message for v in violations[:5]))
    objective = dispatch_objective(posts, staff, placements, weights)
    constant = _fixed_cost(prep)
    modelled = constant + sum(r.objective for _, r in results)
    if modelled != objective:  # the model's costs and the direct sum must agree, or the bound means nothing
        raise RuntimeError(f"目标值不一致：模型 {modelled}，直接计算 {objective}")
    bound = min(float(objective), constant + sum(r.bound for _, r in results))
    gap = (objective - bound) / max(1, abs(objective))
    status = "optimal" if all(r.status == "optimal" for _, r in results) else "feasible"
    stats["parts_detail"] = [{key: r.stats.get(key) for key in ("pairs", "modelled_pairs", "lp_value", "lp_seconds",
                                                                 "rounded_objective", "rounds", "solve_s")}
                             for _, r in results]
    seconds = time.perf_counter() - began
    say(f"派遣完成：{status}，目标值 {objective}，下界 {bound:.0f}，差距 {gap:.2%}，用时 {seconds:.1f} 秒")
    return Dispatch(status, tuple(placements), (), objective, bound, gap, seconds, stats)


def _explain(prep: Prepared, chunk: list[int], time_limit: float, workers: int, seed: int,
             progress: Callable[[str], None] | None, label: str) -> PartResult:
    """The fewest open places for the posts of `chunk` (costs ignored)."""
    hint = greedy_dispatch(prep, prep.cand, prep.cost, chunk)
    return solve_part(prep, chunk, prep.cand, prep.cost, hint, time_limit=time_limit, workers=workers, seed=seed,
                      explain=True, progress=progress, label=label)


def _chunks(parts: list[tuple[list[int], list[int]]], cand: list[list[int]]) -> list[list[int]]:
    """Components, smallest first; small ones merged up to CHUNK_PAIRS candidate pairs."""
    sized = sorted(((sum(len(cand[p]) for p in posts), posts) for posts, _people in parts),
                   key=lambda pair: (pair[0], pair[1][0]))
    chunks: list[list[int]] = []
    current: list[int] = []
    size = 0
    for pairs, posts in sized:
        if current and size + pairs > CHUNK_PAIRS:
            chunks.append(current)
            current, size = [], 0
        current += posts
        size += pairs
    if current:
        chunks.append(current)
    return [sorted(chunk) for chunk in chunks]


def _fixed_cost(prep: Prepared) -> int:
    """The part of the objective the fixed placements carry whatever the solver does."""
    total = sum(placement_cost(prep.posts[prep.post_index[f.post_id]], prep.people[prep.person_index[f.staff_id]],
                               prep.weights) for f in prep.fixed)
    return total + sum(load_cost(len(posts), prep.weights) for posts in prep.fixed_posts_of)


def _placements(prep: Prepared, added: dict[int, list[int]]) -> list[Placement]:
    """The whole dispatch: fixed placements as given, then the solver's, in post order. An assessor group
    without a fixed leader is led by its best-qualified new member (highest card level, then lowest id)."""
    rows: list[tuple[int, Placement]] = [(prep.post_index[f.post_id], f) for f in prep.fixed]
    for p, people in added.items():
        post = prep.posts[p]
        leader = None
        if post.leader and p not in prep.fixed_leader and people:
            leader = min(people, key=lambda s: (best_card_level(post, prep.people[s]), prep.people[s].id))
        rows += [(p, Placement(post.id, prep.people[s].id, s == leader)) for s in people]
    rows.sort(key=lambda row: (row[0], not row[1].leader, row[1].staff_id))
    return [placement for _, placement in rows]


def _shortfall(prep: Prepared, results: list[tuple[list[int], PartResult]], added: dict[int, list[int]],
               alone: list[int], cap_short: list[Shortage], short: list[int], explain: bool, began: float,
               stats: dict) -> Dispatch:
    """No complete dispatch: "infeasible" when proven (a post short taken alone, a site cap, or CP-SAT
    proved that no dispatch fills every post of a part), else "unknown" (time ran out); the shortages name
    the posts left open in the dispatch with the fewest open places found."""
    part_of = {p: result for chunk, result in results for p in chunk}
    placed: dict[int, list[int]] = {}
    for f in prep.fixed:
        placed.setdefault(prep.person_index[f.staff_id], []).append(prep.post_index[f.post_id])
    for p, people in added.items():
        for s in people:
            placed.setdefault(s, []).append(p)
    shortages = list(cap_short)
    shortages += [alone_shortage(prep, p) for p in alone]
    alone_set = set(alone)
    for p in short:
        if p not in alone_set:
            proven = part_of[p].status == "infeasible" or part_of[p].proven_short
            shortages.append(collision_shortage(prep, p, placed, proven))
    # One part proven short is enough: the whole dispatch cannot be completed.
    infeasible = explain or any(result.status == "infeasible" for _chunk, result in results)
    status = "infeasible" if infeasible else "unknown"
    stats["short_places"] = sum(prep.need[p] - len(added.get(p, [])) for p in short)
    return Dispatch(status, (), tuple(shortages), None, None, None, time.perf_counter() - began, stats)
