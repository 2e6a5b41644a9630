"""An independent re-check of a staff dispatch against every hard rule.

The `dispatch` benchmark runs the CP-SAT solver and then hands its placements to
`dispatch_independent_violations`. This module deliberately shares nothing with the solver but the
input/output dataclasses of kaowu/staffing/solver/model.py: the rules are read again from RULES.md and
written again here, so a misreading in the solver is not silently repeated by its own checker.

Each violation is one Simplified Chinese message starting with its rule id in brackets:

- [input]        a placement names an unknown post or person; duplicate ids in the posts or staff given
- [R-FJ-8]       a post with fewer or more distinct people than `count`, a person twice in one post, or one
                 person in two posts whose half-open intervals overlap
- [role]         the person does not hold the post's role, or is not registered by an allowed organisation
- [R-SC24-8]     an assessor without a card for the post's item and level that is valid on the post's day
- [R-SC21-3]     an assessor group without exactly one leader, or a leader flag on a post without a group
- [R-FJ-7]       考培分离: a trainer of any candidate of the batch (plan) fills a post of that batch
- [R-FJ-19]      回避: an assessor or supervisor related to a candidate of the post, or employed by one of
                 the post's conflicting employers
- [availability] a post on a day the person is unavailable, or more posts than the person's `max_posts`
- [R-SC21-2]     a site's candidates plus staff over its cap
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from kaowu.staffing.solver.model import ROLE_LABELS, Placement, PostSpec, SiteCapSpec, StaffSpec

LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}


def _item_text(post: PostSpec) -> str:
    if post.item_label:
        return post.item_label
    text = post.item_key or "（未指定项目）"
    if post.level is not None:
        text += " " + LEVEL_NAMES.get(post.level, f"{post.level}级")
    return text


def _ids(values: Iterable) -> str:
    return "、".join(str(v) for v in sorted(values))


def _qualification_problem(person: StaffSpec, post: PostSpec) -> str | None:
    """Why `person` may not assess `post` (None when a card covers it). Distinguishes no card for the
    item, a card for a lower level only, and a card past its date, so a reader knows what to fix."""
    item_cards = [card for card in person.cards if card.item_key == post.item_key]
    if not item_cards:
        return f"无 {_item_text(post)} 有效考评员证"
    if post.level is None:
        level_cards = item_cards
    else:
        # 1 is the highest level; a card for level L covers L and every larger number. A card without a
        # level (special items) covers only posts without a level.
        level_cards = [c for c in item_cards if c.highest_level is not None and c.highest_level <= post.level]
    if not level_cards:
        held = "、".join(
            "无等级" if c.highest_level is None else LEVEL_NAMES.get(c.highest_level, f"{c.highest_level}级")
            for c in item_cards
        )
        return f"无 {_item_text(post)} 有效考评员证（所持证书等级：{held}）"
    if not any(card.valid_until >= post.day for card in level_cards):
        latest = max(card.valid_until for card in level_cards)
        return f"无 {_item_text(post)} 有效考评员证（证书有效期至 {latest.isoformat()}，早于 {post.day.isoformat()}）"
    return None


def _overlapping_post_pairs(post_ids: Sequence[str], posts_by_id: dict[str, PostSpec]) -> list[tuple[str, str]]:
    """Pairs of distinct posts (in first-seen order) among `post_ids` with overlapping half-open intervals.

    Sweep over the person's intervals sorted by start, keeping those still open; an interval overlaps every
    open one whose end is after its start. Empty intervals occupy nothing and are skipped."""
    intervals: list[tuple[datetime, datetime, str]] = []
    for post_id in post_ids:
        for start, end in posts_by_id[post_id].intervals:
            if start < end:
                intervals.append((start, end, post_id))
    intervals.sort(key=lambda item: (item[0], item[1]))
    order = {post_id: index for index, post_id in enumerate(post_ids)}
    pairs: set[tuple[str, str]] = set()
    active: list[tuple[datetime, str]] = []  # (end, post_id) of intervals not yet closed
    for start, end, post_id in intervals:
        active = [(a_end, a_post) for a_end, a_post in active if a_end > start]
        for _a_end, a_post in active:
            if a_post != post_id:
                pairs.add(tuple(sorted((a_post, post_id), key=order.__getitem__)))
        active.append((end, post_id))
    return sorted(pairs, key=lambda pair: (order[pair[0]], order[pair[1]]))


def dispatch_independent_violations(
    posts: Sequence[PostSpec],
    staff: Sequence[StaffSpec],
    placements: Sequence[Placement],
    site_caps: Sequence[SiteCapSpec] = (),
) -> list[str]:
    """Every hard rule `placements` break, one Chinese message each; an empty list means a clean dispatch."""
    messages: list[str] = []

    posts_by_id: dict[str, PostSpec] = {}
    for post in posts:
        if post.id in posts_by_id:
            messages.append(f"[input] 岗位 {post.id} 重复出现")
        posts_by_id.setdefault(post.id, post)
    staff_by_id: dict[int, StaffSpec] = {}
    for person in staff:
        if person.id in staff_by_id:
            messages.append(f"[input] 人员 {person.id} 重复出现")
        staff_by_id.setdefault(person.id, person)

    # Placements grouped per post (known posts only), in the order given.
    by_post: dict[str, list[Placement]] = defaultdict(list)
    for placement in placements:
        if placement.post_id not in posts_by_id:
            messages.append(f"[input] 安排了未知岗位 {placement.post_id}（人员 {placement.staff_id}）")
            continue
        if placement.staff_id not in staff_by_id:
            messages.append(f"[input] 岗位 {placement.post_id}：未知人员 {placement.staff_id}")
        by_post[placement.post_id].append(placement)

    # 考培分离 looks at the whole batch: the union of candidates of every post of the plan.
    batch_candidates: dict[int, set[int]] = defaultdict(set)
    for post in posts_by_id.values():
        batch_candidates[post.plan_id].update(post.candidate_ids)

    # Posts per known person (distinct, first-seen order) for overlaps and max_posts.
    posts_of_person: dict[int, list[str]] = defaultdict(list)

    for post in posts_by_id.values():
        group = by_post.get(post.id, [])
        where = f"岗位 {post.id}"
        role_label = ROLE_LABELS.get(post.role, post.role)

        # R-FJ-8: exactly `count` distinct people, nobody twice.
        seen: dict[int, None] = {}  # distinct people, in the order placed
        for placement in group:
            if placement.staff_id in seen:
                messages.append(f"[R-FJ-8] {where}：人员 {placement.staff_id} 被重复安排")
            seen[placement.staff_id] = None
        if len(seen) < post.count:
            messages.append(f"[R-FJ-8] {where}：需 {post.count} 名{role_label}，只安排了 {len(seen)} 名")
        elif len(seen) > post.count:
            messages.append(f"[R-FJ-8] {where}：需 {post.count} 名{role_label}，却安排了 {len(seen)} 名")

        # R-SC21-3: an assessor group has exactly one leader; no other post has one.
        leaders = [p.staff_id for p in group if p.leader]
        if post.leader and post.role == "assessor":
            if not leaders:
                messages.append(f"[R-SC21-3] {where}：考评组未指定组长")
            elif len(leaders) > 1:
                messages.append(f"[R-SC21-3] {where}：考评组有 {len(leaders)} 名组长（人员 {_ids(leaders)}）")
        elif leaders:
            why = "非考评员岗位不设组长" if post.role != "assessor" else "该岗位不设组长"
            messages.append(f"[R-SC21-3] {where}：{why}，却指定了组长（人员 {_ids(leaders)}）")

        batch = batch_candidates[post.plan_id]
        for staff_id in seen:
            person = staff_by_id.get(staff_id)
            if person is None:
                continue
            who = f"人员 {staff_id}"
            posts_of_person[staff_id].append(post.id)

            if post.role not in person.roles:
                messages.append(f"[role] {where}：{who} 不具备{role_label}身份")
            if post.staff_organisation_ids is not None and person.organisation_id not in post.staff_organisation_ids:
                messages.append(
                    f"[role] {where}：{who} 所属机构 {person.organisation_id} 不在可派遣机构"
                    f"（{_ids(post.staff_organisation_ids)}）之内"
                )

            if post.role == "assessor":
                problem = _qualification_problem(person, post)
                if problem:
                    messages.append(f"[R-SC24-8] {where}：{who} {problem}")

            trained = person.trained_candidate_ids & batch
            if trained:
                messages.append(
                    f"[R-FJ-7] {where}：{who} 培训过本批次（计划 {post.plan_id}）考生 {_ids(trained)}，考培分离"
                )

            if post.role in ("assessor", "supervisor"):
                related = person.related_candidate_ids & post.candidate_ids
                if related:
                    messages.append(f"[R-FJ-19] {where}：{who} 与考生 {_ids(related)} 有亲属等关系，应回避")
                employers = person.employer_keys & post.conflict_employer_keys
                if employers:
                    messages.append(
                        f"[R-FJ-19] {where}：{who} 的工作单位 {_ids(employers)} 与考生或考核机构冲突，应回避"
                    )

            if post.day in person.unavailable:
                messages.append(f"[availability] {where}：{who} 在 {post.day.isoformat()} 不可出勤")
            elif person.available_only is not None and post.day not in person.available_only:
                messages.append(f"[availability] {where}：{who} 仅在指定日期可出勤，不含 {post.day.isoformat()}")

    # Per person: overlapping posts (R-FJ-8) and the bound on posts.
    for staff_id, post_ids in posts_of_person.items():
        for first, second in _overlapping_post_pairs(post_ids, posts_by_id):
            messages.append(f"[R-FJ-8] 人员 {staff_id}：岗位 {first} 与岗位 {second} 时间重叠")
        bound = staff_by_id[staff_id].max_posts
        if bound is not None and len(post_ids) > bound:
            messages.append(f"[availability] 人员 {staff_id}：安排了 {len(post_ids)} 个岗位，超过上限 {bound} 个")

    # R-SC21-2: candidates plus every placement in the cap's posts (placements counted as given).
    placed_per_post: dict[str, int] = defaultdict(int)
    for placement in placements:
        placed_per_post[placement.post_id] += 1
    for cap in site_caps:
        staff_count = sum(placed_per_post.get(post_id, 0) for post_id in set(cap.post_ids))
        if cap.candidates + staff_count > cap.cap:
            label = cap.label or f"场地 {cap.site_id} {cap.start.isoformat(' ', 'minutes')}–{cap.end:%H:%M}"
            messages.append(
                f"[R-SC21-2] {label}：考生 {cap.candidates} 人 + 工作人员 {staff_count} 人 = "
                f"{cap.candidates + staff_count} 人，超过上限 {cap.cap} 人"
            )

    return messages
