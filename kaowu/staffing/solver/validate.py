"""Input checks (DispatchInputError, every problem at once) and `dispatch_violations`, the check of a whole
dispatch against every hard rule (a hand edit, a result)."""

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence

from kaowu.staffing.solver.eligibility import (
    batch_candidates,
    exclusion_message,
    forbidden_reasons,
    staff_exclusion,
)
from kaowu.staffing.solver.model import (
    ROLE_LABELS,
    ROLES,
    RULE_AVAILABILITY,
    RULE_GROUP,
    RULE_OVERLAP,
    RULE_SEPARATION,
    RULE_SITE_CAP,
    DispatchInputError,
    Placement,
    PostSpec,
    SiteCapSpec,
    StaffSpec,
    Violation,
    Weights,
)

# The rule a post with the wrong number of people breaks: the assessor group (R-SC21-3), a batch's chief
# and a room's two invigilators (R-FJ-7), the center's supervisors (R-FJ-8).
COUNT_RULES = {"assessor": RULE_GROUP, "chief": RULE_SEPARATION, "invigilator": RULE_SEPARATION,
               "supervisor": RULE_OVERLAP}


def posts_overlap(a: PostSpec, b: PostSpec) -> bool:
    """Half-open intervals: one ending at 12:00 and one starting at 12:00 do not overlap."""
    return any(s1 < e2 and s2 < e1 for s1, e1 in a.intervals for s2, e2 in b.intervals)


def _duplicates(values: Iterable) -> list:
    counts = Counter(values)
    return sorted((value for value, n in counts.items() if n > 1), key=str)


def _post_name(post: PostSpec) -> str:
    return post.label or post.id


def check_input(posts: Sequence[PostSpec], staff: Sequence[StaffSpec], site_caps: Sequence[SiteCapSpec],
                weights: Weights, fixed: Sequence[Placement], forbidden: Collection[tuple[str, int]]) -> None:
    """Raise DispatchInputError listing every problem; return quietly when the input can be solved.
    Fixed placements must keep every hard rule among themselves (they are part of the result)."""
    errors: list[str] = []
    errors += [f"岗位编号 {value} 重复" for value in _duplicates(post.id for post in posts)]
    errors += [f"人员编号 {value} 重复" for value in _duplicates(person.id for person in staff)]
    for post in posts:
        name = _post_name(post)
        if post.role not in ROLES:
            errors.append(f"岗位 {name} 的角色 {post.role} 无法识别")
        if post.count < 1:
            errors.append(f"岗位 {name} 的需求人数须至少为 1")
        if post.leader and post.role != "assessor":
            errors.append(f"岗位 {name} 不是考评员岗位，不能设考评组长")
        if post.role == "assessor" and not post.item_key:
            errors.append(f"考评员岗位 {name} 未指明考评的职业（工种）")
        if not post.intervals:
            errors.append(f"岗位 {name} 没有工作时间")
        if any(end <= start for start, end in post.intervals):
            errors.append(f"岗位 {name} 的工作时间结束早于开始")
    for person in staff:
        unknown = sorted(person.roles - set(ROLES))
        if unknown:
            errors.append(f"人员 {person.name}（{person.id}）的角色 {'、'.join(unknown)} 无法识别")
        if person.max_posts is not None and person.max_posts < 0:
            errors.append(f"人员 {person.name}（{person.id}）的岗位上限不能为负数")
    post_by_id = {post.id: post for post in posts}
    for cap in site_caps:
        missing = [pid for pid in cap.post_ids if pid not in post_by_id]
        if missing:
            errors.append(f"考点人数上限 {cap.label or cap.site_id} 引用了不存在的岗位 {'、'.join(missing[:5])}")
        if cap.cap < 0 or cap.candidates < 0:
            errors.append(f"考点人数上限 {cap.label or cap.site_id} 的人数不能为负数")
    for name, value in (("出行（同区县）", weights.travel_same_district), ("出行（同市）", weights.travel_same_city),
                        ("出行（同省）", weights.travel_same_province), ("出行（外省）", weights.travel_other_province),
                        ("工作量均衡", weights.load_step), ("重复派往同一机构", weights.repeat_institution)):
        if value < 0:
            errors.append(f"权重“{name}”不能为负数")
    if not errors:
        errors += _check_fixed(posts, staff, fixed, forbidden)
    if errors:
        raise DispatchInputError(errors)


def _check_fixed(posts: Sequence[PostSpec], staff: Sequence[StaffSpec], fixed: Sequence[Placement],
                 forbidden: Collection[tuple[str, int]]) -> list[str]:
    errors: list[str] = []
    post_by_id = {post.id: post for post in posts}
    person_ids = {person.id for person in staff}
    for placement in fixed:
        if placement.post_id not in post_by_id:
            errors.append(f"固定安排引用了不存在的岗位 {placement.post_id}")
        if placement.staff_id not in person_ids:
            errors.append(f"固定安排引用了不存在的人员 {placement.staff_id}")
    if errors:
        return errors
    per_post: dict[str, int] = Counter(placement.post_id for placement in fixed)
    for post_id, n in per_post.items():
        post = post_by_id[post_id]
        if n > post.count:
            errors.append(f"岗位 {_post_name(post)} 需 {post.count} 人，固定安排了 {n} 人")
        elif n == post.count and post.leader and not any(p.leader for p in fixed if p.post_id == post_id):
            # The solver names a leader only among the people it adds; a full group without one is a hand
            # edit to correct first.
            errors.append(f"岗位 {_post_name(post)} 的考评组已固定 {n} 人但没有组长（{RULE_GROUP}）")
    for violation in dispatch_violations(posts, staff, fixed, partial=True, forbidden=forbidden):
        errors.append(f"固定安排违反规则：{violation.message}")
    return errors


def dispatch_violations(posts: Sequence[PostSpec], staff: Sequence[StaffSpec], placements: Iterable[Placement],
                        *, site_caps: Sequence[SiteCapSpec] = (), partial: bool = False,
                        forbidden: Collection[tuple[str, int]] = frozenset()) -> list[Violation]:
    """Every hard rule the dispatch breaks, one Violation each, in Chinese with the rule id.

    `placements` is the whole dispatch: posts need exactly `count` people (a post with fewer or more is a
    violation), exactly one leader in an assessor group and none elsewhere. `partial=True` checks a
    dispatch still being filled (fewer people than `count`, a group still without a leader, are accepted).
    `forbidden` (post_id, staff_id) pairs (declined posts) are violations too. Raises DispatchInputError if
    a placement names an unknown post or person."""
    placements = list(placements)
    post_by_id = {post.id: post for post in posts}
    person_by_id = {person.id: person for person in staff}
    unknown = [f"岗位 {p.post_id}" for p in placements if p.post_id not in post_by_id]
    unknown += [f"人员 {p.staff_id}" for p in placements if p.staff_id not in person_by_id]
    if unknown:
        raise DispatchInputError([f"安排引用了不存在的{what}" for what in dict.fromkeys(unknown)])
    batch = batch_candidates(posts)
    forbidden = forbidden_reasons(forbidden)
    violations: list[Violation] = []
    by_post: dict[str, list[Placement]] = defaultdict(list)
    by_person: dict[int, list[Placement]] = defaultdict(list)
    for placement in placements:
        post, person = post_by_id[placement.post_id], person_by_id[placement.staff_id]
        by_post[post.id].append(placement)
        by_person[person.id].append(placement)
        rule = staff_exclusion(post, person, batch_candidate_ids=batch[post.plan_id])
        if rule is None:
            rule = forbidden.get((post.id, person.id))
        if rule is not None:
            violations.append(Violation(rule, post.id, person.id, exclusion_message(rule, post, person)))

    for post in posts:
        placed = by_post.get(post.id, [])
        name = _post_name(post)
        role = ROLE_LABELS.get(post.role, post.role)
        if len(placed) > post.count or (len(placed) < post.count and not partial):
            rule = COUNT_RULES.get(post.role, RULE_GROUP)
            violations.append(Violation(rule, post.id, None,
                                        f"{name} 需{post.count}名{role}，现安排{len(placed)}名（{rule}）"))
        leaders = sum(1 for p in placed if p.leader)
        if post.leader and (leaders > 1 or (leaders == 0 and not partial)):
            violations.append(Violation(RULE_GROUP, post.id, None,
                                        f"{name} 的考评组须有且只有1名组长，现有{leaders}名（{RULE_GROUP}）"))
        if not post.leader and leaders:
            violations.append(Violation(RULE_GROUP, post.id, None, f"{name} 不设考评组长，却指定了{leaders}名组长"))

    for staff_id, placed in by_person.items():
        person = person_by_id[staff_id]
        seen: set[str] = set()
        for placement in placed:
            if placement.post_id in seen:
                post = post_by_id[placement.post_id]
                violations.append(Violation(RULE_OVERLAP, post.id, staff_id,
                                            f"{person.name} 在 {_post_name(post)} 中重复安排（{RULE_OVERLAP}）"))
            seen.add(placement.post_id)
        distinct = sorted(seen, key=lambda pid: (post_by_id[pid].intervals, pid))
        for i, first_id in enumerate(distinct):
            first = post_by_id[first_id]
            for second_id in distinct[i + 1:]:
                second = post_by_id[second_id]
                if posts_overlap(first, second):
                    both = f"{_post_name(first)} 和 {_post_name(second)}"
                    violations.append(Violation(RULE_OVERLAP, second.id, staff_id,
                                                f"{person.name} 同一时间被安排在 {both}（{RULE_OVERLAP}）"))
        if person.max_posts is not None and len(seen) > person.max_posts:
            violations.append(Violation(RULE_AVAILABILITY, distinct[-1], staff_id,
                                        f"{person.name} 最多安排{person.max_posts}个岗位，现安排{len(seen)}个"))

    for cap in site_caps:
        people = sum(len(by_post.get(pid, [])) for pid in cap.post_ids)
        if cap.candidates + people > cap.cap:
            violations.append(Violation(RULE_SITE_CAP, cap.post_ids[0] if cap.post_ids else "", None,
                                        site_cap_message(cap, people)))
    return violations


def site_cap_message(cap: SiteCapSpec, people: int) -> str:
    where = cap.label or f"考点{cap.site_id} {cap.start:%Y-%m-%d %H:%M}–{cap.end:%H:%M}"
    return (f"{where}：考生{cap.candidates}名 + 工作人员{people}名 = {cap.candidates + people}名，"
            f"超过上限{cap.cap}名（{RULE_SITE_CAP}）")
