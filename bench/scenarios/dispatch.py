"""Scenario `dispatch`: the staff dispatch (三员派遣) of a whole generated province, solved in one call.

No database and no server: `bench.scenarios.dispatch_world.build_world` generates the province (seed
20261205; at scale 1 about 2,100 room posts and 2,750 posts in all, 6,100 places, 8,000 staff, feasible by
construction) and `kaowu.staffing.solver.dispatch_solve` dispatches it with a 120-second limit and
`--workers` CP-SAT workers (default 2, one per core). The result is then checked by an independent
checker (`bench.scenarios.dispatch_check.dispatch_independent_violations`, written apart from the solver)
and by the solver's own `dispatch_violations`, and its objective recomputed from the placements.

Metrics: `seconds` (the solve, wall clock), `objective`, `bound`, `gap` = (objective − bound) / objective,
`violations` (the independent checker's count; −1 when the checker cannot be imported), `ratio` = 1 − gap
(1.0 = proven optimal; 0 without a dispatch), `errors` = independent violations + own violations + 1 if no
complete dispatch + 1 if the objective does not match its recomputation + 1 if the checker is missing.
Sizes: `posts`, `room_posts`, `staff`, `places`, `pairs` (candidate pairs that pass every rule),
`modelled_pairs` (pairs left in the CP-SAT models), `variables` and `constraints` (CP-SAT, summed over the
parts), `parts`. Also `status`, `lp_value`, `planted_objective` (the generator's own valid dispatch: what
the solver improves on), `world_seconds`, `peak_memory_mb`, `scale`, `time_limit`.

KAOWU_BENCH_DISPATCH_SCALE shrinks the province (0.05: five cities, ~170 room posts, 400 staff) and
KAOWU_BENCH_DISPATCH_TIME_LIMIT changes the solver limit (seconds).
"""

import os
import time

from bench.scenarios import BenchError, Metrics, Options, log, peak_memory_mb
from bench.scenarios.dispatch_world import SEED, build_world

SCALE = 1.0
TIME_LIMIT = 120.0


def _env_float(name: str, default: float) -> float:
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise BenchError(f"{name} must be a positive number, not {text!r}") from None
    if value <= 0:
        raise BenchError(f"{name} must be a positive number, not {text!r}")
    return value


def _checker():
    """The independent checker, or the reason it cannot be used."""
    try:
        from bench.scenarios.dispatch_check import dispatch_independent_violations
    except ImportError as exc:
        return None, f"bench.scenarios.dispatch_check unavailable: {exc}"
    return dispatch_independent_violations, ""


def run(options: Options) -> Metrics:
    from kaowu.staffing.solver import dispatch_objective, dispatch_solve, dispatch_violations

    scale = _env_float("KAOWU_BENCH_DISPATCH_SCALE", SCALE)
    time_limit = _env_float("KAOWU_BENCH_DISPATCH_TIME_LIMIT", TIME_LIMIT)
    began = time.perf_counter()
    world = build_world(seed=SEED, scale=scale)
    world_seconds = time.perf_counter() - began
    summary = world.summary
    log(f"province at scale {scale}: {summary['room_posts']} room posts, {summary['posts']} posts, "
        f"{summary['places']} places, {summary['staff']} staff ({world_seconds:.1f} s)")

    began = time.perf_counter()
    result = dispatch_solve(world.posts, world.staff, site_caps=world.site_caps, time_limit=time_limit,
                            workers=options.workers, seed=SEED, progress=log)
    seconds = time.perf_counter() - began
    log(f"{result.status} in {seconds:.1f} s: objective {result.objective}, bound {result.bound}, gap {result.gap}")

    errors = 0
    if not result.ok:
        errors += 1
        for shortage in result.shortages[:10]:
            log(f"shortage: {shortage.message}")
    own = dispatch_violations(world.posts, world.staff, result.placements, site_caps=world.site_caps) \
        if result.ok else []
    errors += len(own)
    recomputed = dispatch_objective(world.posts, world.staff, result.placements) if result.ok else None
    if result.ok and recomputed != result.objective:
        log(f"objective {result.objective} differs from its recomputation {recomputed}")
        errors += 1
    checker, checker_error = _checker()
    if checker is None:
        log(checker_error)
        violations = -1
        errors += 1
    else:
        found = checker(world.posts, world.staff, list(result.placements), world.site_caps) if result.ok else []
        for message in found[:10]:
            log(f"independent checker: {message}")
        violations = len(found)
        errors += violations
    stats = result.stats
    gap = result.gap if result.gap is not None else 1.0
    metrics: Metrics = {
        "ratio": round(max(0.0, 1.0 - gap), 6) if result.ok else 0.0,
        "errors": errors,
        "seconds": round(seconds, 3),
        "objective": result.objective if result.objective is not None else -1,
        "bound": result.bound if result.bound is not None else -1,
        "gap": round(gap, 6),
        "violations": violations,
        "own_violations": len(own),
        "status": result.status,
        "posts": summary["posts"],
        "room_posts": summary["room_posts"],
        "staff": summary["staff"],
        "places": summary["places"],
        "pairs": stats.get("pairs", 0),
        "modelled_pairs": stats.get("modelled_pairs", 0),
        "variables": stats.get("variables", 0),
        "constraints": stats.get("constraints", 0),
        "parts": stats.get("parts", 0),
        "lp_value": round(stats.get("lp_value", 0), 3),
        "planted_objective": dispatch_objective(world.posts, world.staff, world.planted),
        "world_seconds": round(world_seconds, 3),
        "peak_memory_mb": peak_memory_mb(),
        "scale": scale,
        "time_limit": time_limit,
        "workers": options.workers,
    }
    if checker_error:
        metrics["checker_error"] = checker_error
    return metrics
