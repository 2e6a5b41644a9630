"""The dispatch solver, one hard rule at a time (no database).

Each rule test builds a post and a person who would be the cheapest choice but breaks the rule, next to a
dearer person who keeps it: the solver must take the dearer one, `dispatch_violations` must name the rule
when the forbidden dispatch is written by hand, and without the alternative the post is reported short
with the person excluded under that rule.
"""

from datetime import timedelta

import pytest

from kaowu.staffing.solver import (
    DispatchInputError,
    Placement,
    SiteCapSpec,
    StaffSpec,
    Weights,
    dispatch_objective,
    dispatch_solve,
    dispatch_violations,
    staff_exclusion,
)
from kaowu.staffing.solver.model import (
    RULE_AVAILABILITY,
    RULE_GROUP,
    RULE_OVERLAP,
    RULE_QUALIFICATION,
    RULE_RECUSAL,
    RULE_SEPARATION,
    RULE_SITE_CAP,
)
from kaowu.staffing.tests.factories import DAY, FAR, HERE, at, card, person, post


def solve(posts, staff, **kwargs):
    kwargs.setdefault("time_limit", 20)
    result = dispatch_solve(posts, staff, **kwargs)
    if result.ok:
        assert dispatch_violations(posts, staff, result.placements, site_caps=kwargs.get("site_caps", ())) == []
    return result


def chosen(result, post_id: str) -> set[int]:
    return {p.staff_id for p in result.placements if p.post_id == post_id}


def assert_rule(posts, bad: StaffSpec, good: StaffSpec, rule: str, post_id: str = "p") -> None:
    """`bad` is cheaper but breaks `rule`: never chosen; a hand-made dispatch with them is flagged; alone,
    the post is short and `bad` is counted under `rule`."""
    result = solve(posts, [bad, good])
    assert result.status == "optimal"
    assert bad.id not in chosen(result, post_id) and good.id in chosen(result, post_id)
    target = next(p for p in posts if p.id == post_id)
    by_hand = [pl if pl.post_id != post_id else Placement(post_id, bad.id, pl.leader) for pl in result.placements]
    assert rule in {v.rule_id for v in dispatch_violations(posts, [bad, good], by_hand)}
    if len(posts) == 1 and target.count == 1:
        alone = solve(posts, [bad])
        assert alone.status == "infeasible" and alone.placements == ()
        (shortage,) = alone.shortages
        assert shortage.post_id == post_id and shortage.excluded == {rule: 1} and shortage.available == 0


# -- 1. role and registry ----------------------------------------------------------------------------


def test_a_person_fills_only_posts_of_roles_they_hold():
    bad = person(1, roles=("supervisor",))
    good = person(2, roles=("invigilator",), region=FAR)
    posts = [post("p", "invigilator")]
    result = solve(posts, [bad, good])
    assert chosen(result, "p") == {2}
    assert staff_exclusion(posts[0], bad) == "role"
    assert {v.rule_id for v in dispatch_violations(posts, [bad, good], [Placement("p", 1)])} == {"role"}


def test_staff_organisation_ids_restrict_who_may_fill_a_post():
    bad = person(1, roles=("invigilator",), org=11)  # another institution's invigilator, next door
    good = person(2, roles=("invigilator",), org=10, region=FAR)
    assert_rule([post("p", "invigilator", orgs={10})], bad, good, "organisation")


# -- 2. qualification R-SC24-8 --------------------------------------------------------------------------


def test_an_assessor_needs_a_card_for_the_item():
    bad = person(1, cards=[card("electrician", 1)])
    good = person(2, region=FAR)
    assert_rule([post("p")], bad, good, RULE_QUALIFICATION)


def test_an_assessor_card_must_reach_the_posts_level():
    bad = person(1, cards=[card(level=4)])  # may assess 四级 and 五级, not 三级
    good = person(2, cards=[card(level=1)], region=FAR)  # 一级 covers every level
    assert_rule([post("p", level=3)], bad, good, RULE_QUALIFICATION)
    assert staff_exclusion(post("q", level=None), bad) is None  # a post without a level takes any card


def test_an_expired_card_is_never_dispatched():
    bad = person(1, cards=[card(valid=DAY - timedelta(days=1), number="K-OLD")], name="张三")
    good = person(2, cards=[card(valid=DAY)], region=FAR)  # valid through the exam day
    assert_rule([post("p")], bad, good, RULE_QUALIFICATION)
    (violation,) = dispatch_violations([post("p")], [bad], [Placement("p", 1)])
    assert "张三" in violation.message and "K-OLD" in violation.message and "过期" in violation.message


def test_qualification_message_names_person_item_and_rule():
    (violation,) = dispatch_violations([post("p")], [person(1, cards=[], name="张三")], [Placement("p", 1)])
    assert violation.message == "张三 不具备 育婴员三级 考评资格（R-SC24-8）"


# -- 3. group R-SC21-3 ------------------------------------------------------------------------------------


def test_an_assessor_group_gets_exactly_one_leader_the_best_qualified():
    staff = [person(1, cards=[card(level=3)]), person(2, cards=[card(level=2)]), person(3, cards=[card(level=3)]),
             person(4, region=FAR)]
    posts = [post("g", count=3, leader=True), post("i", "invigilator", 2)]
    staff += [person(5, roles=("invigilator",)), person(6, roles=("invigilator",))]
    result = solve(posts, staff)
    group = [p for p in result.placements if p.post_id == "g"]
    assert len(group) == 3 and [p.staff_id for p in group if p.leader] == [2]
    assert not any(p.leader for p in result.placements if p.post_id == "i")


def test_group_without_or_with_two_leaders_is_a_violation():
    posts = [post("g", count=2, leader=True)]
    staff = [person(1), person(2)]
    none = [Placement("g", 1), Placement("g", 2)]
    two = [Placement("g", 1, True), Placement("g", 2, True)]
    assert [v.rule_id for v in dispatch_violations(posts, staff, none)] == [RULE_GROUP]
    assert [v.rule_id for v in dispatch_violations(posts, staff, two)] == [RULE_GROUP]
    assert dispatch_violations(posts, staff, [Placement("g", 1, True), Placement("g", 2)]) == []
    plain = [post("q", count=1)]
    assert [v.rule_id for v in dispatch_violations(plain, staff, [Placement("q", 1, True)])] == [RULE_GROUP]


def test_a_post_gets_exactly_its_count_never_more():
    staff = [person(n) for n in range(1, 7)]
    result = solve([post("g", count=3, leader=True)], staff)
    assert len(chosen(result, "g")) == 3
    assert [v.rule_id for v in dispatch_violations([post("g", count=3, leader=True)], staff,
                                                    [Placement("g", 1, True), Placement("g", 2)])] == [RULE_GROUP]


# -- 4. 考培分离 R-FJ-7 ---------------------------------------------------------------------------------


def test_a_trainer_of_the_batch_is_kept_out_of_every_post_of_the_batch():
    # The trainee (candidate 501) sits in another room of the same batch, not in this post's room.
    posts = [post("p", "invigilator", candidates={500}), post("other", "invigilator", start=14, end=16,
                                                               candidates={501})]
    bad = person(1, roles=("invigilator",), trained={501})
    good = person(2, roles=("invigilator",), region=FAR)
    result = solve(posts, [bad, good, person(3, roles=("invigilator",), region=FAR)])
    assert 1 not in chosen(result, "p") | chosen(result, "other")
    violations = dispatch_violations(posts, [bad, good], [Placement("p", 1), Placement("other", 2)])
    assert [v.rule_id for v in violations] == [RULE_SEPARATION]


def test_separation_holds_in_every_role_and_only_within_the_batch():
    for role in ("chief", "invigilator", "assessor", "supervisor"):
        bad = person(1, roles=(role,), trained={500})
        good = person(2, roles=(role,), region=FAR)
        assert_rule([post("p", role, candidates={500})], bad, good, RULE_SEPARATION)
    # Another batch's trainees do not matter.
    other_batch = [post("p", candidates={500}), post("x", plan=2, start=14, end=16, candidates={777})]
    result = solve(other_batch, [person(1, trained={777}), person(2, region=FAR)])
    assert chosen(result, "p") == {1} and chosen(result, "x") == {2}


# -- 5. 回避 R-FJ-19 --------------------------------------------------------------------------------------


def test_a_declared_relation_to_a_candidate_excludes_assessors_and_supervisors():
    for role in ("assessor", "supervisor"):
        bad = person(1, roles=(role,), related={500})
        good = person(2, roles=(role,), region=FAR)
        assert_rule([post("p", role, candidates={500, 501})], bad, good, RULE_RECUSAL)


def test_an_employer_shared_with_the_candidates_or_the_institution_excludes():
    bad = person(1, employers={"org:10"})
    good = person(2, region=FAR)
    assert_rule([post("p", conflicts={"org:10", "name:第一医院"})], bad, good, RULE_RECUSAL)
    bad = person(1, roles=("supervisor",), employers={"name:第一医院"})
    good = person(2, roles=("supervisor",), region=FAR)
    assert_rule([post("p", "supervisor", conflicts={"org:10", "name:第一医院"})], bad, good, RULE_RECUSAL)


def test_recusal_does_not_apply_to_invigilators():
    relative = person(1, roles=("invigilator",), related={500}, employers={"org:10"})
    assert staff_exclusion(post("p", "invigilator", candidates={500}, conflicts={"org:10"}), relative) is None


# -- 6. no overlap ---------------------------------------------------------------------------------------


def test_one_person_never_in_two_overlapping_posts():
    posts = [post("a", start=9, end=11), post("b", start=10, end=12)]
    cheap, dear = person(1), person(2, region=FAR)
    result = solve(posts, [cheap, dear])
    assert result.status == "optimal"
    assert chosen(result, "a") ^ chosen(result, "b") == {1, 2}
    violations = dispatch_violations(posts, [cheap, dear], [Placement("a", 1), Placement("b", 1)])
    assert [v.rule_id for v in violations] == [RULE_OVERLAP]
    short = solve(posts, [cheap])
    assert short.status == "infeasible" and short.placements == ()
    (shortage,) = short.shortages
    assert shortage.rule_id == RULE_OVERLAP and "同一时间" in shortage.message


def test_adjacent_posts_do_not_overlap():
    posts = [post("a", start=9, end=11), post("b", start=11, end=13)]
    result = solve(posts, [person(1), person(2, region=FAR)], weights=Weights(load_step=0))
    assert chosen(result, "a") == chosen(result, "b") == {1}


def test_the_same_person_never_twice_in_one_post():
    result = solve([post("g", count=2)], [person(1)])
    assert result.status == "infeasible"
    violations = dispatch_violations([post("g", count=2)], [person(1)], [Placement("g", 1), Placement("g", 1)])
    assert RULE_OVERLAP in {v.rule_id for v in violations}


# -- 7. availability ------------------------------------------------------------------------------------


def test_a_person_is_never_dispatched_on_a_day_they_cannot_work():
    assert_rule([post("p")], person(1, unavailable={DAY}), person(2, region=FAR), RULE_AVAILABILITY)
    assert_rule([post("p")], person(1, available_only={DAY + timedelta(days=1)}), person(2, region=FAR),
                RULE_AVAILABILITY)
    assert staff_exclusion(post("p"), person(1, available_only={DAY})) is None


def test_max_posts_is_never_exceeded():
    posts = [post("a", start=9, end=11), post("b", start=14, end=16)]
    capped, other = person(1, max_posts=1), person(2, region=FAR)
    result = solve(posts, [capped, other], weights=Weights(load_step=0))
    assert len([p for p in result.placements if p.staff_id == 1]) == 1
    violations = dispatch_violations(posts, [capped, other], [Placement("a", 1), Placement("b", 1)])
    assert [v.rule_id for v in violations] == [RULE_AVAILABILITY]
    assert solve(posts, [capped]).status == "infeasible"


# -- 8. site cap R-SC21-2 ----------------------------------------------------------------------------------


def test_a_site_cap_that_the_counts_exceed_is_reported_and_nothing_is_dispatched():
    posts = [post("a", count=3, leader=True), post("i", "invigilator", 2)]
    staff = [person(n) for n in range(1, 5)] + [person(n, roles=("invigilator",)) for n in (5, 6)]
    cap = SiteCapSpec(1, at(9), at(11), cap=50, candidates=46, post_ids=("a", "i"), label="第一考点 上午")
    result = solve(posts, staff, site_caps=[cap])
    assert result.status == "infeasible" and result.placements == ()
    (shortage,) = result.shortages
    assert shortage.rule_id == RULE_SITE_CAP and "第一考点 上午" in shortage.message and "51" in shortage.message
    fits = SiteCapSpec(1, at(9), at(11), cap=50, candidates=45, post_ids=("a", "i"))
    assert solve(posts, staff, site_caps=[fits]).ok
    by_hand = solve(posts, staff, site_caps=[fits]).placements
    assert [v.rule_id for v in dispatch_violations(posts, staff, by_hand, site_caps=[cap])] == [RULE_SITE_CAP]


# -- soft goals ------------------------------------------------------------------------------------------


def test_travel_prefers_the_same_district_then_city_then_province():
    staff = [person(1, region="440104"), person(2, region="510700"), person(3, region="510199"),
             person(4, region=HERE)]
    result = solve([post("p", count=2)], staff)
    assert chosen(result, "p") == {3, 4}
    assert result.objective == Weights().travel_same_city + Weights().travel_same_district


def test_load_is_balanced_when_travel_ties():
    posts = [post(f"p{n}", start=8 + 2 * n, end=9 + 2 * n) for n in range(4)]
    staff = [person(1), person(2)]
    result = solve(posts, staff)
    loads = sorted(len([p for p in result.placements if p.staff_id == s]) for s in (1, 2))
    assert loads == [2, 2] and result.objective == 2 * Weights().load_step


def test_an_assessor_is_not_sent_back_to_last_batchs_institution_if_avoidable():
    result = solve([post("p", institution=10)], [person(1, recent={10}), person(2, region="510199")])
    assert chosen(result, "p") == {2} and result.objective == Weights().travel_same_city


def test_the_reported_objective_is_the_weighted_sum_and_bound_and_gap_agree():
    posts = [post(f"p{n}", count=2, start=8 + 2 * n, end=9 + 2 * n) for n in range(3)]
    staff = [person(n, region=(HERE, FAR, "510199")[n % 3], recent={10} if n == 2 else ()) for n in range(1, 6)]
    result = solve(posts, staff)
    assert result.status == "optimal" and result.gap == 0.0 and result.bound == result.objective
    assert result.objective == dispatch_objective(posts, staff, result.placements)


# -- fixed, forbidden, input -----------------------------------------------------------------------------


def test_fixed_placements_stay_and_forbidden_pairs_are_never_used():
    posts = [post("g", count=3, leader=True)]
    staff = [person(n) for n in range(1, 5)] + [person(5, region=FAR)]
    fixed = [Placement("g", 1), Placement("g", 2)]
    # Person 3 declined; the group's leader declined too: the new member leads.
    result = solve(posts, staff, fixed=fixed, forbidden={("g", 3)})
    assert result.ok
    assert chosen(result, "g") == {1, 2, 4}
    assert [p.staff_id for p in result.placements if p.leader] == [4]


def test_fixed_placements_count_towards_overlaps_and_load():
    posts = [post("a", start=9, end=11), post("b", start=10, end=12)]
    result = solve(posts, [person(1), person(2, region=FAR)], fixed=[Placement("a", 1)])
    assert chosen(result, "b") == {2}


@pytest.mark.parametrize("posts,staff,fixed,words", [
    ([post("p"), post("p")], [person(1)], [], "岗位编号 p 重复"),
    ([post("p")], [person(1), person(1)], [], "人员编号 1 重复"),
    ([post("p", count=0)], [person(1)], [], "需求人数"),
    ([post("p", "driver")], [person(1)], [], "角色 driver"),
    ([post("p")], [person(1, roles=("cook",))], [], "角色 cook"),
    ([post("p")], [person(1)], [Placement("q", 1)], "不存在的岗位 q"),
    ([post("p")], [person(1)], [Placement("p", 9)], "不存在的人员 9"),
    ([post("p")], [person(1), person(2)], [Placement("p", 1), Placement("p", 2)], "固定安排了 2 人"),
    ([post("p")], [person(1, cards=[])], [Placement("p", 1)], "R-SC24-8"),
    ([post("g", count=1, leader=True)], [person(1)], [Placement("g", 1)], "没有组长"),
])
def test_malformed_input_is_refused_with_every_problem(posts, staff, fixed, words):
    with pytest.raises(DispatchInputError) as error:
        dispatch_solve(posts, staff, fixed=fixed, time_limit=5)
    assert any(words in message for message in error.value.errors)
