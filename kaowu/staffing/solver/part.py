"""One part (a set of independent components): LP relaxation, rounding, then CP-SAT on the pairs that
can still matter, widening the set until it provably holds the optimum or time runs out.

1. The LP relaxation over every candidate pair (relax.py): bound LB, values x*, reduced costs d.
2. Round x* (greedy.py with the LP values first): a dispatch of cost UB, usually a few units above LB.
3. Model the pairs with d <= threshold (plus those x* or the current dispatch use) and solve with CP-SAT
   from the current dispatch, the objective's domain starting at LB. The threshold is UB − LB when that
   is small, else FIRST_THRESHOLD (parts under RESTRICT_PAIRS pairs are modelled whole).
4. If CP-SAT's best dispatch costs UB' and threshold >= UB' − LB, no left-out pair can be in a cheaper
   dispatch (relax.py), so the model's optimum is the optimum. Otherwise widen to UB' − LB and solve
   again from that dispatch, while time lasts. `resume` continues a part that is not proven optimal when
   the other parts have left time over.

The bound reported is LB, raised to CP-SAT's bound when the last model provably held the optimum.
"""

import math
import time
from collections.abc import Callable

from kaowu.staffing.solver.cpsat import PartResult, added_cost, solve_part
from kaowu.staffing.solver.greedy import greedy_dispatch
from kaowu.staffing.solver.prepare import Prepared
from kaowu.staffing.solver.relax import TOLERANCE, Relaxation, person_rows, relax

RESTRICT_PAIRS = 20_000  # parts up to this many candidate pairs go to CP-SAT whole
FIRST_THRESHOLD = 2.0  # the first restricted model: pairs within 2 of the LP's reduced-cost optimum
# Building and solving the LP takes about this long per candidate pair (pywraplp + GLOP, 2-core machine);
# a part with less time than that falls back to a model of each post's cheapest pairs.
LP_SECONDS_PER_PAIR = 3e-5
CHEAPEST_PER_PLACE, CHEAPEST_EXTRA = 4, 8


class ChunkSolver:
    """Solves one part, possibly in several calls (`start`, then `resume` with time left over)."""

    def __init__(self, prep: Prepared, chunk: list[int], *, workers: int, seed: int,
                 progress: Callable[[str], None] | None, label: str):
        self.prep, self.chunk, self.workers, self.seed = prep, chunk, workers, seed
        self.progress, self.label = progress, label
        self.say = progress or (lambda _message: None)
        self.pairs = sum(len(prep.cand[p]) for p in chunk)
        self.relaxation: Relaxation | None = None
        self.threshold = math.inf
        self.current: dict[int, list[int]] = {}
        self.result: PartResult | None = None
        self.rounds: list[dict] = []
        self.rounded: int | None = None
        self.most: dict[int, int] = {}

    @property
    def done(self) -> bool:
        return self.result is not None and self.result.status in ("optimal", "infeasible")

    def start(self, time_limit: float) -> PartResult:
        deadline = time.perf_counter() + time_limit
        prep, chunk = self.prep, self.chunk
        people = person_rows(prep, chunk, prep.cand)
        self.most = {s: top for s, (_posts, top) in people.items()}
        if self.pairs <= RESTRICT_PAIRS or time_limit / 2 >= self.pairs * LP_SECONDS_PER_PAIR:
            # The LP may take up to half the part's time.
            self.relaxation = relax(prep, chunk, prep.cand, prep.cost, people, time_limit / 2)
        if self.relaxation is not None and self.relaxation.infeasible:
            # No fractional dispatch fills every post, so no dispatch does.
            self.result = PartResult("infeasible", {}, 0, 0.0, 0, True,
                                     {"variables": 0, "constraints": 0, "solve_s": 0.0, "pairs": self.pairs,
                                      "lp_seconds": round(self.relaxation.seconds, 3), "rounds": []})
            return self.result
        if self.relaxation is None:
            hint = greedy_dispatch(prep, prep.cand, prep.cost, chunk)
            self.current = {p: hint[p] for p in chunk}
            if self.pairs > RESTRICT_PAIRS:
                # No LP in the time given: a model of each post's cheapest pairs, which proves nothing.
                self.threshold = -math.inf
                self.say(f"{self.label}：时间不足以求线性松弛，只在每个岗位最便宜的候选人中求解")
        else:
            self.say(f"{self.label}：线性松弛下界 {self.relaxation.value:.1f}（{self.relaxation.seconds:.1f} 秒）")
            hint = greedy_dispatch(prep, prep.cand, prep.cost, chunk, prefer=self.relaxation.x)
            self.current = {p: hint[p] for p in chunk}
            if all(len(hint[p]) == prep.need[p] for p in chunk):
                self.rounded = added_cost(prep, self.current)
            if self.pairs > RESTRICT_PAIRS:
                gap = self.rounded - self.relaxation.value if self.rounded is not None else math.inf
                self.threshold = min(gap, FIRST_THRESHOLD)
        return self._rounds(deadline)

    def resume(self, time_limit: float) -> PartResult:
        return self._rounds(time.perf_counter() + time_limit)

    def _exact(self, objective: float) -> bool:
        """Whether the modelled pairs provably hold every dispatch cheaper than `objective`."""
        if self.threshold == math.inf:
            return True
        if self.relaxation is None:
            return False
        return self.threshold >= objective - self.relaxation.value - TOLERANCE

    def _rounds(self, deadline: float) -> PartResult:
        prep, chunk = self.prep, self.chunk
        lower = self.relaxation.bound if self.relaxation is not None else None
        while True:
            cand, cost = self._restricted()
            left = deadline - time.perf_counter()
            upper = self.result.objective if self._found() else self.rounded
            # A model that may not hold the optimum gets half the time, so a wider one can follow.
            widening_may_follow = self.relaxation is not None and not (upper is not None and self._exact(upper))
            share = left / 2 if widening_may_follow else left
            result = solve_part(prep, chunk, cand, cost, self.current, time_limit=share, workers=self.workers,
                                seed=self.seed, explain=False, most=self.most, lower_bound=lower,
                                progress=self.progress, label=self.label)
            self.rounds.append({"threshold": self.threshold, "pairs": sum(len(cand[p]) for p in chunk),
                                "status": result.status, "objective": result.objective,
                                "seconds": result.stats["solve_s"]})
            if result.status == "infeasible" and self.threshold != math.inf:
                self.threshold = math.inf  # the left-out pairs were needed just to fill every post
                continue
            self.result = self._judge(result, lower)
            if self.result.status not in ("feasible", "hint") or deadline - time.perf_counter() < 1.0:
                break
            if self._exact(result.objective) or self.relaxation is None:
                break  # the model holds the optimum (only more time would help, see resume), or no LP
            self.threshold = result.objective - self.relaxation.value
            self.current = result.chosen
            self.say(f"{self.label}：扩大候选范围（简约成本 ≤ {self.threshold:.1f}）后继续求解")
        if self._found():
            self.current = self.result.chosen
        self.result.stats.update(
            pairs=self.pairs, modelled_pairs=self.rounds[-1]["pairs"], rounds=self.rounds,
            rounded_objective=self.rounded,
            lp_value=round(self.relaxation.value, 3) if self.relaxation else None,
            lp_seconds=round(self.relaxation.seconds, 3) if self.relaxation else None)
        return self.result

    def _found(self) -> bool:
        return self.result is not None and self.result.status in ("optimal", "feasible", "hint")

    def _judge(self, result: PartResult, lower: int | None) -> PartResult:
        """Status and bound for the whole part (not just the modelled pairs)."""
        if result.status not in ("optimal", "feasible", "hint"):
            return result
        previous = self.result.objective if self._found() else None
        if previous is not None and previous < result.objective:  # never lose a better dispatch
            result = PartResult(result.status, self.result.chosen, previous, result.bound, 0, False, result.stats)
        exact = self._exact(result.objective)
        bound = float(lower) if lower is not None else 0.0
        if exact and result.status != "hint":
            bound = max(bound, result.bound)
        if self._found() and self.result.bound > bound:
            bound = self.result.bound
        bound = min(bound, float(result.objective))
        proven = bound >= result.objective or (exact and result.status == "optimal")
        status = "optimal" if proven else "hint" if result.status == "hint" else "feasible"
        return PartResult(status, result.chosen, result.objective, bound, 0, False, result.stats)

    def _restricted(self) -> tuple[list[list[int]], list[list[int]]]:
        """cand/cost lists holding only the pairs kept at the threshold, plus the current dispatch's."""
        prep = self.prep
        if self.threshold == math.inf:
            return prep.cand, prep.cost
        cand: list[list[int]] = [[] for _ in prep.posts]
        cost: list[list[int]] = [[] for _ in prep.posts]
        for p in self.chunk:
            if self.relaxation is None:  # the cheapest pairs of each post, ties by person
                order = sorted(range(len(prep.cand[p])), key=lambda i: (prep.cost[p][i], prep.cand[p][i]))
                keep = set(order[:CHEAPEST_PER_PLACE * prep.need[p] + CHEAPEST_EXTRA])
            else:
                keep = set(self.relaxation.kept(p, self.threshold))
            mine = set(self.current.get(p, ()))
            for i, (s, c) in enumerate(zip(prep.cand[p], prep.cost[p], strict=True)):
                if i in keep or s in mine:
                    cand[p].append(s)
                    cost[p].append(c)
        return cand, cost
