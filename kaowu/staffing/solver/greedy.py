"""A quick dispatch to start CP-SAT from (its hint), optionally rounding an LP solution.

It may leave places open (CP-SAT then has to find the rest itself); CP-SAT repairs and improves it.
"""

from collections.abc import Iterable

from kaowu.staffing.solver.prepare import Prepared


def greedy_dispatch(prep: Prepared, cand: list[list[int]], cost: list[list[int]], posts: Iterable[int] | None = None,
                    prefer: dict[int, list[float]] | None = None) -> list[list[int]]:
    """For every post (of `posts`, default all), the people the greedy picks (person positions), at most
    `need` of them.

    With `prefer` (post → the LP value of each candidate pair, aligned with cand[p]) the pairs the LP sets
    to 1 are taken first, all of them, so an integral LP solution comes back unchanged; the places left
    (where the LP is fractional) are filled as below, higher LP values first.

    Posts are taken in order of scarcity (candidates per place, fewest first), so a post that only a few
    people can fill gets them before a roomier post uses them up. Each picks its cheapest candidates by
    marginal cost (the placement's cost plus what one more post adds to the person's load), preferring,
    among equals, people with fewer candidate posts elsewhere. A person is skipped when busy at the same
    time (two posts overlap iff they share a time clique) or out of room under max_posts."""
    step = prep.weights.load_step
    load = [len(fixed) for fixed in prep.fixed_posts_of]
    added = [0] * len(prep.people)
    busy: list[set[int]] = [set() for _ in prep.people]
    scope = [p for p in (range(len(prep.posts)) if posts is None else posts) if prep.need[p] > 0 and cand[p]]
    options = [0] * len(prep.people)
    for p in scope:
        for s in cand[p]:
            options[s] += 1
    chosen: list[list[int]] = [[] for _ in prep.posts]

    def take(p: int, s: int) -> bool:
        cliques = prep.cliques_of_post[p]
        if added[s] >= prep.room_left[s] or (cliques and not busy[s].isdisjoint(cliques)) or s in chosen[p]:
            return False
        chosen[p].append(s)
        load[s] += 1
        added[s] += 1
        busy[s].update(cliques)
        return True

    if prefer is not None:
        for p in scope:
            for s, value in zip(cand[p], prefer[p], strict=True):
                if value > 1 - 1e-6 and len(chosen[p]) < prep.need[p]:
                    take(p, s)
    order = sorted((p for p in scope if len(chosen[p]) < prep.need[p]),
                   key=lambda p: (len(cand[p]) / prep.need[p], min(prep.posts[p].intervals), p))
    for p in order:
        values = prefer[p] if prefer is not None else [0.0] * len(cand[p])
        ranked = sorted(zip(cand[p], cost[p], values, strict=True),
                        key=lambda row: (-round(row[2], 3), row[1] + step * load[row[0]], options[row[0]], row[0]))
        for s, _cost, _value in ranked:
            if len(chosen[p]) >= prep.need[p]:
                break
            take(p, s)
    return chosen
