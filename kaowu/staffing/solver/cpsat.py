"""One CP-SAT model for a part of the problem (a set of independent components), solved from a hint.

Variables: x[p,s] (person s takes a place in post p) only for candidate pairs; z[s,k] (person s takes at
least k posts, for the convex load cost). Constraints, all linear:

- every post: sum_s x[p,s] = need[p];
- every person and time clique of their candidate posts: at most one (AddAtMostOne);
- max_posts: sum_p x[p,s] <= room left;
- load: sum_k z[s,k] >= sum_p x[p,s] - (1 if the person has no fixed post else 0), z[s,k] costing
  load_step × (k − 1), so the LP relaxation prices load exactly on its convex hull.

In explain mode (the instance is known or proven infeasible) each post gets slack[p] (open places),
sum_s x[p,s] + slack[p] = need[p], and the objective is the number of open places alone: the model always
has a solution, and the posts it leaves short are the ones to explain. Costs are left out then; keeping
a large-penalty slack in the costed model instead would wreck its LP bound.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from kaowu.staffing.solver.eligibility import load_cost, placement_cost
from kaowu.staffing.solver.prepare import Prepared


@dataclass
class PartResult:
    # "optimal", "feasible"; "infeasible" (proven: no dispatch fills every post of the part); "hint" (CP-SAT
    # found nothing in time, the complete greedy dispatch stands); "unknown" (nothing complete in time).
    status: str
    chosen: dict[int, list[int]]  # post → people added
    objective: int  # the model's objective of `chosen` (in explain mode: open places)
    bound: float  # a lower bound of the model's objective
    short: int  # places left open in `chosen`
    proven_short: bool  # infeasible, or (explain mode) the open places are proven to be the fewest possible
    stats: dict = field(default_factory=dict)


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports improving solutions, at most once a second."""

    def __init__(self, report: Callable[[str], None], label: str):
        super().__init__()
        self._report, self._label, self._last = report, label, 0.0

    def on_solution_callback(self) -> None:
        now = time.monotonic()
        if now - self._last >= 1.0:
            self._last = now
            self._report(f"{self._label}：目标值 {self.objective_value:.0f}，下界 {self.best_objective_bound:.0f}，"
                         f"用时 {self.wall_time:.1f} 秒")


def added_cost(prep: Prepared, chosen: dict[int, list[int]]) -> int:
    """What the people added in `chosen` cost in the model: their placements plus the load they add on
    top of their fixed posts."""
    total = 0
    count: dict[int, int] = {}
    for p, people in chosen.items():
        post = prep.posts[p]
        for s in people:
            total += placement_cost(post, prep.people[s], prep.weights)
            count[s] = count.get(s, 0) + 1
    for s, n in count.items():
        fixed_load = len(prep.fixed_posts_of[s])
        total += load_cost(fixed_load + n, prep.weights) - load_cost(fixed_load, prep.weights)
    return total


def solve_part(prep: Prepared, posts: list[int], cand: list[list[int]], cost: list[list[int]],
               hint: dict[int, list[int]] | list[list[int]], *, time_limit: float, workers: int, seed: int,
               explain: bool, most: dict[int, int] | None = None, lower_bound: int | None = None,
               progress: Callable[[str], None] | None = None, label: str = "求解") -> PartResult:
    """Solve the posts `posts` over the pairs in `cand` (all candidates, or a restricted set: see
    relax.py). `explain`: minimise open places only (the part is infeasible; costs do not matter).
    `most`: person → most posts they can take, computed on every candidate pair, so that a restricted
    model has the same load columns as the full one. `lower_bound`: a proven bound (the LP relaxation's),
    set as the objective's domain so CP-SAT can stop as soon as a dispatch reaches it."""
    began = time.perf_counter()
    step = prep.weights.load_step
    model = cp_model.CpModel()
    x_vars: dict[int, list] = {}
    slack: dict[int, cp_model.IntVar] = {}
    of_person: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
    terms: list = []
    coeffs: list[int] = []
    for p in posts:
        need = prep.need[p]
        xs = [model.new_bool_var("") for _ in cand[p]]
        x_vars[p] = xs
        for s, var in zip(cand[p], xs, strict=True):
            of_person.setdefault(s, []).append((p, var))
        if explain:
            slack[p] = model.new_int_var(max(0, need - len(xs)), need, "")
            model.add(cp_model.LinearExpr.sum(xs) + slack[p] == need)
        else:
            model.add(cp_model.LinearExpr.sum(xs) == need)
            terms += xs
            coeffs += cost[p]

    loads: list[tuple[int, int, list]] = []  # (person, the post number z[0] stands for, z)
    for s, pairs in of_person.items():
        mine = [p for p, _ in pairs]
        var_of = dict(pairs)
        for group in prep.person_cliques(mine):
            model.add_at_most_one(var_of[p] for p in group)
        disjoint = prep.max_disjoint(mine)
        if prep.room_left[s] < disjoint:
            model.add(cp_model.LinearExpr.sum([var for _, var in pairs]) <= prep.room_left[s])
        top = most[s] if most is not None else min(disjoint, prep.room_left[s])
        fixed_load = len(prep.fixed_posts_of[s])
        free = 1 if fixed_load == 0 else 0  # the first post of the run costs nothing
        if explain or step == 0 or top - free <= 0:
            continue
        zs = [model.new_bool_var("") for _ in range(top - free)]
        model.add(cp_model.LinearExpr.sum(zs) >= cp_model.LinearExpr.sum([var for _, var in pairs]) - free)
        first = fixed_load + free + 1
        for k, var in enumerate(zs):
            terms.append(var)
            coeffs.append(step * (first + k - 1))
        loads.append((s, free, zs))
    slack_list = [slack[p] for p in posts] if explain else []
    model.minimize(cp_model.LinearExpr.weighted_sum(terms + slack_list, coeffs + [1] * len(slack_list)))
    if lower_bound is not None and not explain:
        model.proto.objective.domain.extend([lower_bound, sum(coeffs)])

    # The hint: the picks (those among the model's pairs), open places, and the load variables they imply.
    hinted_count: dict[int, int] = {}
    for p in posts:
        picked = set(hint[p])
        for s, var in zip(cand[p], x_vars[p], strict=True):
            model.add_hint(var, s in picked)
            if s in picked:
                hinted_count[s] = hinted_count.get(s, 0) + 1
        if explain:
            model.add_hint(slack[p], prep.need[p] - len(picked & set(cand[p])))
    for s, free, zs in loads:
        on = hinted_count.get(s, 0) - free
        for k, var in enumerate(zs):
            model.add_hint(var, k < on)

    built = time.perf_counter() - began
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit - built)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    # The LP relaxation here is nearly integral, but CP-SAT's default LP worker adds the at-most-one rows
    # lazily and its bound crawls; "max_lp" puts every row in the LP up front and proves optimality at the
    # root. It goes first in the list, so it is the full-problem worker even with 2 workers.
    solver.parameters.extra_subsolvers.append("max_lp")
    callback = _Progress(progress, label) if progress else None
    status = solver.solve(model, callback)
    proto = model.proto
    stats = {"variables": len(proto.variables), "constraints": len(proto.constraints), "build_s": round(built, 3),
             "solve_s": round(solver.wall_time, 3), "cp_status": solver.status_name(status)}
    hint_short = sum(prep.need[p] - len(hint[p]) for p in posts)
    if status == cp_model.INFEASIBLE:
        return PartResult("infeasible", {}, 0, 0.0, hint_short, True, stats)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Nothing in time: the hint stands if it is complete (the caller checks it is a valid dispatch).
        chosen = {p: list(hint[p]) for p in posts}
        return PartResult("hint" if not hint_short else "unknown", chosen, added_cost(prep, chosen),
                          float(lower_bound or 0), hint_short, False, stats)
    values = solver.response_proto.solution
    chosen = {p: [s for s, var in zip(cand[p], x_vars[p], strict=True) if values[var.index]] for p in posts}
    short = sum(values[slack[p].index] for p in posts) if explain else 0
    # Every coefficient is an integer, so the objective is too: round the bound up (CP-SAT's LP may hand
    # back 61.999999 for 62).
    bound = float(math.ceil(solver.best_objective_bound - 1e-6))
    # The dispatch's own cost: a solution that is not optimal may switch on more load variables than its
    # loads need, so CP-SAT's objective value can be above it.
    objective = short if explain else added_cost(prep, chosen)
    return PartResult("optimal" if status == cp_model.OPTIMAL else "feasible", chosen, objective, bound, short,
                      explain and short > 0 and status == cp_model.OPTIMAL, stats)
