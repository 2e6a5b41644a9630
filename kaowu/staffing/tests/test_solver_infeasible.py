"""Infeasible instances: the solver says which posts cannot be filled and why (no database)."""

from datetime import timedelta

from kaowu.staffing.solver import Placement, dispatch_solve, part
from kaowu.staffing.solver.cpsat import PartResult
from kaowu.staffing.solver.model import RULE_OVERLAP, RULE_QUALIFICATION, RULE_SEPARATION
from kaowu.staffing.tests.factories import DAY, FAR, card, person, post


def test_a_post_short_taken_alone_is_explained_rule_by_rule():
    room = post("r", count=3, leader=True, start=14, end=16, candidates={500, 501},
                label="2026-12-05 14:00 育婴员 四级 操作技能 实操室A")
    staff = [person(1), person(2, trained={500}), person(3, trained={501}),
             person(4, roles=("supervisor",))]  # another role: not counted
    result = dispatch_solve([room], staff, time_limit=10)
    assert result.status == "infeasible" and result.placements == () and not result.ok
    (shortage,) = result.shortages
    assert shortage.post_id == "r" and shortage.role == "assessor"
    assert (shortage.needed, shortage.available, shortage.excluded) == (3, 1, {RULE_SEPARATION: 2})
    assert shortage.rule_id == RULE_SEPARATION
    assert shortage.message == ("2026-12-05 14:00 育婴员 四级 操作技能 实操室A: 需3名 育婴员三级 考评员, 可用1名; "
                                "2名因考培分离（R-FJ-7）排除")


def test_each_excluded_person_counts_once_under_the_first_rule_in_order():
    staff = [
        person(1, cards=[card("electrician", 1)], trained={500}),  # qualification first, not separation
        person(2, trained={500}, related={500}),  # separation before recusal
        person(3, related={500}, unavailable={DAY}),  # recusal before availability
        person(4, unavailable={DAY}),
        person(5, cards=[card(valid=DAY - timedelta(days=1))]),
    ]
    result = dispatch_solve([post("p", count=2, candidates={500})], staff, time_limit=10)
    (shortage,) = result.shortages
    assert shortage.excluded == {RULE_QUALIFICATION: 2, RULE_SEPARATION: 1, "R-FJ-19": 1, "availability": 1}
    assert shortage.available == 0 and shortage.rule_id == RULE_QUALIFICATION
    assert "2名因无有效考评资格（R-SC24-8）排除; 1名因考培分离（R-FJ-7）排除; 1名因回避（R-FJ-19）排除; " \
           "1名因当日不能出勤排除" in shortage.message


def test_declined_people_and_fixed_commitments_are_counted_as_well():
    posts = [post("p", count=2), post("busy", start=10, end=12)]
    staff = [person(1), person(2), person(3)]
    result = dispatch_solve(posts, staff, fixed=[Placement("busy", 3)], forbidden={("p", 2)}, time_limit=10)
    assert result.status == "infeasible"
    (shortage,) = result.shortages
    assert shortage.excluded == {"declined": 1, RULE_OVERLAP: 1} and shortage.available == 1


def test_posts_that_collide_are_explained_by_the_people_they_share():
    # Each room alone has its 3 assessors; at the same time they would need 6 and there are 4.
    posts = [post("a", count=3, leader=True, label="上午 实操1"), post("b", count=3, leader=True, start=10, end=12,
                                                                   label="上午 实操2"),
             post("later", count=3, leader=True, start=14, end=16)]
    staff = [person(n) for n in range(1, 5)]
    result = dispatch_solve(posts, staff, time_limit=10)
    assert result.status == "infeasible" and result.placements == ()
    (shortage,) = result.shortages  # one of the two morning rooms; the afternoon is fine
    assert shortage.post_id in ("a", "b") and shortage.rule_id == RULE_OVERLAP
    other = "上午 实操2" if shortage.post_id == "a" else "上午 实操1"
    assert shortage.available == 4 and other in shortage.message and "同一时间" in shortage.message
    assert "只能安排1名" in shortage.message


def test_a_short_post_does_not_hide_other_shortages():
    posts = [post("x", item="welding", label="焊工"), post("a", count=2, label="上午 A"),
             post("b", count=2, start=10, end=12, label="上午 B")]
    staff = [person(n, region=FAR if n > 2 else "510104") for n in range(1, 4)]
    result = dispatch_solve(posts, staff, time_limit=10)
    assert result.status == "infeasible"
    assert {s.post_id for s in result.shortages} == {"x", "a"} or {s.post_id for s in result.shortages} == {"x", "b"}
    rules = {s.post_id: s.rule_id for s in result.shortages}
    assert rules["x"] == RULE_QUALIFICATION


def test_when_time_runs_out_before_a_complete_dispatch_the_status_is_unknown(monkeypatch):
    def nothing_in_time(prep, posts, cand, cost, hint, **kwargs):
        stats = {"variables": 0, "constraints": 0, "solve_s": kwargs["time_limit"], "cp_status": "UNKNOWN"}
        return PartResult("unknown", {p: [] for p in posts}, 0, 0.0, sum(prep.need[p] for p in posts), False, stats)

    monkeypatch.setattr(part, "solve_part", nothing_in_time)
    result = dispatch_solve([post("a", count=2, label="上午 A")], [person(1), person(2)], time_limit=1)
    assert result.status == "unknown" and result.placements == () and not result.ok
    (shortage,) = result.shortages
    assert shortage.available == 2 and "在时限内未能补足" in shortage.message
