"""The independent dispatch checker: each hard rule reports a violating dispatch and passes a clean one."""

import random
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from bench.scenarios.dispatch_check import dispatch_independent_violations
from kaowu.staffing.solver.model import CardSpec, Placement, PostSpec, SiteCapSpec, StaffSpec

DAY = date(2026, 12, 5)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def card(item_key: str = "infant", level: int | None = 3, valid_until: date = date(2027, 12, 31)) -> CardSpec:
    return CardSpec(item_key=item_key, highest_level=level, number=f"K-{item_key}-{level}", valid_until=valid_until)


def assessor(staff_id: int, **changes) -> StaffSpec:
    person = StaffSpec(
        id=staff_id, name=f"考评员{staff_id}", roles=frozenset({"assessor"}), organisation_id=1,
        region_code="510104", cards=(card(),),
    )
    return replace(person, **changes)


def room_post(post_id: str = "room:1:1", **changes) -> PostSpec:
    post = PostSpec(
        id=post_id, role="assessor", count=3, plan_id=10, institution_id=100, day=DAY,
        intervals=((at(8, 30), at(12)),), leader=True, site_id=5, region_code="510104",
        item_key="infant", level=3, item_label="育婴员三级", candidate_ids=frozenset({501, 502}),
        conflict_employer_keys=frozenset({"org:100", "name:某医院"}), staff_organisation_ids=frozenset({1}),
    )
    return replace(post, **changes)


def group(post_id: str, *staff_ids: int) -> list[Placement]:
    return [Placement(post_id, staff_id, leader=index == 0) for index, staff_id in enumerate(staff_ids)]


@pytest.fixture
def clean():
    """A clean dispatch: one practical room (3 assessors, one leader), one theory room (2 invigilators),
    a site supervisor and the batch's chief examiner."""
    posts = [
        room_post(),
        PostSpec(
            id="room:1:2", role="invigilator", count=2, plan_id=10, institution_id=100, day=DAY,
            intervals=((at(8, 30), at(10, 30)),), candidate_ids=frozenset({503}),
            staff_organisation_ids=frozenset({100}),
        ),
        PostSpec(
            id="site:5:2026-12-05:10", role="supervisor", count=1, plan_id=10, institution_id=100, day=DAY,
            intervals=((at(8), at(17)),), candidate_ids=frozenset({501, 502, 503}),
            conflict_employer_keys=frozenset({"org:100"}), staff_organisation_ids=frozenset({1}),
        ),
        PostSpec(
            id="batch:10", role="chief", count=1, plan_id=10, institution_id=100, day=DAY,
            intervals=((at(8), at(17)),), candidate_ids=frozenset({501, 502, 503}),
            staff_organisation_ids=frozenset({100}),
        ),
    ]
    staff = [
        assessor(1, employer_keys=frozenset({"org:7"})),
        assessor(2, cards=(card(level=1),)),  # a level-1 card covers level 3
        assessor(3),
        assessor(4),  # spare
        StaffSpec(id=11, name="监考甲", roles=frozenset({"invigilator"}), organisation_id=100, region_code="510104"),
        StaffSpec(id=12, name="监考乙", roles=frozenset({"invigilator", "chief"}), organisation_id=100,
                  region_code="510104"),
        StaffSpec(id=13, name="主考", roles=frozenset({"chief"}), organisation_id=100, region_code="510104"),
        StaffSpec(id=21, name="督导", roles=frozenset({"supervisor"}), organisation_id=1, region_code="510104"),
    ]
    placements = [
        *group("room:1:1", 1, 2, 3),
        Placement("room:1:2", 11),
        Placement("room:1:2", 12),
        Placement("site:5:2026-12-05:10", 21),
        Placement("batch:10", 13),
    ]
    return posts, staff, placements


def check(posts, staff, placements, site_caps=()):
    return dispatch_independent_violations(posts, staff, placements, site_caps)


def staff_replace(staff, staff_id, **changes):
    return [replace(person, **changes) if person.id == staff_id else person for person in staff]


def post_replace(posts, post_id, **changes):
    return [replace(post, **changes) if post.id == post_id else post for post in posts]


def rules(messages):
    return [message[1:message.index("]")] for message in messages]


def test_clean_dispatch_has_no_violation(clean):
    assert check(*clean) == []


# --- rule 1: known ids, exactly `count` distinct people (R-FJ-8) ---------------------------------------


def test_unknown_post_and_person_are_reported(clean):
    posts, staff, placements = clean
    messages = check(posts, staff, [*placements, Placement("room:9:9", 4), Placement("room:1:2", 999)])
    assert "[input] 安排了未知岗位 room:9:9（人员 4）" in messages
    assert "[input] 岗位 room:1:2：未知人员 999" in messages


def test_missing_and_extra_people_are_reported(clean):
    posts, staff, placements = clean
    fewer = [p for p in placements if p.staff_id != 12]
    assert check(posts, staff, fewer) == ["[R-FJ-8] 岗位 room:1:2：需 2 名监考员，只安排了 1 名"]
    more = [*placements, Placement("room:1:1", 4)]
    assert check(posts, staff, more) == ["[R-FJ-8] 岗位 room:1:1：需 3 名考评员，却安排了 4 名"]


def test_a_person_twice_in_one_post_is_reported_and_does_not_count_twice(clean):
    posts, staff, placements = clean
    twice = [p for p in placements if p.staff_id != 12] + [Placement("room:1:2", 11)]
    messages = check(posts, staff, twice)
    assert "[R-FJ-8] 岗位 room:1:2：人员 11 被重复安排" in messages
    assert "[R-FJ-8] 岗位 room:1:2：需 2 名监考员，只安排了 1 名" in messages


def test_duplicate_ids_in_the_input_are_reported(clean):
    posts, staff, placements = clean
    messages = check([*posts, posts[0]], [*staff, staff[0]], placements)
    assert messages == ["[input] 岗位 room:1:1 重复出现", "[input] 人员 1 重复出现"]


# --- rule 2: role and registering organisation ---------------------------------------------------------


def test_person_without_the_role_is_reported(clean):
    posts, staff, placements = clean
    placements = [replace(p, staff_id=21) if p.staff_id == 13 else p for p in placements]
    messages = check(posts, staff, placements)
    assert "[role] 岗位 batch:10：人员 21 不具备主考身份" in messages
    # 21 is also the site supervisor at the same time.
    assert rules(messages) == ["role", "role", "R-FJ-8"]


def test_person_of_another_organisation_is_reported(clean):
    posts, staff, placements = clean
    staff = staff_replace(staff, 11, organisation_id=200)
    assert check(posts, staff, placements) == ["[role] 岗位 room:1:2：人员 11 所属机构 200 不在可派遣机构（100）之内"]
    # No restriction on the post: anyone holding the role may fill it.
    assert check(post_replace(posts, "room:1:2", staff_organisation_ids=None), staff, placements) == []


# --- rule 3: qualification (R-SC24-8) ------------------------------------------------------------------


def test_assessor_without_a_card_for_the_item_is_reported(clean):
    posts, staff, placements = clean
    staff = staff_replace(staff, 3, cards=(card(item_key="hr"),))
    assert check(posts, staff, placements) == ["[R-SC24-8] 岗位 room:1:1：人员 3 无 育婴员三级 有效考评员证"]


def test_card_levels_one_is_the_highest(clean):
    posts, staff, placements = clean
    # A level-4 card does not cover a level-3 post ...
    low = staff_replace(staff, 3, cards=(card(level=4),))
    assert rules(check(posts, low, placements)) == ["R-SC24-8"]
    # ... a level-3 card does (cards of assessors 1 and 3), and so does level 1 (assessor 2).
    assert check(posts, staff, placements) == []
    # A card without a level covers only posts without a level.
    no_level = staff_replace(staff, 3, cards=(card(level=None),))
    assert rules(check(posts, no_level, placements)) == ["R-SC24-8"]
    special = post_replace(posts, "room:1:1", level=None)
    assert check(special, no_level, placements) == []
    # Posts without a level accept a card of any level.
    assert check(special, staff, placements) == []


def test_expired_card_is_reported_but_valid_on_the_day_is_not(clean):
    posts, staff, placements = clean
    expired = staff_replace(staff, 3, cards=(card(valid_until=DAY - timedelta(days=1)),))
    messages = check(posts, expired, placements)
    assert rules(messages) == ["R-SC24-8"] and "2026-12-04" in messages[0]
    last_day = staff_replace(staff, 3, cards=(card(valid_until=DAY),))
    assert check(posts, last_day, placements) == []
    # One good card among bad ones is enough.
    mixed = staff_replace(staff, 3, cards=(card(valid_until=date(2020, 1, 1)), card(item_key="hr"), card()))
    assert check(posts, mixed, placements) == []


def test_cards_are_not_required_of_other_roles(clean):
    posts, staff, placements = clean
    assert all(not person.cards for person in staff if "assessor" not in person.roles)
    assert check(*clean) == []


# --- rule 4: assessor group leader (R-SC21-3) ----------------------------------------------------------


def test_group_without_leader_or_with_two_is_reported(clean):
    posts, staff, placements = clean
    none = [replace(p, leader=False) for p in placements]
    assert check(posts, staff, none) == ["[R-SC21-3] 岗位 room:1:1：考评组未指定组长"]
    two = [replace(p, leader=True) if p.staff_id == 2 else p for p in placements]
    assert check(posts, staff, two) == ["[R-SC21-3] 岗位 room:1:1：考评组有 2 名组长（人员 1、2）"]


def test_leader_on_a_post_without_group_is_reported(clean):
    posts, staff, placements = clean
    invigilator_leader = [replace(p, leader=True) if p.staff_id == 11 else p for p in placements]
    assert rules(check(posts, staff, invigilator_leader)) == ["R-SC21-3"]
    # An assessor post without a group leader must not have one either.
    no_group = post_replace(posts, "room:1:1", leader=False)
    assert rules(check(no_group, staff, placements)) == ["R-SC21-3"]
    assert check(no_group, staff, [replace(p, leader=False) for p in placements]) == []
    # A leader flag on a non-assessor post is not honoured: a leader there is still a violation.
    flagged = post_replace(posts, "room:1:2", leader=True)
    assert rules(check(flagged, staff, invigilator_leader)) == ["R-SC21-3"]


# --- rule 5: 考培分离 (R-FJ-7) --------------------------------------------------------------------------


def test_trainer_of_a_batch_candidate_fills_no_post_of_the_batch(clean):
    posts, staff, placements = clean
    # The chief's own post lists no candidates: 501 sits in the practical room, and the batch is what counts.
    posts = post_replace(posts, "batch:10", candidate_ids=frozenset())
    trainer = staff_replace(staff, 13, trained_candidate_ids=frozenset({501, 900}))
    assert check(posts, trainer, placements) == [
        "[R-FJ-7] 岗位 batch:10：人员 13 培训过本批次（计划 10）考生 501，考培分离"
    ]
    # The invigilator 11 of room:1:2 (candidate 503 only) is excluded too.
    trainer = staff_replace(staff, 11, trained_candidate_ids=frozenset({502}))
    assert rules(check(posts, trainer, placements)) == ["R-FJ-7"]


def test_training_candidates_of_another_batch_is_fine(clean):
    posts, staff, placements = clean
    other_batch = PostSpec(
        id="batch:11", role="chief", count=0, plan_id=11, institution_id=100, day=DAY, intervals=(),
        candidate_ids=frozenset({900}),
    )
    trainer = staff_replace(staff, 13, trained_candidate_ids=frozenset({900}))
    assert check([*posts, other_batch], trainer, placements) == []


# --- rule 6: 回避 (R-FJ-19) -----------------------------------------------------------------------------


def test_related_assessor_or_supervisor_is_reported(clean):
    posts, staff, placements = clean
    related = staff_replace(staff, 2, related_candidate_ids=frozenset({502}))
    assert check(posts, related, placements) == ["[R-FJ-19] 岗位 room:1:1：人员 2 与考生 502 有亲属等关系，应回避"]
    related = staff_replace(staff, 21, related_candidate_ids=frozenset({503}))
    assert rules(check(posts, related, placements)) == ["R-FJ-19"]
    # A relation to a candidate of another room of the batch is fine for an assessor.
    related = staff_replace(staff, 2, related_candidate_ids=frozenset({503}))
    assert check(posts, related, placements) == []
    # The rule is for assessors and supervisors only (chief and invigilators: 考培分离 only).
    related = staff_replace(staff, 11, related_candidate_ids=frozenset({503}))
    assert check(posts, related, placements) == []


def test_conflicting_employer_is_reported(clean):
    posts, staff, placements = clean
    employed = staff_replace(staff, 1, employer_keys=frozenset({"org:7", "name:某医院"}))
    assert check(posts, employed, placements) == [
        "[R-FJ-19] 岗位 room:1:1：人员 1 的工作单位 name:某医院 与考生或考核机构冲突，应回避"
    ]
    employed = staff_replace(staff, 21, employer_keys=frozenset({"org:100"}))
    assert rules(check(posts, employed, placements)) == ["R-FJ-19"]


# --- rule 7: overlaps (R-FJ-8) -------------------------------------------------------------------------


def afternoon(post_id: str, start: datetime, end: datetime, **changes) -> PostSpec:
    return room_post(post_id, intervals=((start, end),), leader=False, count=1, **changes)


def test_overlapping_posts_are_reported(clean):
    posts, staff, placements = clean
    later = afternoon("room:2:1", at(11, 59), at(14))
    messages = check([*posts, later], staff, [*placements, Placement("room:2:1", 1)])
    assert messages == ["[R-FJ-8] 人员 1：岗位 room:1:1 与岗位 room:2:1 时间重叠"]


def test_touching_intervals_do_not_overlap(clean):
    posts, staff, placements = clean
    later = afternoon("room:2:1", at(12), at(14))
    assert check([*posts, later], staff, [*placements, Placement("room:2:1", 1)]) == []


def test_any_interval_of_a_post_counts(clean):
    posts, staff, placements = clean
    # Two intervals with a gap: a post in the gap is fine, one across the second interval is not.
    split = room_post("room:3:1", intervals=((at(13), at(14)), (at(16), at(17))), leader=False, count=1)
    gap = afternoon("room:3:2", at(14), at(16))
    across = afternoon("room:3:3", at(16, 30), at(18))
    fine = [Placement("room:3:1", 4), Placement("room:3:2", 4)]
    posts = [*posts, split, gap, across]
    assert check(posts, staff, [*placements, *fine, Placement("room:3:3", 3)]) == []
    messages = check(posts, staff, [*placements, *fine, Placement("room:3:3", 4)])
    assert messages == ["[R-FJ-8] 人员 4：岗位 room:3:1 与岗位 room:3:3 时间重叠"]


def test_a_long_interval_overlapping_several_later_ones_reports_each_pair(clean):
    posts, staff, placements = clean
    day_long = afternoon("room:4:0", at(13), at(18))
    short = [afternoon(f"room:4:{n}", at(13 + n), at(14 + n)) for n in (1, 2)]
    extra = [Placement("room:4:0", 4), Placement("room:4:1", 4), Placement("room:4:2", 4)]
    messages = check([*posts, day_long, *short], staff, [*placements, *extra])
    assert messages == [
        "[R-FJ-8] 人员 4：岗位 room:4:0 与岗位 room:4:1 时间重叠",
        "[R-FJ-8] 人员 4：岗位 room:4:0 与岗位 room:4:2 时间重叠",
    ]


# --- rule 8: availability ------------------------------------------------------------------------------


def test_unavailable_day_is_reported(clean):
    posts, staff, placements = clean
    away = staff_replace(staff, 21, unavailable=frozenset({DAY}))
    assert check(posts, away, placements) == [
        "[availability] 岗位 site:5:2026-12-05:10：人员 21 在 2026-12-05 不可出勤"
    ]
    other_day = staff_replace(staff, 21, unavailable=frozenset({DAY + timedelta(days=1)}))
    assert check(posts, other_day, placements) == []


def test_available_only_is_honoured(clean):
    posts, staff, placements = clean
    only_sunday = staff_replace(staff, 21, available_only=frozenset({DAY + timedelta(days=1)}))
    assert rules(check(posts, only_sunday, placements)) == ["availability"]
    only_today = staff_replace(staff, 21, available_only=frozenset({DAY}))
    assert check(posts, only_today, placements) == []


def test_max_posts_is_honoured(clean):
    posts, staff, placements = clean
    later = afternoon("room:2:1", at(13), at(14))
    posts, placements = [*posts, later], [*placements, Placement("room:2:1", 1)]
    assert check(posts, staff_replace(staff, 1, max_posts=2), placements) == []
    assert check(posts, staff_replace(staff, 1, max_posts=1), placements) == [
        "[availability] 人员 1：安排了 2 个岗位，超过上限 1 个"
    ]


# --- rule 9: site cap (R-SC21-2) -----------------------------------------------------------------------


def test_site_cap_counts_candidates_and_staff(clean):
    posts, staff, placements = clean
    post_ids = ("room:1:1", "room:1:2", "site:5:2026-12-05:10", "batch:10")  # 7 people
    cap = SiteCapSpec(site_id=5, start=at(8), end=at(12), cap=50, candidates=43, post_ids=post_ids, label="考点5 上午")
    assert check(posts, staff, placements, [cap]) == []
    over = replace(cap, candidates=44)
    assert check(posts, staff, placements, [over]) == [
        "[R-SC21-2] 考点5 上午：考生 44 人 + 工作人员 7 人 = 51 人，超过上限 50 人"
    ]
    # Only the cap's posts count.
    assert check(posts, staff, placements, [replace(over, post_ids=post_ids[1:])]) == []


# --- speed ---------------------------------------------------------------------------------------------


def test_a_large_dispatch_is_checked_quickly():
    """~2,000 posts × 4 people against 8,000 staff, with every person in several posts."""
    rng = random.Random(7)
    staff = [
        assessor(n, employer_keys=frozenset({f"org:{n % 50}"}), trained_candidate_ids=frozenset({10_000_000 + n}),
                 related_candidate_ids=frozenset({20_000_000 + n}), unavailable=frozenset({date(2027, 1, 1)}))
        for n in range(8_000)
    ]
    posts, placements = [], []
    for n in range(2_000):
        day = DAY + timedelta(days=n // 400)
        slot = n % 400 // 100  # four slots a day, 100 rooms each
        start = at(8 + slot * 2, day=day)
        post = room_post(
            f"room:{n}", count=4, plan_id=n // 100, day=day, intervals=((start, start + timedelta(hours=2)),),
            candidate_ids=frozenset(range(n * 30, n * 30 + 30)), conflict_employer_keys=frozenset({"org:9999"}),
        )
        posts.append(post)
        # In one slot, people 0..399 each fill exactly one room: no overlaps, no violations.
        placements += group(post.id, *(n % 100 * 4 + k + (n % 2) * 4000 for k in range(4)))
    rng.shuffle(placements)
    assert dispatch_independent_violations(posts, staff, placements) == []
    # The same dispatch with one person swapped into a room of the same slot is caught.
    moved = [replace(p, staff_id=1) if p.post_id == "room:50" and p.staff_id == 200 else p for p in placements]
    assert dispatch_independent_violations(posts, staff, moved) == [
        "[R-FJ-8] 人员 1：岗位 room:0 与岗位 room:50 时间重叠"
    ]
