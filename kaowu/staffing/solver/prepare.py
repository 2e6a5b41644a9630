"""From the input to index form: who may take which post (eligible pairs and their costs), the time
cliques that forbid overlaps, and the independent parts of the problem.

Posts and people are sorted (posts by time and id, people by id) so the result does not depend on the
order the caller read its rows in; everything below refers to them by position.
"""

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence

from kaowu.staffing.solver.eligibility import (
    batch_candidates,
    forbidden_reasons,
    placement_cost,
    staff_exclusion,
)
from kaowu.staffing.solver.model import (
    RULE_AVAILABILITY,
    RULE_OVERLAP,
    Placement,
    PostSpec,
    StaffSpec,
    Weights,
)
from kaowu.staffing.solver.validate import posts_overlap

UNBOUNDED = 1 << 30  # "no max_posts"


class Prepared:
    """The problem in index form. `cand[p]` / `cost[p]`: the people who may take post p (every hard rule
    for p alone holds, they did not decline it, no fixed placement of theirs overlaps it, they have room
    under max_posts) and what each would cost (travel + repeat institution)."""

    def __init__(self, posts: Sequence[PostSpec], staff: Sequence[StaffSpec], weights: Weights,
                 fixed: Sequence[Placement], forbidden: Collection[tuple[str, int]]):
        self.weights = weights
        self.posts = sorted(posts, key=lambda p: (min(p.intervals), p.id))
        self.people = sorted(staff, key=lambda s: s.id)
        self.post_index = {post.id: n for n, post in enumerate(self.posts)}
        self.person_index = {person.id: n for n, person in enumerate(self.people)}
        self.batch = batch_candidates(self.posts)
        self.forbidden = {(self.post_index[pid], self.person_index[sid]): rule
                          for (pid, sid), rule in forbidden_reasons(forbidden).items()
                          if pid in self.post_index and sid in self.person_index}
        self.fixed = list(fixed)
        self.fixed_posts_of: list[list[int]] = [[] for _ in self.people]
        fixed_in_post = Counter()
        self.fixed_pairs: set[tuple[int, int]] = set()
        for placement in self.fixed:
            p, s = self.post_index[placement.post_id], self.person_index[placement.staff_id]
            self.fixed_posts_of[s].append(p)
            fixed_in_post[p] += 1
            self.fixed_pairs.add((p, s))
        self.need = [post.count - fixed_in_post[p] for p, post in enumerate(self.posts)]
        self.fixed_leader = {self.post_index[f.post_id] for f in self.fixed if f.leader}
        self.room_left = [UNBOUNDED if person.max_posts is None else person.max_posts - len(self.fixed_posts_of[s])
                          for s, person in enumerate(self.people)]
        self.cand: list[list[int]] = [[] for _ in self.posts]
        self.cost: list[list[int]] = [[] for _ in self.posts]
        self._eligible()
        self.cliques_of_post = self._cliques()

    # -- eligibility ----------------------------------------------------------------------------------

    def _pool(self, post: PostSpec) -> list[int]:
        """The people worth testing for a post: its role, its organisations, its item's card holders."""
        orgs = post.staff_organisation_ids
        if post.role == "assessor":
            pool = self._by_item.get(post.item_key, [])
            return pool if orgs is None else [s for s in pool if self.people[s].organisation_id in orgs]
        if orgs is not None:
            return sorted(s for org in orgs for s in self._by_role_org.get((post.role, org), ()))
        return self._by_role.get(post.role, [])

    def _eligible(self) -> None:
        self._by_role: dict[str, list[int]] = defaultdict(list)
        self._by_role_org: dict[tuple[str, int], list[int]] = defaultdict(list)
        self._by_item: dict[str, list[int]] = defaultdict(list)
        for s, person in enumerate(self.people):
            for role in person.roles:
                self._by_role[role].append(s)
                self._by_role_org[role, person.organisation_id].append(s)
            if "assessor" in person.roles:
                for item in {card.item_key for card in person.cards}:
                    self._by_item[item].append(s)
        for p, post in enumerate(self.posts):
            if self.need[p] <= 0:
                continue
            cand, cost = self.cand[p], self.cost[p]
            for s in self._pool(post):
                if self.blocker(p, s) is None:
                    cand.append(s)
                    cost.append(placement_cost(post, self.people[s], self.weights))

    def blocker(self, p: int, s: int) -> str | None:
        """Why person s may not be added to post p taken alone (EXCLUSION_ORDER), or None; "" when they are
        already fixed in it."""
        post, person = self.posts[p], self.people[s]
        if (p, s) in self.fixed_pairs:
            return ""
        rule = staff_exclusion(post, person, batch_candidate_ids=self.batch[post.plan_id])
        if rule is not None:
            return rule
        if (p, s) in self.forbidden:
            return self.forbidden[p, s]
        if any(posts_overlap(post, self.posts[q]) for q in self.fixed_posts_of[s]):
            return RULE_OVERLAP
        if self.room_left[s] <= 0:
            return RULE_AVAILABILITY
        return None

    def exclusion_counts(self, p: int) -> tuple[int, dict[str, int]]:
        """For a shortage: (people available for post p alone, {rule id: people of its role excluded})."""
        post = self.posts[p]
        excluded: Counter = Counter()
        available = 0
        for s in self._by_role.get(post.role, ()):
            rule = self.blocker(p, s)
            if rule is None:
                available += 1
            elif rule:
                excluded[rule] += 1
        return available, dict(excluded)

    # -- time -------------------------------------------------------------------------------------------

    def _cliques(self) -> list[list[int]]:
        """The maximal sets of posts (those still needing people) that share an instant, by a sweep over
        their intervals: a person takes at most one post of each. Every two overlapping posts share one
        (intervals on a line have the Helly property), so these constraints forbid every overlap."""
        events = []
        for p, post in enumerate(self.posts):
            if self.need[p] > 0:
                for start, end in post.intervals:
                    events.append((start, 1, p))
                    events.append((end, 0, p))
        events.sort(key=lambda e: (e[0], e[1]))  # ends before starts at the same instant: half-open
        active: Counter = Counter()
        grown = False
        seen: set[frozenset[int]] = set()
        cliques_of_post: list[list[int]] = [[] for _ in self.posts]
        self.cliques: list[tuple[int, ...]] = []
        for _time, kind, p in events:
            if kind == 1:
                active[p] += 1
                grown = True
                continue
            if grown:
                members = frozenset(active)
                if len(members) > 1 and members not in seen:
                    seen.add(members)
                    for q in members:
                        cliques_of_post[q].append(len(self.cliques))
                    self.cliques.append(tuple(sorted(members)))
                grown = False
            active[p] -= 1
            if not active[p]:
                del active[p]
        return cliques_of_post

    def person_cliques(self, posts_of_person: list[int]) -> list[list[int]]:
        """The overlap constraints of one person over their candidate posts: the global cliques restricted
        to those posts, without singletons, duplicates or sets contained in another."""
        buckets: dict[int, list[int]] = defaultdict(list)
        for p in posts_of_person:
            for c in self.cliques_of_post[p]:
                buckets[c].append(p)
        sets = sorted({frozenset(b) for b in buckets.values() if len(b) > 1}, key=len, reverse=True)
        kept: list[frozenset[int]] = []
        for group in sets:
            if not any(group <= other for other in kept):
                kept.append(group)
        return [sorted(group) for group in kept]

    def max_disjoint(self, posts_of_person: list[int]) -> int:
        """An upper bound on how many of these posts one person can take: the most pairwise disjoint
        intervals among them (earliest end first), each taken post holding at least one."""
        intervals = sorted((end, start) for p in posts_of_person for start, end in self.posts[p].intervals)
        count, free_from = 0, None
        for end, start in intervals:
            if free_from is None or start >= free_from:
                count += 1
                free_from = end
        return count


def components(prep: Prepared, cand: list[list[int]]) -> list[tuple[list[int], list[int]]]:
    """The independent parts: posts and people connected through candidate pairs. Each can be solved on
    its own and the objectives add up (no rule or cost links two parts), so splitting loses nothing."""
    parent = list(range(len(prep.posts) + len(prep.people)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    offset = len(prep.posts)
    for p, people in enumerate(cand):
        root = find(p)
        for s in people:
            other = find(offset + s)
            if other != root:
                parent[other] = root
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for p in range(len(prep.posts)):
        if prep.need[p] > 0:
            groups.setdefault(find(p), ([], []))[0].append(p)
    for s in range(len(prep.people)):
        root = find(offset + s)
        if root in groups:
            groups[root][1].append(s)
    return list(groups.values())
