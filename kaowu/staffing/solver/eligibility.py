"""Who may fill a post taken alone, what a placement costs, and the Chinese words for both.

Everything here looks at one post and one person (plus the batch's candidates for 考培分离); the rules
that need the whole dispatch (overlaps, counts, leaders, site caps) are in validate.py.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date

from kaowu.staffing.solver.model import (
    ROLE_LABELS,
    RULE_AVAILABILITY,
    RULE_GROUP,
    RULE_OVERLAP,
    RULE_QUALIFICATION,
    RULE_RECUSAL,
    RULE_SEPARATION,
    RULE_SITE_CAP,
    CardSpec,
    PostSpec,
    StaffSpec,
    Weights,
)

# Two ids that are not regulations, like RULE_AVAILABILITY: the person does not hold the post's role, or
# is not registered by one of the organisations allowed to fill it (PostSpec.staff_organisation_ids).
RULE_ROLE = "role"
RULE_ORGANISATION = "organisation"
# The (post, person) pair is in `forbidden`: the person declined this post. `forbidden` may also map a
# pair to the rule that keeps the person out (R-FJ-8 for someone busy in another batch at that time), so a
# shortage counts each person under the real reason.
RULE_DECLINED = "declined"

# The order in which a person's exclusion is attributed (the first rule that excludes them counts, so a
# shortage's `excluded` adds up to the people of the role who cannot take the post). Fixed placements that
# tie a person up at the same time count under R-FJ-8; `max_posts` used up by fixed placements under
# availability.
EXCLUSION_ORDER = (RULE_ROLE, RULE_ORGANISATION, RULE_QUALIFICATION, RULE_SEPARATION, RULE_RECUSAL,
                   RULE_AVAILABILITY, RULE_DECLINED, RULE_OVERLAP)

RULE_LABELS = {
    RULE_ROLE: "不担任该岗位",
    RULE_ORGANISATION: "不属于指定派出单位",
    RULE_QUALIFICATION: "无有效考评资格",
    RULE_SEPARATION: "考培分离",
    RULE_RECUSAL: "回避",
    RULE_AVAILABILITY: "当日不能出勤",
    RULE_DECLINED: "已谢绝",
    RULE_OVERLAP: "同一时间已有安排",
    RULE_GROUP: "考评组",
    RULE_SITE_CAP: "考点人数上限",
}

DEFAULT_WEIGHTS = Weights()  # frozen: safe to share as a default argument

# Roles whose people must recuse themselves from relatives and from the candidates' employers (R-FJ-19).
RECUSAL_ROLES = frozenset({"assessor", "supervisor"})


def forbidden_reasons(forbidden: Collection[tuple[str, int]] | Mapping[tuple[str, int], str]
                      ) -> dict[tuple[str, int], str]:
    """`forbidden` as {(post_id, staff_id): rule id}: a plain collection of pairs means declined."""
    if isinstance(forbidden, Mapping):
        return {pair: rule or RULE_DECLINED for pair, rule in forbidden.items()}
    return dict.fromkeys(forbidden, RULE_DECLINED)


def rule_text(rule_id: str) -> str:
    """"考培分离（R-FJ-7）" for a regulation, the bare label for the solver's own ids."""
    label = RULE_LABELS.get(rule_id, rule_id)
    return f"{label}（{rule_id}）" if rule_id.startswith("R-") else label


def card_covers(card: CardSpec, post: PostSpec) -> bool:
    """R-SC24-8: the card is for the post's item, its highest level is at least as high as the post's (1 is
    the highest), and it is still valid on the post's day. A card without a level (special items) covers
    only posts without a level; a post without a level takes any card of its item."""
    if card.item_key != post.item_key or card.valid_until < post.day:
        return False
    if post.level is None:
        return True
    return card.highest_level is not None and card.highest_level <= post.level


def qualified(post: PostSpec, person: StaffSpec) -> bool:
    return post.role != "assessor" or any(card_covers(card, post) for card in person.cards)


def best_card_level(post: PostSpec, person: StaffSpec) -> int:
    """The highest level (smallest number) among the person's cards covering the post; 99 if none has one.
    Used to name the group leader: the best-qualified newly placed member."""
    levels = [card.highest_level for card in person.cards if card_covers(card, post) and card.highest_level]
    return min(levels, default=99)


def available_on(person: StaffSpec, day: date) -> bool:
    if day in person.unavailable:
        return False
    return person.available_only is None or day in person.available_only


def staff_exclusion(post: PostSpec, person: StaffSpec, *,
                    batch_candidate_ids: frozenset[int] | None = None) -> str | None:
    """The id of the first rule (EXCLUSION_ORDER) that keeps `person` out of `post` taken alone, or None.

    考培分离 looks at the candidates of the post's whole batch: pass them as `batch_candidate_ids` (the union
    of `candidate_ids` of every post with the same plan_id; `batch_candidates` computes it). Without it only
    the post's own candidates are looked at. Overlaps, counts and site caps need the whole dispatch: see
    `dispatch_violations`."""
    if post.role not in person.roles:
        return RULE_ROLE
    if post.staff_organisation_ids is not None and person.organisation_id not in post.staff_organisation_ids:
        return RULE_ORGANISATION
    if not qualified(post, person):
        return RULE_QUALIFICATION
    trained_in = batch_candidate_ids if batch_candidate_ids is not None else post.candidate_ids
    if person.trained_candidate_ids and not person.trained_candidate_ids.isdisjoint(trained_in):
        return RULE_SEPARATION
    if post.role in RECUSAL_ROLES and (
            not person.related_candidate_ids.isdisjoint(post.candidate_ids)
            or not person.employer_keys.isdisjoint(post.conflict_employer_keys)):
        return RULE_RECUSAL
    if not available_on(person, post.day) or person.max_posts == 0:
        return RULE_AVAILABILITY
    return None


def batch_candidates(posts: Iterable[PostSpec]) -> dict[int, frozenset[int]]:
    """plan_id → the candidates of every post of that batch (for 考培分离, R-FJ-7)."""
    gathered: dict[int, set[int]] = {}
    for post in posts:
        gathered.setdefault(post.plan_id, set()).update(post.candidate_ids)
    return {plan: frozenset(ids) for plan, ids in gathered.items()}


def exclusion_message(rule_id: str, post: PostSpec, person: StaffSpec) -> str:
    """Why `person` may not fill `post`, in Chinese, ending with the rule id."""
    name, where = person.name, post.label or post.id
    role = ROLE_LABELS.get(post.role, post.role)
    if rule_id == RULE_ROLE:
        return f"{name} 不担任{role}，不能安排到 {where}"
    if rule_id == RULE_ORGANISATION:
        return f"{name} 不属于 {where} 指定的派出单位，不能担任该岗位{role}"
    if rule_id == RULE_QUALIFICATION:
        item = post.item_label or post.item_key or ""
        expired = [card for card in person.cards if card.item_key == post.item_key and card.valid_until < post.day
                   and (post.level is None or (card.highest_level or 99) <= post.level)]
        if expired:
            card = expired[0]
            return (f"{name} 的 {item} 考评员证（{card.number}）已于 {card.valid_until:%Y-%m-%d} 过期，"
                    f"不能在 {where} 考评（{RULE_QUALIFICATION}）")
        return f"{name} 不具备 {item} 考评资格（{RULE_QUALIFICATION}）"
    if rule_id == RULE_SEPARATION:
        return f"{name} 培训过本批次的考生，须考培分离，不能担任 {where} 的{role}（{RULE_SEPARATION}）"
    if rule_id == RULE_RECUSAL:
        if not person.related_candidate_ids.isdisjoint(post.candidate_ids):
            return f"{name} 与 {where} 的考生有申报的亲属等关系，须回避（{RULE_RECUSAL}）"
        return f"{name} 的工作单位与 {where} 的考生单位或考试机构相同，须回避（{RULE_RECUSAL}）"
    if rule_id == RULE_AVAILABILITY:
        if person.max_posts == 0:
            return f"{name} 本次不安排任何岗位，不能担任 {where} 的{role}"
        return f"{name} {post.day:%Y-%m-%d} 不能出勤，不能担任 {where} 的{role}"
    if rule_id == RULE_DECLINED:
        return f"{name} 已谢绝 {where} 的{role}岗位"
    if rule_id == RULE_OVERLAP:
        return f"{name} 同一时间已有其他安排，不能担任 {where} 的{role}（{RULE_OVERLAP}）"
    return f"{name} 不能担任 {where} 的{role}（{rule_id}）"


def travel_cost(post: PostSpec, person: StaffSpec, weights: Weights) -> int:
    """Travel by administrative code: same district (6 digits equal), same city (first 4), same province
    (first 2), other. A post without a region costs nothing; a person without one counts as another
    province (their home is unknown)."""
    there, home = post.region_code, person.region_code
    if not there:
        return 0
    if not home:
        return weights.travel_other_province
    if home == there:
        return weights.travel_same_district
    if home[:4] == there[:4]:
        return weights.travel_same_city
    if home[:2] == there[:2]:
        return weights.travel_same_province
    return weights.travel_other_province


def placement_cost(post: PostSpec, person: StaffSpec, weights: Weights) -> int:
    """The part of the objective one placement carries alone: travel, plus `repeat_institution` for an
    assessor back at an institution they assessed at in the previous batch."""
    cost = travel_cost(post, person, weights)
    if post.role == "assessor" and post.institution_id in person.recent_institution_ids:
        cost += weights.repeat_institution
    return cost


def load_cost(load: int, weights: Weights) -> int:
    """Balanced load: the 2nd post costs load_step, the 3rd 2×load_step, ...: load_step × L(L−1)/2."""
    return weights.load_step * load * (load - 1) // 2 if load > 1 else 0


def dispatch_objective(posts: Sequence[PostSpec], staff: Sequence[StaffSpec], placements: Iterable,
                       weights: Weights = DEFAULT_WEIGHTS) -> int:
    """The objective of a whole dispatch (fixed placements included), computed directly from its
    placements: the figure `dispatch_solve` minimises, for reports and tests."""
    post_by_id = {post.id: post for post in posts}
    person_by_id = {person.id: person for person in staff}
    total = 0
    load: dict[int, int] = {}
    for placement in placements:
        post, person = post_by_id[placement.post_id], person_by_id[placement.staff_id]
        total += placement_cost(post, person, weights)
        load[person.id] = load.get(person.id, 0) + 1
    return total + sum(load_cost(n, weights) for n in load.values())
