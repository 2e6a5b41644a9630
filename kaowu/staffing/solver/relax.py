"""The LP relaxation of a part (GLOP, in OR-Tools beside CP-SAT): a proven lower bound, a near-integral
solution to round into CP-SAT's hint, and reduced costs that tell which pairs can be left out of the
CP-SAT model without losing the optimum.

The relaxation has exactly the rows and columns of the CP-SAT model over *every* candidate pair (cpsat.py
describes them), with 0 <= x, z <= 1. With its optimal value LB and reduced costs d, every dispatch using
pair (p, s) costs at least LB + d[p,s] (LP duality: c·x >= y·b + d·x, and the columns priced below zero
sit at their upper bound). So once a dispatch of cost UB is known, pairs with LB + d > UB cannot be part of
a better one: leaving them out of the model keeps the optimum (reduced-cost fixing). In these instances
the relaxation is nearly integral (the assessor part is a transportation problem with convex load costs,
a min-cost flow), so UB − LB is a few units and most of the pairs go.
"""

import math
import time
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from kaowu.staffing.solver.prepare import Prepared

# GLOP's feasibility tolerances are ~1e-7 per row; keep a pair whose reduced cost is within this of the
# threshold (the objective is an integer, so a safety margin this small costs nothing).
TOLERANCE = 1e-3


@dataclass
class Relaxation:
    value: float  # the LP optimum
    x: dict[int, list[float]]  # post → the LP value of each candidate pair, aligned with cand[p]
    reduced: dict[int, list[float]]  # post → reduced costs, aligned the same way
    seconds: float
    rows: int
    columns: int
    infeasible: bool = False  # GLOP proved that not even the relaxation can fill every post

    @property
    def bound(self) -> int:
        """A proven lower bound of every dispatch of the part (the objective is an integer)."""
        return math.ceil(self.value - 1e-6 * max(1.0, abs(self.value)))

    def kept(self, p: int, threshold: float) -> list[int]:
        """Positions in cand[p] of pairs that may still be part of a dispatch costing LB + threshold or
        less, plus those the LP uses."""
        return [i for i, (value, reduced) in enumerate(zip(self.x[p], self.reduced[p], strict=True))
                if value > 1e-6 or reduced <= threshold + TOLERANCE]


def person_rows(prep: Prepared, posts: list[int], cand: list[list[int]]) -> dict[int, tuple[list[int], int]]:
    """Person → (their candidate posts in the part, how many posts they can take at most: the fewer of
    max_posts left and disjoint times). Computed on every candidate pair, so the LP and every
    restricted CP-SAT model share the load columns."""
    mine: dict[int, list[int]] = {}
    for p in posts:
        for s in cand[p]:
            mine.setdefault(s, []).append(p)
    return {s: (ps, min(prep.max_disjoint(ps), prep.room_left[s])) for s, ps in mine.items()}


def relax(prep: Prepared, posts: list[int], cand: list[list[int]], cost: list[list[int]],
          people: dict[int, tuple[list[int], int]], time_limit: float) -> Relaxation | None:
    """Solve the relaxation of the part; None if GLOP reports neither an optimum nor infeasibility within the
    time limit."""
    began = time.perf_counter()
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    infinity = solver.infinity()
    objective = solver.Objective()
    columns: dict[int, list] = {}
    of_person: dict[int, dict[int, object]] = {}
    for p in posts:
        row = solver.Constraint(prep.need[p], prep.need[p])
        xs = []
        for s, c in zip(cand[p], cost[p], strict=True):
            var = solver.NumVar(0.0, 1.0, "")
            objective.SetCoefficient(var, c)
            row.SetCoefficient(var, 1)
            xs.append(var)
            of_person.setdefault(s, {})[p] = var
        columns[p] = xs
    step = prep.weights.load_step
    for s, (mine, most) in people.items():
        var_of = of_person[s]
        for group in prep.person_cliques(mine):
            row = solver.Constraint(-infinity, 1)
            for p in group:
                row.SetCoefficient(var_of[p], 1)
        if prep.room_left[s] < prep.max_disjoint(mine):
            row = solver.Constraint(-infinity, prep.room_left[s])
            for var in var_of.values():
                row.SetCoefficient(var, 1)
        fixed_load = len(prep.fixed_posts_of[s])
        free = 1 if fixed_load == 0 else 0
        if step == 0 or most - free <= 0:
            continue
        row = solver.Constraint(-free, infinity)  # sum z - sum x >= -free
        for var in var_of.values():
            row.SetCoefficient(var, -1)
        for k in range(most - free):
            z = solver.NumVar(0.0, 1.0, "")
            objective.SetCoefficient(z, step * (fixed_load + free + k))
            row.SetCoefficient(z, 1)
    objective.SetMinimization()
    solver.SetTimeLimit(max(1, int((time_limit - (time.perf_counter() - began)) * 1000)))
    status = solver.Solve()
    if status == pywraplp.Solver.INFEASIBLE:
        return Relaxation(math.inf, {}, {}, time.perf_counter() - began, solver.NumConstraints(),
                          solver.NumVariables(), infeasible=True)
    if status != pywraplp.Solver.OPTIMAL:
        return None
    x = {p: [var.solution_value() for var in xs] for p, xs in columns.items()}
    reduced = {p: [var.reduced_cost() for var in xs] for p, xs in columns.items()}
    return Relaxation(objective.Value(), x, reduced, time.perf_counter() - began, solver.NumConstraints(),
                      solver.NumVariables())
