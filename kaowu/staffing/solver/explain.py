"""Shortages: which posts cannot be filled and why, in Chinese."""

from collections.abc import Sequence

from kaowu.staffing.solver.eligibility import EXCLUSION_ORDER, RULE_ROLE, rule_text
from kaowu.staffing.solver.model import (
    ROLE_LABELS,
    RULE_AVAILABILITY,
    RULE_OVERLAP,
    RULE_QUALIFICATION,
    RULE_SITE_CAP,
    Shortage,
    SiteCapSpec,
)
from kaowu.staffing.solver.prepare import Prepared
from kaowu.staffing.solver.validate import posts_overlap, site_cap_message


def _head(prep: Prepared, p: int, available: int) -> str:
    post = prep.posts[p]
    need = prep.need[p]
    fixed = post.count - need
    what = f"{post.item_label} {ROLE_LABELS.get(post.role, post.role)}" if post.item_label else \
        ROLE_LABELS.get(post.role, post.role)
    also = f"（另有{fixed}名已固定）" if fixed else ""
    return f"{post.label or post.id}: 需{need}名 {what}{also}, 可用{available}名"


def _reasons(excluded: dict[str, int]) -> str:
    order = [rule for rule in EXCLUSION_ORDER if rule in excluded and rule != RULE_ROLE]
    return "; ".join(f"{excluded[rule]}名因{rule_text(rule)}排除" for rule in order)


def alone_shortage(prep: Prepared, p: int) -> Shortage:
    """A post that too few people can fill even taken alone: how many could, and what excluded the others
    (each person under the first rule of EXCLUSION_ORDER that excludes them)."""
    post = prep.posts[p]
    available, excluded = prep.exclusion_counts(p)
    reasons = _reasons(excluded)
    message = _head(prep, p, available) + (f"; {reasons}" if reasons else "; 没有其他符合条件的人员")
    main = max((rule for rule in EXCLUSION_ORDER if rule in excluded and rule != RULE_ROLE),
               key=lambda rule: excluded[rule], default=RULE_QUALIFICATION)
    return Shortage(post.id, post.role, prep.need[p], available, excluded, message, main)


def collision_shortage(prep: Prepared, p: int, placed: dict[int, list[int]], proven: bool) -> Shortage:
    """A post that enough people could fill alone, left short because those people are needed elsewhere
    at the same time (or have reached max_posts). `placed`: person → posts in the dispatch found."""
    post = prep.posts[p]
    available, excluded = prep.exclusion_counts(p)
    filled = sum(1 for posts in placed.values() if p in posts)
    busy: set[int] = set()
    full = 0
    elsewhere: dict[int, int] = {}
    for s in prep.cand[p]:
        mine = placed.get(s, [])
        if p in mine:
            continue
        clash = [q for q in mine if q != p and posts_overlap(post, prep.posts[q])]
        if clash:
            busy.add(s)
            for q in clash:
                elsewhere[q] = elsewhere.get(q, 0) + 1
        elif len(mine) - len(prep.fixed_posts_of[s]) >= prep.room_left[s]:
            full += 1
    parts = []
    if busy:
        top = sorted(elsewhere, key=lambda q: (-elsewhere[q], q))[:3]
        labels = "、".join(prep.posts[q].label or prep.posts[q].id for q in top)
        more = "等岗位" if len(elsewhere) > 3 else ""
        parts.append(f"其中{len(busy)}名同一时间须在 {labels}{more}（{RULE_OVERLAP}）")
    if full:
        parts.append(f"{full}名已达本次岗位上限")
    if not proven:
        parts.append("在时限内未能补足，可延长求解时间后重试")
    message = _head(prep, p, available) + (", 但" + ", ".join(parts) if parts else "") + f", 只能安排{filled}名"
    rule = RULE_OVERLAP if busy else RULE_AVAILABILITY if full else RULE_QUALIFICATION
    return Shortage(post.id, post.role, prep.need[p], available, excluded, message, rule)


def cap_shortages(prep: Prepared, site_caps: Sequence[SiteCapSpec]) -> list[Shortage]:
    """R-SC21-2 with exact post counts is a plain sum: candidates plus every post's count."""
    shortages = []
    for cap in site_caps:
        people = sum(prep.posts[prep.post_index[pid]].count for pid in cap.post_ids)
        if cap.candidates + people > cap.cap:
            first = prep.posts[prep.post_index[cap.post_ids[0]]]
            shortages.append(Shortage(first.id, first.role, people, max(0, cap.cap - cap.candidates), {},
                                      site_cap_message(cap, people), RULE_SITE_CAP))
    return shortages
